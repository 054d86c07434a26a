"""Campaign links that need no language prefix (open and click tracking, when it is on)."""

app_name = "campaigns"
urlpatterns = []
