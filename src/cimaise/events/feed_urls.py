"""Public URLs of the events app: programme (iCalendar feed of all events)."""

urlpatterns = []
