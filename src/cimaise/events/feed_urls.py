"""Public URLs of the events app: programme (iCalendar feed of all events)."""

from django.urls import path

from cimaise.events import feeds

urlpatterns = [
    path("calendar.ics", feeds.calendar_feed, name="calendar"),
]
