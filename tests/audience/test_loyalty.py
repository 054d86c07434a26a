"""Memberships, points and rewards: what the desk and the members see."""

import datetime

import pytest
from django.core import mail

from cimaise.audience.loyalty import services
from cimaise.audience.loyalty.models import (
    MembershipProgramme,
    MembershipTier,
    PointsRule,
    PointsTransaction,
    Reward,
)
from cimaise.audience.models import Contact
from cimaise.audience.services.contacts import find_or_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    programme = MembershipProgramme.objects.create(name="Amis du musée", duration_months=12, grace_days=30,
                                                   reminder_days=[30, 7])
    friend = MembershipTier.objects.create(programme=programme, name="Ami", slug="ami", price_note="45 € par an")
    patron = MembershipTier.objects.create(programme=programme, name="Mécène", slug="mecene", sort_order=1)
    return {"programme": programme, "friend": friend, "patron": patron}


@pytest.fixture
def lea():
    contact, _created = find_or_create("Lea@Example.org", first_name="Léa", last_name="Dupont", language="fr")
    return contact


@pytest.fixture
def rules():
    return {
        "registered": PointsRule.objects.create(activity="registered", points=10),
        "visited": PointsRule.objects.create(activity="visited", points=5, members_only=True),
        "purchased": PointsRule.objects.create(activity="purchased", points=1),
    }


def day(text):
    return datetime.date.fromisoformat(text)


def test_joining_gives_a_period_a_card_and_a_welcome_email(programme, lea, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.join(lea, programme["friend"], today=day("2026-03-15"))
    assert (membership.starts_on, membership.ends_on) == (day("2026-03-15"), day("2027-03-14"))
    lea.refresh_from_db()
    # Segments read these: the tier and the last day of benefits (grace period included).
    assert lea.membership_tier == "ami" and lea.membership_until == day("2027-04-13")
    assert len(lea.card.number) == 10
    (message,) = mail.outbox
    assert message.to == ["lea@example.org"] and "Amis du musée" in message.subject
    assert f"/card/{lea.card.secret}/" in message.body
    assert lea.activities.filter(kind="membership").exists()


def test_renewing_follows_the_current_period_and_an_expired_one_starts_again(programme, lea):
    first = services.join(lea, programme["friend"], today=day("2026-01-10"))
    renewal = services.join(lea, programme["patron"], today=day("2026-12-20"))
    assert renewal.starts_on == first.ends_on + datetime.timedelta(days=1) == day("2027-01-10")
    assert services.status(renewal, day("2026-12-20")) == "active"
    lea.refresh_from_db()
    assert lea.membership_tier == "mecene"
    # Past the grace period: a new membership starts on the day.
    late = services.join(lea, programme["friend"], today=day("2028-06-01"))
    assert late.starts_on == day("2028-06-01")


def test_grace_period_keeps_the_benefits_then_expires(programme, lea):
    membership = services.join(lea, programme["friend"], today=day("2026-01-10"))
    assert services.status(membership, day("2027-01-09")) == "active"
    assert services.status(membership, day("2027-01-25")) == "grace"
    assert services.status(membership, day("2027-02-10")) == "expired"


def test_points_are_earned_once_per_activity_and_by_the_rules(programme, lea, rules):
    assert services.award(lea, "registered", ref="events.registration:7").points == 10
    assert services.award(lea, "registered", ref="events.registration:7") is None  # the same registration
    # A visit earns only for members (members_only), a purchase per whole euro.
    assert services.record_visit(lea) is None
    services.join(lea, programme["friend"])
    assert services.record_visit(lea).points == 5
    assert services.record_purchase(lea, "12,90").points == 12
    lea.refresh_from_db()
    assert lea.points == 27
    assert list(PointsTransaction.objects.filter(contact=lea).values_list("balance", flat=True)) == [27, 15, 10]


def test_a_reward_never_takes_the_balance_below_zero(lea, rules):
    poster = Reward.objects.create(name="Affiche", cost=15)
    services.award(lea, "registered", ref="events.registration:1")
    with pytest.raises(services.LoyaltyError, match="points"):
        services.redeem(lea, poster)
    lea.refresh_from_db()
    assert lea.points == 10
    services.award(lea, "registered", ref="events.registration:2")
    movement = services.redeem(lea, poster)
    assert (movement.points, movement.balance) == (-15, 5)
    assert Contact.objects.get(pk=lea.pk).points == 5


def test_a_bad_amount_is_refused_with_a_clear_message(lea, rules):
    for amount in ("", "douze", "-3", "0"):
        with pytest.raises(services.LoyaltyError):
            services.record_purchase(lea, amount)
    assert not lea.activities.filter(kind="purchased").exists()


def test_renewal_reminders_go_once_the_nearest_only_and_not_after_renewal(programme, lea):
    membership = services.join(lea, programme["friend"], today=day("2026-01-10"))
    ends = membership.ends_on
    mail.outbox.clear()
    assert services.send_renewal_reminders(ends - datetime.timedelta(days=40)) == 0
    assert services.send_renewal_reminders(ends - datetime.timedelta(days=29)) == 1
    assert services.send_renewal_reminders(ends - datetime.timedelta(days=28)) == 0  # once
    assert "ends on" in mail.outbox[0].subject or "se termine" in mail.outbox[0].subject
    # The worker was down until 5 days before: only the 7-day reminder goes.
    assert services.send_renewal_reminders(ends - datetime.timedelta(days=5)) == 1
    assert services.send_renewal_reminders(ends - datetime.timedelta(days=4)) == 0


def test_a_renewed_member_gets_no_reminder_for_the_old_period(programme, lea):
    first = services.join(lea, programme["friend"], today=day("2026-01-10"))
    services.join(lea, programme["friend"], today=first.ends_on - datetime.timedelta(days=60))
    mail.outbox.clear()
    assert services.send_renewal_reminders(first.ends_on - datetime.timedelta(days=6)) == 0
    assert mail.outbox == []


def test_the_card_page_shows_the_member_and_a_qr_code_never_cached(client, programme, lea):
    services.join(lea, programme["friend"])
    card = lea.card
    response = client.get(f"/fr/card/{card.secret}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Léa Dupont" in html and card.number in html and "<svg" in html
    assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]
    assert client.get(f"/fr/card/{card.secret[:-1]}x/").status_code == 404
    assert client.get("/fr/card/not-a-card/").status_code == 404


def _member(django_user_model, username, role):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username=username, password="not-used-1234")
    user.groups.add(Group.objects.get(name=role))
    return django_user_model.objects.get(pk=user.pk)


def test_the_desk_records_visit_purchase_reward_and_membership(client, django_user_model, programme, lea, rules):
    from cimaise.institution import roles

    desk = _member(django_user_model, "accueil", roles.BOX_OFFICE)
    editor = _member(django_user_model, "redaction", roles.CONTENT_MANAGER)
    card = services.card_for(lea)
    client.force_login(editor)
    refused = client.get(f"/admin/loyalty/desk/?card={card.number}")
    assert refused.status_code in (302, 403) and "Léa" not in refused.content.decode()
    client.force_login(desk)
    html = client.get(f"/admin/loyalty/desk/?card={card.number}").content.decode()
    assert "Léa Dupont" in html and ("Not a member" in html or "Pas membre" in html)

    def act(**data):
        return client.post("/admin/loyalty/desk/", {"card": card.number, **data}, follow=True).content.decode()

    html = act(action="join", tier=programme["friend"].pk)
    assert services.is_member(lea)
    act(action="visit")
    html = act(action="purchase", amount="douze")
    assert "12.50" in html  # the message gives an example of a valid amount
    act(action="purchase", amount="20")
    lea.refresh_from_db()
    assert lea.points == 25
    reward = Reward.objects.create(name="Café offert", cost=20)
    act(action="redeem", reward=reward.pk)
    lea.refresh_from_db()
    assert lea.points == 5
    html = act(action="redeem", reward=reward.pk)  # 5 points left: refused
    assert "Not enough points" in html or "Pas assez de points" in html
    assert Contact.objects.get(pk=lea.pk).points == 5
    assert 'role="alert"' in client.get("/admin/loyalty/desk/?card=0000000000").content.decode()


def test_registrations_and_check_ins_recorded_on_the_timeline_earn_their_points(lea):
    from cimaise.audience.services.contacts import record_activity

    PointsRule.objects.create(activity="registered", points=10)
    PointsRule.objects.create(activity="checked_in", points=20)
    record_activity(lea, "registered", ref="events.registration:3")
    record_activity(lea, "checked_in", ref="events.registration:3")
    record_activity(lea, "email_opened", ref="audience_campaigns.campaign:1")
    lea.refresh_from_db()
    assert lea.points == 30
