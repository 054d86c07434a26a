"""The figures of the audience dashboard, one query per table, the same on SQLite and PostgreSQL.

Sources: contacts and their timeline (``ContactActivity``: registrations, check-ins, emails sent,
delivered, opened, clicked, bounced, unsubscribes), consent records, memberships. Campaign results
are the timeline's email lines grouped by campaign (their ``ref`` is "audience_campaigns.campaign:<id>").
Periods and months are those of the AI dashboard (``cimaise.ai.transparency.dashboard.Period``): whole
days in the institution's time zone. Nothing here writes.
"""

import datetime

from django.apps import apps
from django.db.models import Count, DateField, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from cimaise.ai.transparency.dashboard import Period, institution_tz
from cimaise.audience.models import ConsentRecord, Contact, ContactActivity

Kind = ContactActivity.Kind
EMAIL_KINDS = {
    "sent": Kind.EMAIL_SENT, "delivered": Kind.EMAIL_DELIVERED, "bounced": Kind.EMAIL_BOUNCED,
    "opened": Kind.EMAIL_OPENED, "clicked": Kind.EMAIL_CLICKED, "unsubscribed": Kind.UNSUBSCRIBED,
    "complained": Kind.EMAIL_COMPLAINED,
}
CAMPAIGN_REF = "audience_campaigns.campaign:"

__all__ = ["Period"]


def _month(field):
    return TruncMonth(field, output_field=DateField(), tzinfo=institution_tz())


def _by_month(period, rows, keys):
    found = {row["month"]: row for row in rows}
    return [{"month": month, **{key: (found.get(month) or {}).get(key, 0) for key in keys}}
            for month in period.months()]


def growth(period):
    """Per month: contacts added, contacts erased, and the contacts on file at the month's end."""
    rows = (Contact.objects.filter(period.filter("created_at")).order_by().annotate(month=_month("created_at"))
            .values("month").annotate(added=Count("pk")))
    erased = {row["month"]: row["n"] for row in
              Contact.objects.filter(period.filter("erased_at")).order_by().annotate(month=_month("erased_at"))
              .values("month").annotate(n=Count("pk"))}
    start, _end = period.bounds
    before = Contact.objects.filter(created_at__lt=start).filter(Q(erased_at__isnull=True) | Q(erased_at__gte=start))
    total = before.count()
    table = _by_month(period, rows, ["added"])
    for row in table:
        row["erased"] = erased.get(row["month"], 0)
        total += row["added"] - row["erased"]
        row["total"] = total
    return table


def consent_rates():
    """Per purpose, today: contacts who consent, who refused or withdrew, and the rate among all contacts."""
    contacts = Contact.objects.filter(erased_at__isnull=True).count()
    rows = (ConsentRecord.objects.filter(is_current=True, contact__erased_at__isnull=True).order_by()
            # (Aliases other than "granted": an annotation of that name would shadow the field in the next filter.)
            .values("purpose").annotate(yes=Count("pk", filter=Q(granted=True)),
                                        no=Count("pk", filter=Q(granted=False))))
    found = {row["purpose"]: {"granted": row["yes"], "refused": row["no"]} for row in rows}
    table = []
    for purpose, label in ConsentRecord.Purpose.choices:
        row = found.get(purpose, {"granted": 0, "refused": 0})
        table.append({"purpose": purpose, "label": label, "granted": row["granted"], "refused": row["refused"],
                      "contacts": contacts, "rate": (row["granted"] / contacts) if contacts else None})
    return table


def emails_by_month(period):
    """Per month: emails sent, delivered, bounced, opened, clicked, unsubscribes and complaints."""
    aggregates = {key: Count("pk", filter=Q(kind=kind)) for key, kind in EMAIL_KINDS.items()}
    rows = (ContactActivity.objects.filter(period.filter("at"), kind__in=list(EMAIL_KINDS.values())).order_by()
            .annotate(month=_month("at")).values("month").annotate(**aggregates))
    table = _by_month(period, rows, list(EMAIL_KINDS))
    recipients = _campaign_recipients()
    if recipients is not None:  # the campaigns' messages, counted where the sender records them
        sent = {row["month"]: row["n"] for row in
                recipients.filter(period.filter("sent_at"), status="sent").order_by()
                .annotate(month=_month("sent_at")).values("month").annotate(n=Count("pk"))}
        for row in table:
            row["sent"] += sent.get(row["month"], 0)
    return table


def _campaign_model(name):
    if not apps.is_installed("cimaise.audience.campaigns"):
        return None
    try:
        return apps.get_model("audience_campaigns", name)
    except LookupError:
        return None


def _campaign_recipients():
    model = _campaign_model("CampaignRecipient")
    return model.objects.all() if model is not None else None


def campaigns(period):
    """Per campaign sent in the period (or with email lines in it): sent, delivered, bounced, opened, clicked,
    unsubscribed, complaints. "sent" comes from the campaign's recipients; the rest from the timeline."""
    aggregates = {key: Count("pk", filter=Q(kind=kind)) for key, kind in EMAIL_KINDS.items()}
    found = {row["ref"][len(CAMPAIGN_REF):]: row for row in
             ContactActivity.objects.filter(period.filter("at"), ref__startswith=CAMPAIGN_REF).order_by()
             .values("ref").annotate(**aggregates)}
    names, sent = {}, {}
    model = _campaign_model("Campaign")
    if model is not None:
        recipients = _campaign_recipients().filter(period.filter("sent_at"), status="sent").order_by()
        sent = {str(row["campaign_id"]): row["n"] for row in
                recipients.values("campaign_id").annotate(n=Count("pk"))}
        ids = {i for i in [*found, *sent] if i.isdigit()}
        names = {str(pk): name for pk, name in model.objects.filter(pk__in=ids).values_list("pk", "name")}
    table = []
    for campaign_id in {*found, *sent}:
        row = found.get(campaign_id) or {key: 0 for key in EMAIL_KINDS}
        figures = {key: row[key] for key in EMAIL_KINDS}
        figures["sent"] += sent.get(campaign_id, 0)
        table.append({"campaign_id": campaign_id, "name": names.get(campaign_id, f"#{campaign_id}"), **figures})
    return sorted(table, key=lambda row: (-row["sent"], row["name"]))


def attendance_by_month(period):
    """Per month: event registrations and check-ins (from the contacts' timeline)."""
    rows = (ContactActivity.objects.filter(period.filter("at"), kind__in=[Kind.REGISTERED, Kind.CHECKED_IN])
            .order_by().annotate(month=_month("at")).values("month")
            .annotate(registered=Count("pk", filter=Q(kind=Kind.REGISTERED)),
                      checked_in=Count("pk", filter=Q(kind=Kind.CHECKED_IN))))
    return _by_month(period, rows, ["registered", "checked_in"])


def memberships_by_month(period):
    """Per month: memberships started, split into new members and renewals; and those that ended unrenewed (3 queries)."""
    if not apps.is_installed("cimaise.audience.loyalty"):
        return []
    Membership = apps.get_model("audience_loyalty", "Membership")
    earlier = Membership.objects.filter(contact=OuterRef("contact"), starts_on__lt=OuterRef("starts_on"))
    later = Membership.objects.filter(contact=OuterRef("contact"), ends_on__gt=OuterRef("ends_on"))
    start, end = period.start, period.end
    started = Membership.objects.filter(starts_on__gte=start, starts_on__lte=end).order_by()
    counts = {}
    for condition, key in ((~Exists(earlier), "new"), (Exists(earlier), "renewed")):  # one query each
        rows = (started.filter(condition).annotate(month=TruncMonth("starts_on", output_field=DateField()))
                .values("month").annotate(n=Count("pk")))
        for row in rows:
            counts.setdefault(row["month"], {})[key] = row["n"]
    table = [{"month": month, "new": counts.get(month, {}).get("new", 0),
              "renewed": counts.get(month, {}).get("renewed", 0)} for month in period.months()]
    ended = {row["month"]: row["n"] for row in
             Membership.objects.filter(~Exists(later), ends_on__gte=start, ends_on__lte=end).order_by()
             .annotate(month=TruncMonth("ends_on", output_field=DateField())).values("month").annotate(n=Count("pk"))}
    for row in table:
        row["lapsed"] = ended.get(row["month"], 0)
    return table


def renewals_due(today, days=60):
    """Memberships ending in the next ``days`` days and not renewed yet."""
    if not apps.is_installed("cimaise.audience.loyalty"):
        return 0
    Membership = apps.get_model("audience_loyalty", "Membership")
    later = Membership.objects.filter(contact=OuterRef("contact"), ends_on__gt=OuterRef("ends_on"))
    return Membership.objects.filter(~Exists(later), ends_on__gte=today,
                                     ends_on__lte=today + datetime.timedelta(days=days)).count()


TABLE_TITLES = {
    "growth": _("Audience growth"),
    "consents": _("Consents"),
    "emails": _("Emails"),
    "campaigns": _("Campaign results"),
    "attendance": _("Event attendance"),
    "memberships": _("Memberships"),
}
