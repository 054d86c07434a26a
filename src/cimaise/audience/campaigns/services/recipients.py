"""Who receives a campaign.

The list is always the target: it carries the consent (a confirmed subscription) and the one-click
unsubscribe token. A campaign is written in one language: on a list that has a language, every confirmed
subscriber receives it; on a list for every language, only the subscribers whose language is the
campaign's (a bilingual institution sends one campaign per language). Erased contacts never.

A segment narrows the list: when ``Campaign.segment`` exists (added by the segments feature) and is set,
only the list's subscribers who are also in ``segment.contacts()`` receive the campaign.
"""

from cimaise.audience.models import Contact, Subscription


def audience(campaign):
    """The contacts that would receive ``campaign`` now (a queryset; suppression is checked per batch)."""
    contacts = Contact.objects.filter(
        subscriptions__newsletter_id=campaign.newsletter_id,
        subscriptions__status=Subscription.Status.CONFIRMED,
        erased_at__isnull=True,
    )
    if not campaign.newsletter.language:
        contacts = contacts.filter(language=campaign.language)
    segment = getattr(campaign, "segment", None)
    if segment is not None:
        contacts = contacts.filter(pk__in=segment.contacts().values("pk"))
    return contacts


def count(campaign):
    return audience(campaign).count()
