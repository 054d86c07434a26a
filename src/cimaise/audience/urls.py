"""Public pages of the audience, under /<lang>/newsletter/: sign-up, confirmation, preference centre."""

from django.urls import path

from cimaise.audience import views

app_name = "audience"
urlpatterns = [
    path("", views.signup, name="signup"),
    path("link/", views.request_link, name="request_link"),
]
