"""Addresses that emails carry, without a language prefix: they must work from any mail client, with no cookie."""

app_name = "audience_mail"
urlpatterns = []
