"""The audience dashboard: growth, consents, emails by month and by campaign, attendance, memberships, CSV."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from cimaise.ai.transparency.dashboard import Period
from cimaise.audience.dashboard import figures
from cimaise.audience.models import ConsentRecord, Contact, ContactActivity

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def at(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def audience():
    people = []
    for n, created in enumerate(["2026-01-05", "2026-01-20", "2026-02-10", "2026-03-01"]):
        contact = Contact.objects.create(email=f"p{n}@example.org", first_name=f"P{n}")
        Contact.objects.filter(pk=contact.pk).update(created_at=at(created + "T10:00"))
        people.append(contact)
    Contact.objects.filter(pk=people[1].pk).update(erased_at=at("2026-03-10T09:00"))
    ConsentRecord.objects.create(contact=people[0], purpose="newsletter", granted=True, at=at("2026-01-05T10:00"),
                                 method="form")
    ConsentRecord.objects.create(contact=people[2], purpose="newsletter", granted=False, at=at("2026-02-10T10:00"),
                                 method="preferences")
    ConsentRecord.objects.create(contact=people[3], purpose="photos", granted=True, at=at("2026-03-01T10:00"),
                                 method="registration")

    def activity(contact, kind, when, ref=""):
        ContactActivity.objects.create(contact=contact, kind=kind, at=at(when), ref=ref)

    for contact in people:
        activity(contact, "email_sent", "2026-02-15T08:00", "audience_campaigns.campaign:41")
    activity(people[0], "email_opened", "2026-02-15T09:00", "audience_campaigns.campaign:41")
    activity(people[2], "unsubscribed", "2026-02-16T09:00", "audience_campaigns.campaign:41")
    activity(people[0], "registered", "2026-02-01T12:00")
    activity(people[0], "checked_in", "2026-03-02T18:00")
    activity(people[3], "registered", "2026-03-01T12:00")
    return people


def period():
    return Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))


def test_growth_counts_added_erased_and_the_total_at_each_months_end(audience):
    rows = figures.growth(period())
    assert [(r["month"].month, r["added"], r["erased"], r["total"]) for r in rows] == [
        (1, 2, 0, 2), (2, 1, 0, 3), (3, 1, 1, 3)]


def test_consent_rates_read_the_current_records_among_contacts_on_file(audience):
    rows = {r["purpose"]: r for r in figures.consent_rates()}
    assert (rows["newsletter"]["granted"], rows["newsletter"]["refused"], rows["newsletter"]["contacts"]) == (1, 1, 3)
    assert rows["photos"]["rate"] == pytest.approx(1 / 3)
    assert rows["profiling"]["granted"] == 0


def test_emails_campaigns_and_attendance_by_month(audience):
    emails = {r["month"].month: r for r in figures.emails_by_month(period())}
    assert (emails[2]["sent"], emails[2]["opened"], emails[2]["unsubscribed"]) == (4, 1, 1)
    (campaign,) = figures.campaigns(period())
    assert (campaign["campaign_id"], campaign["sent"], campaign["opened"]) == ("41", 4, 1)
    attendance = {r["month"].month: r for r in figures.attendance_by_month(period())}
    assert (attendance[2]["registered"], attendance[3]["registered"], attendance[3]["checked_in"]) == (1, 1, 1)


def test_memberships_new_renewed_and_lapsed(audience):
    from cimaise.audience.loyalty import services
    from cimaise.audience.loyalty.models import MembershipProgramme, MembershipTier

    tier = MembershipTier.objects.create(programme=MembershipProgramme.objects.create(name="Amis", duration_months=1),
                                         name="Ami", slug="ami")
    first = services.join(audience[0], tier, today=datetime.date(2026, 1, 10))  # ends 9 February
    services.join(audience[0], tier, today=datetime.date(2026, 2, 1))  # renewed: from 10 February
    services.join(audience[2], tier, today=datetime.date(2026, 2, 3))  # ends 2 March, never renewed
    rows = {r["month"].month: r for r in figures.memberships_by_month(period())}
    assert (rows[1]["new"], rows[2]["new"], rows[2]["renewed"]) == (1, 1, 1)
    assert rows[3]["lapsed"] == 2 and first.ends_on.month == 2  # the renewal (ends 9 March) and the other one
    assert rows[2]["lapsed"] == 0  # the first period was renewed


def test_the_page_and_its_csv_for_people_who_may_see_contacts(client, django_user_model, audience):
    from django.contrib.auth.models import Group

    from cimaise.institution import roles

    marketing = django_user_model.objects.create_user("marketing", password="x-not-used-1")
    marketing.groups.add(Group.objects.get(name=roles.COMMUNITY_MANAGER))
    editor = django_user_model.objects.create_user("editor", password="x-not-used-1")
    editor.groups.add(Group.objects.get(name=roles.CONTENT_MANAGER))
    client.force_login(editor)
    assert client.get("/admin/audience/dashboard/").status_code in (302, 403)
    client.force_login(marketing)
    html = client.get("/admin/audience/dashboard/?from=2026-01-01&to=2026-03-31").content.decode()
    assert 'data-figure="contacts">3<' in html and 'data-figure="sent">4<' in html
    response = client.get("/admin/audience/dashboard/?from=2026-01-01&to=2026-03-31&export=csv&table=emails")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["month", "sent", "delivered"] and rows[2][:2] == ["2026-02", "4"]
    bad = client.get("/admin/audience/dashboard/?from=2026-04-01&to=2026-03-01").content.decode()
    assert 'role="alert"' in bad and "2026-04-01" in bad  # what was typed stays in the form


def test_campaign_results_count_the_messages_the_sender_sent(audience):
    from cimaise.audience.campaigns.models import Campaign, CampaignRecipient
    from cimaise.audience.models import NewsletterList

    letter = NewsletterList.objects.create(name="La lettre", slug="lettre")
    campaign = Campaign.objects.create(name="Lettre de mars", subject="Mars au musée", newsletter=letter)
    for n, contact in enumerate(audience[:3]):
        CampaignRecipient.objects.create(campaign=campaign, contact=contact, email=contact.email,
                                         status="sent" if n < 2 else "failed", sent_at=at("2026-03-05T08:00"))
    rows = {row["name"]: row for row in figures.campaigns(period())}
    assert rows["Lettre de mars"]["sent"] == 2
    assert {r["month"].month: r["sent"] for r in figures.emails_by_month(period())}[3] == 2
