"""Methodology notes for items that are not pages (a campaign, a post): drafted, approved, and required."""

import pytest
from django.contrib.auth.models import Group

from cimaise.ai.models import MethodologyNote
from cimaise.ai.transparency import items, services

pytestmark = pytest.mark.django_db

ANSWER = "Cet automne, le musée rouvre sa galerie des primitifs après six mois de restauration."


@pytest.fixture
def item(site_pages, staff, record_entry):
    """Any object can be the item; here a group stands for a newsletter."""
    obj = Group.objects.create(name="Lettre d'automne")
    record_entry(action="newsletter", user=staff["content"], output=ANSWER, input_text="La galerie rouvre.",
                 field_name=items.item_field(obj, "intro"))
    return obj


def test_an_items_ai_text_waits_for_an_approved_note_then_carries_its_line(item, staff):
    texts = {"subject": "Nouvelles du musée", "intro": ANSWER + " Venez nombreux !"}
    note = items.refresh(item, texts, labels={"intro": "introduction"}, title="Lettre d'automne")
    assert note.status == MethodologyNote.Status.DRAFT and note.share > 0.5
    assert note.facts["actions"] == {"newsletter": 1}
    with pytest.raises(items.NotApproved):
        items.check(item, texts)
    services.approve(note, staff["content"], checks=["facts", "tone"])
    assert items.check(item, texts) == note
    line = items.disclosure_line(item, texts, "fr", "https://musee.example/lettre/")
    assert "cimaise-fake" in line and line.endswith("https://musee.example/lettre/")
    # Another word: the approval was for the other text.
    texts["intro"] += " Entrée libre."
    with pytest.raises(items.NotApproved):
        items.check(item, texts)
    assert items.refresh(item, texts).status == MethodologyNote.Status.DRAFT


def test_an_item_without_ai_needs_no_note(site_pages):
    obj = Group.objects.create(name="Lettre sans IA")
    assert items.refresh(obj, {"intro": "Bonjour"}) is None
    assert items.check(obj, {"intro": "Bonjour"}) is None and items.disclosure_line(obj, {}, "fr") == ""
