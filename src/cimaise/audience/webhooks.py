"""What the ESP reports through anymail's tracking webhooks: bounces, complaints, unsubscribes.

Connected when the app is ready (``AudienceConfig.ready`` imports this module). anymail has checked the
webhook's secret before the signal is sent; these receivers only call the subscription services:

- "bounced" (a hard bounce): the address is suppressed ("bounced"); a soft bounce ("deferred", or a bounce
  the ESP marks as soft) is a line in the contact's timeline only;
- "complained": suppressed ("complained") and unsubscribed from every list;
- "unsubscribed" (the ESP's own link or list): unsubscribed from every list, suppressed ("unsubscribed").

Log lines name the event type and the ESP, never the address.
"""

import logging

from anymail.signals import EventType, tracking
from django.dispatch import receiver

from cimaise.audience.services import subscriptions

logger = logging.getLogger(__name__)

# Raw ESP fields that mark a bounce as temporary although anymail reports it as "bounced".
_SOFT_BOUNCE_TYPES = {"SoftBounce", "Transient", "DnsError"}  # Postmark's "Type"


def _is_soft(event):
    if event.event_type == EventType.DEFERRED:
        return True
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    return raw.get("Type") in _SOFT_BOUNCE_TYPES or raw.get("severity") == "temporary"  # Postmark, Mailgun


def _detail(event, esp_name):
    return f"{esp_name}: {event.event_type}" + (f" ({event.description})" if event.description else "")


@receiver(tracking, dispatch_uid="cimaise.audience.webhooks.tracking")
def on_tracking(sender, event, esp_name, **kwargs):
    """Update suppression and the timeline from one tracking event."""
    if not event.recipient:
        return
    kind = event.event_type
    detail = _detail(event, esp_name)[:300]
    if kind in (EventType.BOUNCED, EventType.DEFERRED):
        subscriptions.record_bounce(event.recipient, hard=not _is_soft(event), detail=detail)
    elif kind == EventType.COMPLAINED:
        subscriptions.record_complaint(event.recipient, detail=detail)
    elif kind == EventType.UNSUBSCRIBED:
        subscriptions.record_esp_unsubscribe(event.recipient, detail=detail)
    else:
        return
    logger.info("audience: %s event from %s recorded", kind, esp_name)
