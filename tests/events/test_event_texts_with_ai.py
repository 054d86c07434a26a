"""Organisers write an event's texts with the AI assistant: the social post and the reminders' message,
recorded in the ledger, held back until the AI note is approved, then sent and shown with their disclosure."""

import pytest
from django.core import mail
from wagtail.models import Page

from cimaise.ai.models import AIInteraction
from cimaise.ai.transparency import gate, services
from cimaise.events.services import reminders
from tests.ai.conftest import fake_llm, record_entry, staff  # noqa: F401 (fixtures)
from tests.ai.test_assistant import read_events

pytestmark = pytest.mark.django_db

STREAM = "/admin/ai/assist/stream/"


@pytest.fixture
def organiser(client, staff):  # noqa: F811
    client.force_login(staff["content"])
    return client


def test_the_assistant_drafts_the_social_post_and_the_note_gates_and_discloses_it(
        organiser, fake_llm, staff, webinar):  # noqa: F811
    from cimaise.ai.services import ASSISTANT_ACTIONS
    from cimaise.institution.models import InstitutionProfile

    profile = InstitutionProfile.for_site(fake_llm)
    profile.ai_allowed_actions = list(ASSISTANT_ACTIONS)  # this museum allows social posts
    profile.save()
    page = webinar["page"]
    events = read_events(organiser.post(STREAM, {
        "action": "social", "network": "mastodon", "text": page.intro, "field": "social_post",
        "page": page.pk, "candidates": "1"}))
    done = events[-1][1]
    entry = AIInteraction.objects.get(pk=done["interaction"])
    assert (entry.status, entry.action, entry.field_name, entry.page_id) == ("ok", "social", "social_post", page.pk)
    assert entry.user == staff["content"]

    # The organiser keeps the answer, adds a reminder message, and saves a draft.
    answer = organiser.post("/admin/ai/assist/outcome/", {"interaction": entry.pk, "kind": "inserted"})
    assert answer.json()["kind"] == "inserted"
    draft = Page.objects.get(pk=page.pk).specific
    draft.social_post = done["text"]
    draft.reminder_message = "Testez votre micro dix minutes avant."
    revision = draft.save_revision(user=staff["content"])

    # Not published, not sent, until a person approves the note for this very text.
    with pytest.raises(gate.PublicationBlocked):
        revision.publish()
    note = services.current_note(Page.objects.get(pk=page.pk))
    assert "social_post" in str(note.facts)  # the share is measured field by field, the post included
    services.approve(note, staff["content"], checks=["facts", "tone"])
    revision.publish()

    response = organiser.get(f"/admin/events/{page.pk}/sessions/")
    html = response.content.decode()
    assert done["text"][:20] in html
    assert "IA" in html and "cimaise-fake" in html  # the disclosure line names the model
    assert "#ai-note" in html


def test_an_unapproved_ai_post_is_not_offered_for_sharing(organiser, fake_llm, staff, webinar, record_entry):  # noqa: F811
    page = webinar["page"]
    record_entry(action="social", user=staff["content"], page=page, field_name="social_post", output="Venez !")
    page.social_post = "Venez !"  # e.g. saved in the live row by a script: still no approved note
    page.save()
    html = organiser.get(f"/admin/events/{page.pk}/sessions/").content.decode()
    assert 'id="social-post"' not in html
    assert f"/admin/ai/notes/page/{page.pk}/" in html


def test_reminders_carry_the_organisers_message_escaped(webinar):
    from tests.events.test_reminders import at, make_registration

    page, session = webinar["page"], webinar["session"]
    page.reminder_message = "Testez votre micro <b>avant</b>."
    page.save_revision().publish()
    session.refresh_from_db()
    make_registration(session)
    assert reminders.send_due(at(session, hours=23)) == 1
    (message,) = mail.outbox
    assert "Testez votre micro <b>avant</b>." in message.body
    html = message.alternatives[0][0]
    assert "Testez votre micro &lt;b&gt;avant&lt;/b&gt;." in html
