"""The methodology note drafted from the ledger, and the gate on every publishing path but the admin's."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page

from cimaise.ai.models import MethodologyNote, ProvenanceRecord
from cimaise.ai.transparency import gate, services
from cimaise.ai.transparency.facts import collect, page_interactions
from cimaise.institution.models import InstitutionProfile

from .conftest import AI_PARAGRAPH

CHECKS = ["facts", "sources", "tone"]


def _note(page):
    return services.current_note(Page.objects.get(pk=page.pk))


def test_saving_a_revision_measures_it_and_drafts_a_note(ai_article):
    record = ProvenanceRecord.objects.get(revision=ai_article["revision"])
    assert 0.5 < record.share < 1  # the AI paragraph, beside the author's heading and sentence
    assert record.fields["body.2.paragraph"]["share"] == 1.0
    assert record.fields["title"]["share"] == 0.0
    note = MethodologyNote.objects.get(object_id=str(ai_article["page"].pk))
    assert note.status == MethodologyNote.Status.DRAFT
    assert note.revision_id == ai_article["revision"].pk
    assert note.share == pytest.approx(record.share, abs=1e-4)


def test_note_facts_are_the_ledgers_facts(ai_article):
    note = _note(ai_article["page"])
    interaction = ai_article["interaction"]
    assert note.facts["entries"] == [str(interaction.pk)]
    assert note.facts["models"][0]["model_id"] == interaction.model_id == "cimaise-fake"
    assert note.facts["models"][0]["calls"] == 1
    assert note.facts["actions"] == {"expand": 1}
    assert note.facts["outcomes"] == {"inserted": 1}
    assert note.facts["initiated_by"] == ["Claire Martin"]
    assert note.facts["first_at"] == interaction.created_at.isoformat()
    # Recomputed from the ledger now, the facts are the same.
    assert collect(page_interactions(ai_article["page"].pk)).entries == note.facts["entries"]
    share = round(note.share * 100)
    assert f"{share}%" in note.short_en and "cimaise-fake" in note.short_en
    assert str(share) in note.short_fr and "cimaise-fake" in note.full_fr
    assert "Développe." in note.full_en or "Les restaurateurs ont retiré les vernis." in note.full_en


def test_a_page_without_ai_has_no_note_and_publishes(site_pages):
    about = site_pages["about"]
    revision = about.save_revision()
    revision.publish()
    assert not MethodologyNote.objects.filter(object_id=str(about.pk)).exists()
    assert not ProvenanceRecord.objects.filter(revision=revision).exists()


def test_revision_publish_is_refused_until_the_note_is_approved(ai_article):
    revision = ai_article["revision"]
    with pytest.raises(gate.PublicationBlocked, match="approuvez sa note|approve its methodology note"):
        revision.publish()
    page = Page.objects.get(pk=ai_article["page"].pk).specific
    assert AI_PARAGRAPH not in str(page.body.raw_data)  # the live version is unchanged

    note = _note(ai_article["page"])
    services.approve(note, ai_article["author"], checks=CHECKS)
    revision.publish()
    page = Page.objects.get(pk=ai_article["page"].pk).specific
    assert AI_PARAGRAPH in str(page.body.raw_data)
    note.refresh_from_db()
    assert note.live and note.approved_by_label == "Claire Martin" and note.approved_revision_id == revision.pk


def test_scheduling_is_refused_too(ai_article):
    page = ai_article["page"]
    page.go_live_at = timezone.now() + datetime.timedelta(days=1)
    revision = page.save_revision(user=ai_article["author"])
    with pytest.raises(gate.PublicationBlocked):
        revision.publish()
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None


def test_a_change_after_approval_needs_a_new_approval(ai_article):
    note = _note(ai_article["page"])
    services.approve(note, ai_article["author"], checks=CHECKS)
    page = ai_article["page"]
    page.title = "La restauration du grand retable, achevée"
    revision = page.save_revision(user=ai_article["author"])
    with pytest.raises(gate.PublicationBlocked):
        revision.publish()
    new = _note(page)
    assert new.pk != note.pk and new.status == MethodologyNote.Status.DRAFT
    note.refresh_from_db()
    assert note.status == MethodologyNote.Status.APPROVED  # still true of the text it was approved for
    services.approve(new, ai_article["author"], checks=CHECKS)
    revision.publish()


def test_the_same_text_in_a_later_revision_keeps_its_approval(ai_article):
    services.approve(_note(ai_article["page"]), ai_article["author"], checks=CHECKS)
    ai_article["page"].save_revision(user=ai_article["author"]).publish()  # e.g. the editor's publish button


def test_new_wording_after_approval_needs_approval_and_the_approved_note_stays_public(ai_article, staff):
    note = _note(ai_article["page"])
    services.approve(note, ai_article["author"], checks=CHECKS)
    ai_article["revision"].publish()
    note.refresh_from_db()
    assert note.live

    new = services.update_wording(note, ai_article["author"], short_fr=note.short_fr + " Merci.",
                                  full_fr=note.full_fr, short_en=note.short_en, full_en=note.full_en)
    assert new.pk != note.pk and new.status == MethodologyNote.Status.DRAFT and new.approved_at is None
    assert _note(ai_article["page"]).pk == new.pk  # the one to approve now
    assert services.live_note(ai_article["page"]).pk == note.pk  # readers still see the approved wording

    services.approve(new, staff["community"], checks=["tone"])
    note.refresh_from_db()
    live = services.live_note(ai_article["page"])
    assert live.pk == new.pk and live.short_fr.endswith("Merci.") and live.approved_by_label == "Marc Petit"
    assert note.status == MethodologyNote.Status.SUPERSEDED and not note.live


def test_the_wording_must_keep_the_share_and_the_model(ai_article):
    note = _note(ai_article["page"])
    with pytest.raises(ValidationError) as error:
        services.update_wording(note, ai_article["author"], short_fr="Écrit avec un peu d'IA.", full_fr=note.full_fr,
                                short_en=note.short_en, full_en=note.full_en)
    assert "short_fr" in error.value.message_dict
    note.refresh_from_db()
    assert note.short_fr == note.drafted["short_fr"]


def test_approval_says_what_was_checked(ai_article):
    with pytest.raises(ValidationError):
        services.approve(_note(ai_article["page"]), ai_article["author"], checks=[])


def test_a_second_reviewer_when_the_policy_asks(ai_article, staff):
    profile = InstitutionProfile.for_site(ai_article["page"].get_site())
    profile.ai_requires_second_reviewer = True
    profile.save()
    site = ai_article["page"].get_site()
    note = services.approve(_note(ai_article["page"]), ai_article["author"], checks=CHECKS, site=site)
    assert note.status == MethodologyNote.Status.SECOND_REVIEW
    with pytest.raises(gate.PublicationBlocked, match="second"):
        ai_article["revision"].publish()
    with pytest.raises(ValidationError):
        services.second_review(note, ai_article["author"])
    services.second_review(note, staff["community"])
    ai_article["revision"].publish()
    note.refresh_from_db()
    assert note.second_reviewer_label == "Marc Petit"


def test_scheduled_publishing_skips_a_blocked_revision_and_publishes_the_rest(ai_article, site_pages):
    page = ai_article["page"]
    past = timezone.now() - datetime.timedelta(minutes=5)
    blocked = page.save_revision(user=ai_article["author"])
    blocked.approved_go_live_at = past
    blocked.save(update_fields=["approved_go_live_at"])
    about = site_pages["about"]
    about.title = "Visiter le musée"
    other = about.save_revision()
    other.approved_go_live_at = past
    other.save(update_fields=["approved_go_live_at"])

    call_command("publish_scheduled")

    assert Page.objects.get(pk=about.pk).title == "Visiter le musée"
    assert AI_PARAGRAPH not in str(Page.objects.get(pk=page.pk).specific.body.raw_data)
    blocked.refresh_from_db()
    assert blocked.approved_go_live_at is None
    from wagtail.models import PageLogEntry

    assert PageLogEntry.objects.filter(page_id=page.pk, action="cimaise.ai.publication_blocked").exists()


def test_lab_drafted_pages_count_their_lab_entries(site_pages, staff, record_entry):
    from cimaise.ai import ledger

    article = site_pages["article"]
    idea = record_entry(action="brainstorm", user=staff["content"], output=AI_PARAGRAPH)
    ledger.add_outcome(idea, "drafted", user=staff["content"], page=article)
    page = article.specific
    page.intro = AI_PARAGRAPH
    page.save_revision(user=staff["content"])
    note = _note(article)
    assert note.facts["entries"] == [str(idea.pk)] and note.share > 0.3
    assert note.facts["outcomes"] == {"drafted": 1}


def test_a_model_may_polish_the_wording_but_not_the_facts(ai_article, fake_llm):
    from cimaise.ai.models import AIInteraction

    note = _note(ai_article["page"])
    profile = InstitutionProfile.for_site(fake_llm)
    profile.ai_allowed_actions = ["rewrite"]
    profile.save()
    proposal = services.polish_wording(note, user=ai_article["author"], site=fake_llm, key="short_en")
    assert proposal.startswith("Réponse")  # the fake model's answer, recorded in the ledger
    entry = AIInteraction.objects.get(field_name=f"ai_note.{note.pk}.short_en")
    assert entry.action == "rewrite" and entry.page_id is None
    note.refresh_from_db()
    assert note.short_en == note.drafted["short_en"]  # nothing saved: the person decides

    # The fake model stops after 50 tokens: the long note's later figures are lost, so the answer is refused.
    with pytest.raises(ValidationError) as error:
        services.polish_wording(note, user=ai_article["author"], site=fake_llm, key="full_en")
    assert "full_en" in error.value.message_dict
    note.refresh_from_db()
    assert note.full_en == note.drafted["full_en"]
