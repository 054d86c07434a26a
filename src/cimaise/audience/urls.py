"""Public pages of the audience, under /<lang>/newsletter/: sign-up, confirmation, preference centre."""

app_name = "audience"
urlpatterns = []
