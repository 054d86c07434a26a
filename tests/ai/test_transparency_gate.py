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


def test_an_autosaved_revision_is_measured_again(ai_article):
    """Wagtail's autosave overwrites the latest revision: its record and note follow the new text."""
    page = ai_article["page"]
    page.title = "Un titre changé par l'autosauvegarde"
    revision = page.save_revision(user=ai_article["author"], overwrite_revision=ai_article["revision"])
    assert revision.pk == ai_article["revision"].pk
    record = ProvenanceRecord.objects.get(revision=revision)
    note = _note(page)
    assert record.fingerprint == note.fingerprint and note.title == "Un titre changé par l'autosauvegarde"


def test_saving_the_wording_from_a_stale_form_never_undoes_an_approval(ai_article, staff):
    stale = _note(ai_article["page"])
    services.approve(stale, staff["community"], checks=CHECKS)  # meanwhile, in another tab
    saved = services.update_wording(stale, ai_article["author"], short_fr=stale.short_fr + " Merci.",
                                    full_fr=stale.full_fr, short_en=stale.short_en, full_en=stale.full_en)
    stale.refresh_from_db()
    assert stale.status == MethodologyNote.Status.APPROVED and stale.approved_by_label == "Marc Petit"
    assert saved.pk != stale.pk and saved.status == MethodologyNote.Status.DRAFT


def test_public_names_are_full_names_and_prompts_lose_email_addresses(site_pages, record_entry, django_user_model):
    from cimaise.ai import ledger

    nameless = django_user_model.objects.create_user("jeanne.dupont@musee.example", password="not-used-1234")
    article = site_pages["article"]
    entry = record_entry(action="expand", user=nameless, page=article, output=AI_PARAGRAPH,
                         input_text="Écrire à jeanne.dupont@musee.example ou au 01 23 45 67 89 pour les vernis.")
    ledger.add_outcome(entry, "inserted", user=nameless, page=article, text=AI_PARAGRAPH)
    page = article.specific
    page.intro = AI_PARAGRAPH
    page.save_revision(user=nameless)
    note = _note(article)
    services.approve(note, nameless, checks=CHECKS)
    note.refresh_from_db()
    public = " ".join([note.short_fr, note.full_fr, note.short_en, note.full_en, note.approved_by_label,
                       str(note.facts)])
    assert "musee.example" not in public and "45 67" not in public
    assert note.approved_by_label in ("un membre du personnel", "a member of staff")


def test_dates_in_the_note_are_the_institutions(ai_article, settings):
    from cimaise.ai.transparency import drafting

    settings.TIME_ZONE = "Europe/Paris"
    late = datetime.datetime(2026, 3, 9, 23, 30, tzinfo=datetime.UTC)  # 10 March in Paris
    facts = {**_note(ai_article["page"]).facts, "first_at": late.isoformat(), "last_at": late.isoformat()}
    short, full = drafting.draft(facts, "en")
    assert "10 March 2026" in full and "9 March" not in full


def test_erasing_a_person_removes_their_name_from_the_notes(ai_article, staff):
    note = _note(ai_article["page"])
    services.approve(note, ai_article["author"], checks=CHECKS)
    ai_article["author"].delete()
    note.refresh_from_db()
    shown = " ".join([note.approved_by_label, note.full_fr, note.full_en, note.responsible, str(note.facts)])
    assert "Claire Martin" not in shown and note.approved


def test_the_second_reviewer_policy_holds_without_a_site_given(ai_article):
    profile = InstitutionProfile.for_site(ai_article["page"].get_site())
    profile.ai_requires_second_reviewer = True
    profile.save()
    note = services.approve(_note(ai_article["page"]), ai_article["author"], checks=CHECKS)
    assert note.status == MethodologyNote.Status.SECOND_REVIEW


def test_a_translation_of_an_ai_page_carries_its_entries_and_needs_its_own_note(ai_article, locales):
    from wagtail.models import Locale

    services.approve(_note(ai_article["page"]), ai_article["author"], checks=CHECKS)
    ai_article["revision"].publish()
    source = Page.objects.get(pk=ai_article["page"].pk).specific
    german = Locale.objects.create(language_code="de")
    copy = source.copy_for_translation(german, copy_parents=True)
    assert not copy.live
    note = services.current_note(copy)
    assert note.status == MethodologyNote.Status.DRAFT and note.facts["entries"] == [str(ai_article["interaction"].pk)]
    with pytest.raises(gate.PublicationBlocked):
        copy.save_revision().publish()


def test_a_deleted_pages_draft_note_waits_for_nothing(ai_article):
    note = _note(ai_article["page"])
    Page.objects.get(pk=ai_article["page"].pk).delete()
    note.refresh_from_db()
    assert note.status == MethodologyNote.Status.SUPERSEDED


def test_a_recursive_copy_keeps_ai_subpages_off_line(ai_article, site_pages):
    """Wagtail copies subpages without their copy(): they are found under the copy and taken off line."""
    services.approve(_note(ai_article["page"]), ai_article["author"], checks=CHECKS)
    ai_article["revision"].publish()
    index = Page.objects.get(pk=site_pages["index"].pk).specific
    copy = index.copy(recursive=True, to=site_pages["home"], update_attrs={"slug": "actualites-copie",
                                                                         "title": "Copie"}, keep_live=True)
    assert copy.live  # the listing has no AI
    article_copy = copy.get_children().get()
    assert not article_copy.live
    assert services.current_note(article_copy).facts["entries"] == [str(ai_article["interaction"].pk)]
