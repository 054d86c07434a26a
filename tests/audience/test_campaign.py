"""Composing a campaign: MJML rendering (cards, unsubscribe link, CSS inlined), the message's encoding, the
test send, what happens with no recipient, and the admin (permissions, preview, actions)."""

import email
import email.policy

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_thread(settings):
    # These tests run in a transaction that other threads cannot see: the engine sends from this one.
    settings.CIMAISE_SENDING = {**settings.CIMAISE_SENDING, "CONCURRENCY": 1}

@pytest.fixture
def newsletter():
    from cimaise.audience.models import Contact, NewsletterList, Subscription

    newsletter = NewsletterList.objects.create(name="La lettre", slug="lettre", language="fr")
    for i in range(3):
        contact = Contact.objects.create(email=f"p{i}@example.org", first_name=f"P{i}", language="fr")
        Subscription.objects.create(contact=contact, newsletter=newsletter, status=Subscription.Status.CONFIRMED)
    return newsletter


@pytest.fixture
def campaign(site_pages, newsletter):
    from cimaise.audience.campaigns.services import campaigns

    return campaigns.create(name="Novembre", subject="Les nouvelles", language="fr", newsletter=newsletter,
                            intro="Premier paragraphe <b>gras</b>.\n\nSecond paragraphe.",
                            pages=[site_pages["article"]])


def test_the_rendered_newsletter_has_a_card_per_page_the_unsubscribe_link_and_inlined_css(campaign, site_pages):
    from cimaise.audience.campaigns import rendering

    rendered = rendering.render(campaign)
    html = rendered.html
    assert "Musée de Test" in html
    assert "La restauration du grand retable" in html
    assert "Six mois d&#39;atelier" in html or "Six mois d'atelier" in html
    assert f'href="{site_pages["article"].get_full_url()}"' in html
    assert 'href="@@UNSUBSCRIBE_URL@@"' in html and "@@GREETING@@" in html
    # The introduction is escaped, split in paragraphs.
    assert "&lt;b&gt;gras&lt;/b&gt;" in html and "<b>gras</b>" not in html
    # CSS inlined once: the cards' styles are in style="" attributes (css-inline), the class rules gone.
    assert ".card-title a" not in html
    assert 'style="' in html and "text-decoration:none" in html.replace(" ", "")
    assert "La restauration du grand retable" in rendered.text
    assert site_pages["article"].get_full_url() in rendered.text
    assert "@@UNSUBSCRIBE_URL@@" in rendered.text


def test_a_draft_page_is_not_shown(campaign, site_pages):
    from cimaise.audience.campaigns import rendering

    site_pages["article"].unpublish()
    assert "La restauration du grand retable" not in rendering.render(campaign).html


def test_the_encoded_message_keeps_lines_short_and_values_exact():
    from cimaise.audience.campaigns.message import MessageTemplate

    template = MessageTemplate(
        from_email="Musée <lettre@musee.test>", subject="Été : l'exposition",
        html_source="<p>" + "x" * 300 + " @@GREETING@@ <a href=\"@@UNSUBSCRIBE_URL@@\">u</a>\n.point</p>",
        text="@@GREETING@@\n.ligne qui commence par un point\n@@UNSUBSCRIBE_URL@@\n")
    long_name = "Bonjour Marie-Éléonore & <Compagnie> " + "y" * 120 + ","
    raw = template.raw(to="marie@example.org", message_id="<c1.r1.x@musee.test>",
                       list_unsubscribe="https://musee.test/m/u/tok/",
                       values={"GREETING": long_name, "UNSUBSCRIBE_URL": "https://musee.test/m/u/tok/"})
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert b"\r\n.l" not in raw.replace(b"\r\n..", b"")  # every line starting with "." is dot-stuffed
    message = email.message_from_bytes(raw.replace(b"\r\n..", b"\r\n."), policy=email.policy.default)
    assert message["Subject"] == "Été : l'exposition"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert long_name in text and ".ligne qui commence par un point" in text
    assert "Bonjour Marie-Éléonore &amp; &lt;Compagnie&gt;" in html
    assert 'href="https://musee.test/m/u/tok/"' in html


def test_test_send_goes_to_the_address_with_test_in_the_subject(campaign, mailoutbox):
    from cimaise.audience.campaigns.services import campaigns

    campaigns.send_test(campaign, "me@musee.test", first_name="Camille")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["me@musee.test"]
    assert "Les nouvelles" in message.subject and message.subject != "Les nouvelles"
    assert "Camille" in message.body and "La restauration du grand retable" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_test_send_refuses_a_bad_address(campaign, mailoutbox):
    from cimaise.audience.campaigns.services import campaigns

    with pytest.raises(campaigns.CampaignError):
        campaigns.send_test(campaign, "not an address")
    assert mailoutbox == []


def test_a_campaign_with_no_recipient_is_refused_with_a_clear_message(site_pages, mailoutbox):
    from cimaise.audience.campaigns.models import Campaign
    from cimaise.audience.campaigns.services import campaigns
    from cimaise.audience.models import NewsletterList

    empty = NewsletterList.objects.create(name="Vide", slug="vide", language="fr")
    campaign = campaigns.create(name="x", subject="x", language="fr", newsletter=empty, intro="Bonjour",
                                pages=[site_pages["article"]])
    with pytest.raises(campaigns.CampaignError, match="Vide"):
        campaigns.start(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and mailoutbox == []


def test_scheduled_campaigns_start_when_due(campaign, mailoutbox):
    import datetime

    from django.utils import timezone

    from cimaise.audience.campaigns.models import Campaign
    from cimaise.audience.campaigns.services import campaigns
    from cimaise.audience.campaigns.tasks import start_due_campaigns

    campaigns.schedule(campaign, timezone.now() + datetime.timedelta(minutes=5))
    start_due_campaigns.call()
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SCHEDULED
    Campaign.objects.filter(pk=campaign.pk).update(scheduled_at=timezone.now() - datetime.timedelta(seconds=1))
    start_due_campaigns.call()  # starts it, and (immediate task backend) sends it
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and campaign.rendered_html
    assert sorted(m.to[0] for m in mailoutbox) == ["p0@example.org", "p1@example.org", "p2@example.org"]


def _community_manager(django_user_model):
    from django.contrib.auth.models import Group

    from cimaise.institution import roles

    roles.ensure_roles()
    user = django_user_model.objects.create_user("cm", "cm@musee.test", "pw-cm-123456")
    user.groups.add(Group.objects.get(name=roles.COMMUNITY_MANAGER))
    return user


def test_the_community_manager_composes_previews_and_test_sends(client, campaign, site_pages, django_user_model,
                                                                mailoutbox):
    client.force_login(_community_manager(django_user_model))
    listing = client.get("/admin/campaigns/")
    assert listing.status_code == 200 and b"Novembre" in listing.content
    response = client.post("/admin/campaigns/add/", {
        "name": "Décembre", "subject": "Les fêtes", "preheader": "", "language": "fr",
        "newsletter": campaign.newsletter.pk, "intro": "Joyeuses fêtes", "pages": [site_pages["article"].pk]})
    assert response.status_code == 302
    from cimaise.audience.campaigns.models import Campaign

    december = Campaign.objects.get(name="Décembre")
    assert [item.page_id for item in december.items.all()] == [site_pages["article"].pk]
    detail = client.get(f"/admin/campaigns/{december.pk}/")
    assert detail.status_code == 200 and b"Joyeuses f" in detail.content
    preview = client.get(f"/admin/campaigns/{december.pk}/preview/")
    assert preview.status_code == 200 and b"La restauration du grand retable" in preview.content
    client.post(f"/admin/campaigns/{december.pk}/", {"action": "test", "email": "cm@musee.test"})
    assert [m.to for m in mailoutbox] == [["cm@musee.test"]]


def test_a_bad_form_keeps_what_was_typed(client, campaign, django_user_model):
    client.force_login(_community_manager(django_user_model))
    response = client.post("/admin/campaigns/add/", {"name": "Garde ce texte", "subject": "", "language": "fr",
                                                     "newsletter": campaign.newsletter.pk, "intro": "Mon intro"})
    assert response.status_code == 200
    assert b"Garde ce texte" in response.content and b"Mon intro" in response.content


def test_send_now_in_the_admin_sends_and_an_empty_list_is_refused(client, campaign, django_user_model, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    from cimaise.audience.campaigns.models import Campaign
    from cimaise.audience.models import NewsletterList

    client.force_login(_community_manager(django_user_model))
    empty = NewsletterList.objects.create(name="Personne", slug="personne", language="fr")
    response = client.post("/admin/campaigns/add/", {"name": "Vide", "subject": "Vide", "language": "fr",
                                                     "newsletter": empty.pk, "intro": "Bonjour"})
    nobody = Campaign.objects.get(name="Vide")
    response = client.post(f"/admin/campaigns/{nobody.pk}/", {"action": "send"}, follow=True)
    from django.utils.html import escape
    from django.utils.translation import gettext, override

    with override("fr"):
        refusal = gettext("No one would receive this campaign: the list “%(list)s” has no confirmed "
                          "subscriber.") % {"list": "Personne"}
    assert escape(refusal) in response.content.decode()
    nobody.refresh_from_db()
    assert nobody.status == Campaign.Status.DRAFT

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/campaigns/{campaign.pk}/", {"action": "send"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and campaign.sent_count == 3
    assert sorted(m.to[0] for m in mailoutbox) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert all(m.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in mailoutbox)


def test_people_without_the_right_cannot_see_campaigns(client, campaign, django_user_model):
    from django.contrib.auth.models import Group

    from cimaise.institution import roles

    roles.ensure_roles()
    user = django_user_model.objects.create_user("box", "box@musee.test", "pw-box-123456")
    user.groups.add(Group.objects.get(name=roles.BOX_OFFICE))
    client.force_login(user)
    assert client.get("/admin/campaigns/").status_code in (302, 403)
    assert client.post(f"/admin/campaigns/{campaign.pk}/", {"action": "send"}).status_code in (302, 403)
    campaign.refresh_from_db()
    assert campaign.status == "draft"
