"""Public URLs of the events app: registration (register, confirm, manage, offers)."""

urlpatterns = []
