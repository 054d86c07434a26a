"""Public URLs of the events app: tickets (QR images of tickets)."""

urlpatterns = []
