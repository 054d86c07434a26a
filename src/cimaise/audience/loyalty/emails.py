"""Members' emails: welcome (with the card's link) and renewal reminders, in the member's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def card_url(card):
    return settings.BASE_URL + reverse("loyalty:card", args=[card.secret])


def build(kind, membership, *, days=None):
    from cimaise.audience.loyalty.services import card_for

    contact = membership.contact
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        context = {
            "kind": kind, "name": contact.first_name or contact.full_name, "tier": membership.tier,
            "programme": membership.tier.programme, "ends_on": date_format(membership.ends_on, "DATE_FORMAT"),
            "days": days, "card_url": card_url(card_for(contact)), "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = {
            "welcome": _("Welcome: your %(programme)s membership"),
            "renewal": _("Your %(programme)s membership ends on %(date)s"),
        }[kind] % {"programme": membership.tier.programme.name, "date": context["ends_on"]}
        text = render_to_string("loyalty/emails/message.txt", context)
        html = render_to_string("loyalty/emails/message.html", context)
    message = EmailMultiAlternatives(subject, text, None, [contact.email])
    message.attach_alternative(html, "text/html")
    return message


def send(kind, membership, *, days=None):
    build(kind, membership, days=days).send()
