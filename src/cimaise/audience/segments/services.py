"""Every change to segments, and their counts. Views and other apps call these; nothing else writes a Segment.

``save_segment`` validates the definition first (``DefinitionError`` lists every problem) and stores the
clean form with a fresh count; ``count`` counts an unsaved definition (the editor's live count).
"""

from django.db import transaction
from django.utils import timezone

from cimaise.audience.segments.definition import DefinitionError, contacts, validate
from cimaise.audience.segments.models import Segment

__all__ = ["DefinitionError", "count", "delete_segment", "refresh_count", "save_segment"]


def count(definition, *, now=None):
    """How many contacts a definition selects now. ``definition`` may be raw: it is validated first."""
    return contacts(validate(definition), now=now).count()


@transaction.atomic
def save_segment(*, name, definition, description="", segment=None, user=None):
    """Create (``segment`` None) or update a segment; return it, counted.

    Raises ``DefinitionError`` for a bad definition and ``ValueError`` for an empty name; nothing is saved then.
    """
    clean = validate(definition)
    name = (name or "").strip()
    if not name:
        raise ValueError("name")
    if segment is None:
        segment = Segment(created_by=user)
    segment.name = name
    segment.description = (description or "").strip()
    segment.definition = clean
    segment.cached_count = contacts(clean).count()
    segment.counted_at = timezone.now()
    segment.save()
    return segment


def refresh_count(segment):
    """Count the segment again and keep the figure for the list; return it."""
    segment.cached_count = segment.contacts().count()
    segment.counted_at = timezone.now()
    Segment.objects.filter(pk=segment.pk).update(cached_count=segment.cached_count, counted_at=segment.counted_at)
    return segment.cached_count


def delete_segment(segment):
    segment.delete()
