"""The emails of subscriptions: the confirmation link, "you are already subscribed", a new preference centre link.

Each is built in the person's language, HTML and plain text, with no tracking. They are sent by the task
``send_subscription_email`` (the request does not wait for the mail server); the log names contacts by id only.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from cimaise.audience.models import Contact, ContactActivity, Subscription

logger = logging.getLogger(__name__)

KINDS = ("confirm", "already", "preferences")


def confirm_url(token):
    return settings.BASE_URL + reverse("audience_mail:confirm", kwargs={"token": token})


def _subject(kind):
    return {
        "confirm": _("Confirm your subscription"),
        "already": _("You are already subscribed"),
        "preferences": _("Your newsletter preferences"),
    }[kind]


def build(kind, contact, language, subscriptions=(), activity=None):
    """The message for ``kind`` (an ``EmailMultiAlternatives``), not sent."""
    from cimaise.audience.services import subscriptions as services

    if kind not in KINDS:
        raise ValueError(kind)
    with translation.override(language):
        context = {
            "kind": kind,
            "language": language,
            "name": contact.first_name,
            "newsletters": [s.newsletter for s in subscriptions],
            "confirm_days": services._settings()["CONFIRM_DAYS"],
            "preferences_days": services._settings()["PREFERENCES_DAYS"],
            "preferences_url": services.preferences_url(contact),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        if kind == "confirm":
            context["confirm_url"] = confirm_url(services.confirm_token(subscriptions, activity))
        text = render_to_string("audience/emails/subscription.txt", context)
        html = render_to_string("audience/emails/subscription.html", context)
        message = EmailMultiAlternatives(_subject(kind), text, None, [contact.email])
        message.attach_alternative(html, "text/html")
        # Transactional: never suppressed by the ESP's own unsubscribe handling, and no tracking.
        message.extra_headers["Auto-Submitted"] = "auto-generated"
    return message


@task()
def send_subscription_email(kind, contact_id, language, subscription_ids=(), activity_id=None):
    """Email a contact about their subscription (``kind`` in KINDS). Nothing if the contact was erased since."""
    contact = Contact.objects.filter(pk=contact_id, erased_at__isnull=True).first()
    if contact is None:
        return
    subscriptions = list(Subscription.objects.select_related("newsletter").filter(
        pk__in=subscription_ids, contact=contact))
    if kind == "confirm" and not subscriptions:
        return
    activity = ContactActivity.objects.filter(pk=activity_id, contact=contact).first() if activity_id else None
    build(kind, contact, language, subscriptions, activity).send()
    logger.info("audience: %s email sent to contact %s", kind, contact_id)
