"""The events app's public URLs, under /<language>/events/ (see cimaise/urls.py); one module per concern."""

from django.urls import include, path

app_name = "events"

urlpatterns = [
    path("", include("cimaise.events.registration_urls")),
    path("", include("cimaise.events.feed_urls")),
    path("", include("cimaise.events.ticket_urls")),
]
