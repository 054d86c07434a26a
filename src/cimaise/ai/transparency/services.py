"""Every change to the AI share records and the methodology notes.

Views, hooks, tasks and commands call these; they never write the models
themselves. The flow for a page:

1. A revision is saved (``refresh_revision``, on Revision's post_save): if the
   page has answered ledger entries, its text is measured (a
   ``ProvenanceRecord``) and, when no note exists for this very text, a note
   is drafted from the ledger; older unapproved notes are superseded.
2. The author edits the wording (``update_wording``) and approves
   (``approve``); the approval records the person, the time and the revision.
   If the institution's AI policy asks for it, a second person confirms
   (``second_review``).
3. Publication (``gate``) needs an approved note for the text being published;
   once live, the note is the one the public sees (``sync_live``).
"""

import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from cimaise.ai.models import AIInteraction, MethodologyNote, ProvenanceRecord
from cimaise.ai.transparency import content, drafting, events, facts

NOTE_APPROVED = "cimaise.ai.note_approved"
NOTE_SECOND_REVIEW = "cimaise.ai.note_second_review"
ACTIVE = (MethodologyNote.Status.DRAFT, MethodologyNote.Status.SECOND_REVIEW)


def person_name(user):
    """How a person is named in a note, which readers see: their full name, never their username (often an email
    address); without a name, "a member of staff"."""
    if user is None:
        return ""
    return user.get_full_name().strip() or _("a member of staff")


def field_labels(page):
    """{field name: verbose name} of a page's fields, for the note's per-field shares."""
    return {f.name: f.verbose_name for f in page._meta.concrete_fields if hasattr(f, "verbose_name")}


def page_measure(page):
    """(texts, fingerprint, interactions, measure) of a page object, or None when it has no answered entry."""
    interactions = list(facts.page_interactions(page.pk).select_related("user", "lab_session"))
    if not facts.answered(interactions):
        return None
    texts = content.page_texts(page)
    return texts, content.fingerprint(texts), interactions, facts.measure(texts, interactions)


def notes_of(obj):
    content_type, object_id = content.item_key(obj)
    return MethodologyNote.objects.filter(content_type=content_type, object_id=object_id)


@transaction.atomic
def refresh_page(page, revision=None):
    """Measure the page's text and make sure a note exists for it; returns that note, or None (no AI)."""
    measured = page_measure(page)
    if measured is None:
        return None
    texts, fingerprint, interactions, result = measured
    content_type, object_id = content.item_key(page)
    if revision is not None:
        ProvenanceRecord.objects.update_or_create(
            revision=revision,
            defaults={"content_type": content_type, "object_id": object_id, "fingerprint": fingerprint,
                      "total_words": result.total_words, "ai_words": result.covered_words, "share": result.share,
                      "fields": {name: {"total_words": m.total_words, "covered_words": m.covered_words,
                                        "share": m.share} for name, m in result.fields.items()},
                      "entries": [e.as_dict() for e in result.entries]},
        )
    found = facts.collect(interactions, result).as_dict()
    return note_for_text(content_type, object_id, fingerprint, found, field_labels(page), page.title,
                         revision=revision)


def note_for_text(content_type, object_id, fingerprint, found, labels, title, *, revision=None):
    """The note of an item's text with this ``fingerprint``: the existing one (its facts brought up to date
    while unapproved) or a new draft; older unapproved notes of the item are superseded. In a transaction."""
    notes = MethodologyNote.objects.select_for_update().filter(content_type=content_type, object_id=object_id)
    note = notes.filter(fingerprint=fingerprint).exclude(status=MethodologyNote.Status.SUPERSEDED).first()
    if note is not None:
        # Back to a text that has its note (e.g. an edit undone): the drafts of other texts are stale.
        notes.filter(status__in=ACTIVE).exclude(fingerprint=fingerprint).update(
            status=MethodologyNote.Status.SUPERSEDED)
        if not note.approved_at and note.facts != found:
            # New calls since the draft (the text is the same): the facts follow the ledger; edited wording stays.
            wording = drafting.draft_all(found, labels)
            edited = any(getattr(note, k) != note.drafted.get(k) for k in wording)
            note.facts, note.share = found, found["share"]
            note.drafted = wording
            if not edited:
                for key, value in wording.items():
                    setattr(note, key, value)
            note.save()
        return note
    previous = notes.order_by("-created_at").first()
    notes.filter(status__in=ACTIVE).update(status=MethodologyNote.Status.SUPERSEDED)
    wording = drafting.draft_all(found, labels)
    return MethodologyNote.objects.create(
        content_type=content_type, object_id=object_id, title=title[:255], revision=revision,
        fingerprint=fingerprint, facts=found, share=found["share"], drafted=wording, **wording,
        checks=previous.checks if previous else [], responsible=previous.responsible if previous else "",
    )


def has_ai_entries(page_id):
    """True when the page has at least one answered ledger entry (one query)."""
    return facts.page_interactions(page_id).filter(status=AIInteraction.Status.OK).exists()


def refresh_revision(revision):
    """After a page revision is saved: measure it and draft its note (see ``refresh_page``)."""
    if revision.base_content_type_id != ContentType.objects.get_for_model(Page).pk:
        return None
    if not has_ai_entries(revision.object_id):
        return None
    return refresh_page(revision.as_object(), revision)


def link_copy_tree(source, copy, user=None):
    """After a copy of ``source`` (perhaps with its subpages) as ``copy``: each copied page written with AI gets
    the entries of its original (``link_copy``) and, if it was copied live, goes off line until its own note is
    approved. Wagtail copies subpages inside its action, without their ``copy()``: they are matched by their
    path under the copy (a recursive copy keeps their slugs). Returns the copies taken off line."""
    offline = []
    originals = [source, *source.get_descendants()] if copy.numchild or source.numchild else [source]
    for original in originals:
        if not has_ai_entries(original.pk):
            continue
        path = copy.url_path + original.url_path[len(source.url_path):]
        duplicate = copy if original.pk == source.pk else Page.objects.filter(url_path=path).first()
        if duplicate is None:
            continue
        link_copy(original, duplicate, user)
        if duplicate.live:
            duplicate.specific.unpublish(user=user, log_action=False)
            offline.append(duplicate)
    return offline


def link_copy(source, copy, user=None):
    """``copy`` was copied (or translated) from ``source``, a page written with AI: it starts with the same AI
    text, so the source's answered entries count for it too (an AIOutcome "copied" on the copy), and its text
    gets its own note, to approve before it goes live."""
    from cimaise.ai import ledger

    for interaction in facts.answered(facts.page_interactions(source.pk)):
        ledger.add_outcome(interaction, "copied", user=user, page=copy, field_name=interaction.field_name)
    return current_note(copy)


def page_deleted(page):
    """A deleted page's unapproved notes wait for nothing any more (the approved ones stay, as a record)."""
    notes_of(page).filter(status__in=ACTIVE).update(status=MethodologyNote.Status.SUPERSEDED)


def current_note(page):
    """The note for the page's latest text (drafting it if needed), or None when the page has no AI entry."""
    revision = page.latest_revision
    page = revision.as_object() if revision else page.specific
    return refresh_page(page, revision)


def _check_wording(note, values):
    """The edited wording must keep the recorded facts that matter most: the share and the models' names."""
    errors = {}
    figure = str(round(note.share * 100)) if note.share >= 0.005 else None
    names = [m["name"] for m in note.facts.get("models", [])]
    for key in ("short_fr", "short_en"):
        text = values.get(key, "")
        if not text.strip():
            errors[key] = _("Write the short form: readers see it first.")
        elif figure and figure not in text:
            errors[key] = _("Keep the measured share (%(share)s) in the short form.") % {"share": f"{figure}"}
        elif any(name not in text for name in names):
            errors[key] = _("Keep the model's name (%(names)s) in the short form.") % {"names": ", ".join(names)}
    for key in ("full_fr", "full_en"):
        if not values.get(key, "").strip():
            errors[key] = _("Write the full note.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_wording(note, user, **values):
    """Save the author's wording (short_fr, full_fr, short_en, full_en); returns the note that holds it.

    A new wording needs a new approval. An approved note is not changed: the
    new wording goes into a new draft for the same text, and the approved note
    stays what the public sees until the new one is approved. The note is read
    again under a lock: an approval given meanwhile (another tab, another
    person) is never overwritten.
    """
    note = MethodologyNote.objects.select_for_update().get(pk=note.pk)
    wording = {k: (values.get(k) or "").strip() for k in ("short_fr", "full_fr", "short_en", "full_en")}
    if note.status == MethodologyNote.Status.SUPERSEDED:
        raise ValidationError(_("The text changed since this note was drafted: use the newer note."))
    _check_wording(note, wording)
    if all(getattr(note, k) == v for k, v in wording.items()):
        return note
    if note.approved_at:
        note = MethodologyNote(
            content_type_id=note.content_type_id, object_id=note.object_id, title=note.title,
            revision_id=note.revision_id, fingerprint=note.fingerprint, facts=note.facts, share=note.share,
            drafted=note.drafted, checks=note.checks, responsible=note.responsible,
        )
        for key, value in wording.items():
            setattr(note, key, value)
        note.save()
        return note
    for key, value in wording.items():
        setattr(note, key, value)
    note.save(update_fields=[*wording, "updated_at"])
    return note


def requires_second_reviewer(site, note=None):
    """The AI policy of ``site`` (else of the site of the note's page) asks for a second reviewer."""
    from cimaise.institution.models import InstitutionProfile

    if site is None and note is not None and note.content_type_id == ContentType.objects.get_for_model(Page).pk:
        page = Page.objects.filter(pk=note.object_id).first()
        site = page.get_site() if page is not None else None
    return bool(site and InstitutionProfile.for_site(site).ai_requires_second_reviewer)


@transaction.atomic
def approve(note, user, *, checks, responsible="", site=None, page=None):
    """A named person approves the note for its text; the policy may ask for a second reviewer."""
    note = MethodologyNote.objects.select_for_update().get(pk=note.pk)
    if note.status == MethodologyNote.Status.SUPERSEDED:
        raise ValidationError(_("The text changed since this note was drafted: approve the newer note."))
    if note.approved_at:
        raise ValidationError(_("This note is already approved."))
    checks = [c for c in checks if c in MethodologyNote.Check.values]
    if not checks:
        raise ValidationError({"checks": _("Say what you checked before approving.")})
    _check_wording(note, {k: getattr(note, k) for k in ("short_fr", "full_fr", "short_en", "full_en")})
    note.checks = checks
    note.responsible = (responsible or "").strip()[:200] or person_name(user)
    note.approved_by = user
    note.approved_by_label = person_name(user)
    note.approved_at = timezone.now()
    note.approved_revision = note.revision
    second = requires_second_reviewer(site, note)
    note.status = MethodologyNote.Status.SECOND_REVIEW if second else MethodologyNote.Status.APPROVED
    note.save()
    if not second:
        _approved(note)
    if page is not None:
        log(page, NOTE_APPROVED, user=user, revision=note.revision, data={"note": note.pk, "share": note.share})
    return note


@transaction.atomic
def second_review(note, user, page=None):
    """A second person confirms an approved note; it may not be the one who approved it."""
    note = MethodologyNote.objects.select_for_update().get(pk=note.pk)
    if note.status != MethodologyNote.Status.SECOND_REVIEW:
        raise ValidationError(_("This note is not waiting for a second reviewer."))
    if note.approved_by_id == user.pk:
        raise ValidationError(_("The second reviewer must be someone other than the person who approved."))
    note.second_reviewer = user
    note.second_reviewer_label = person_name(user)
    note.second_reviewed_at = timezone.now()
    note.status = MethodologyNote.Status.APPROVED
    note.save()
    _approved(note)
    if page is not None:
        log(page, NOTE_SECOND_REVIEW, user=user, revision=note.revision, data={"note": note.pk})
    return note


def _approved(note):
    """Once a note is approved: older notes of the same text step aside, and if that text is live, it shows."""
    older = notes_of_key(note.content_type_id, note.object_id).filter(fingerprint=note.fingerprint).exclude(pk=note.pk)
    older.filter(status__in=[*ACTIVE, MethodologyNote.Status.APPROVED]).update(status=MethodologyNote.Status.SUPERSEDED)
    if note.content_type_id == ContentType.objects.get_for_model(Page).pk:
        page = Page.objects.filter(pk=note.object_id, live=True).first()
        if page is not None:
            sync_live(page)


def notes_of_key(content_type_id, object_id):
    return MethodologyNote.objects.filter(content_type_id=content_type_id, object_id=object_id)


def approved_note_for(obj, fingerprint):
    """The latest approved note of ``obj`` for the text with this fingerprint, or None."""
    return (notes_of(obj).filter(fingerprint=fingerprint, status=MethodologyNote.Status.APPROVED)
            .order_by("-approved_at").first())


def sync_live(page):
    """After a page is published or unpublished: the approved note of its live text is the public one."""
    notes = notes_of(page)
    if not notes.exists():
        return None
    live = None
    if page.live:
        live = approved_note_for(page, content.fingerprint(content.page_texts(page.specific)))
    changed = notes.exclude(pk=getattr(live, "pk", None)).filter(live=True).update(live=False)
    if live is not None and not live.live:
        changed += MethodologyNote.objects.filter(pk=live.pk).update(live=True)
        live.live = True
    if changed:
        # The public disclosure changed: cached pages must follow (the pages app listens).
        events.disclosure_changed.send(sender=MethodologyNote, page=page)
    return live


def live_note(page):
    """The note the public sees for a page, or None (no AI, or not published)."""
    content_type = ContentType.objects.get_for_model(Page)
    return MethodologyNote.objects.filter(content_type=content_type, object_id=str(page.pk), live=True).first()


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def facts_in(text, note):
    """What a new wording of ``text`` must keep: its numbers (shares, counts, dates) and the models' names."""
    names = [m["name"] for m in note.facts.get("models", []) if m["name"] in text]
    return list(dict.fromkeys(_NUMBER.findall(text) + names))


def polish_wording(note, *, user, site, key):
    """A model's smoother wording of one of the note's texts (key: short_fr, full_fr, short_en, full_en).

    The call goes through the gateway (and the ledger) as an assistant "rewrite"; the answer is returned,
    not saved: the person decides. An answer that drops or changes a recorded fact (a number, a model's
    name) is refused, since the facts stay as recorded (DESIGN.md, invariant 1).
    """
    from cimaise.ai import gateway
    from cimaise.ai import services as assistant

    if key not in ("short_fr", "full_fr", "short_en", "full_en"):
        raise ValueError(key)
    text = getattr(note, key)
    call = assistant.assistant_call(user=user, site=site, action="rewrite", text=text, language=key[-2:],
                                    field_name=f"ai_note.{note.pk}.{key}")
    answer, _interaction = gateway.complete(call, site)
    proposal = assistant.usable_text("rewrite", answer)
    lost = [fact for fact in facts_in(text, note) if fact not in proposal]
    if lost:
        raise ValidationError({key: _("The model's wording dropped or changed recorded facts (%(facts)s), so it "
                                      "was not kept. Your wording is unchanged.") % {"facts": ", ".join(lost)}})
    return proposal


WORDING = ("short_fr", "full_fr", "short_en", "full_en")


def anonymise_user(user):
    """GDPR erasure: the notes keep their facts, without the person's name (as approver, reviewer, initiator)."""
    name = user.get_full_name().strip()
    anonymous = _("a former member of staff")
    changed = set()
    for note in MethodologyNote.objects.filter(Q(approved_by=user) | Q(second_reviewer=user)):
        if note.approved_by_id == user.pk:
            note.approved_by, note.approved_by_label = None, anonymous
        if note.second_reviewer_id == user.pk:
            note.second_reviewer, note.second_reviewer_label = None, anonymous
        note.save()
        changed.add(note.pk)
    if name:
        # Erasure is rare and notes are few: read them all rather than query inside JSON (not portable).
        for note in MethodologyNote.objects.iterator():
            people = note.facts.get("initiated_by", [])
            if name not in people and note.responsible != name and not any(name in getattr(note, k) for k in WORDING):
                continue
            note.facts = {**note.facts, "initiated_by": [anonymous if p == name else p for p in people]}
            for key in WORDING:
                with translation.override(key[-2:]):
                    setattr(note, key, getattr(note, key).replace(name, _("a former member of staff")))
            if note.responsible == name:
                note.responsible = anonymous
            note.save()
            changed.add(note.pk)
    if MethodologyNote.objects.filter(pk__in=changed, live=True).exists():
        events.disclosure_changed.send(sender=MethodologyNote, page=None)
