"""The text of an item as readers get it, field by field, and its fingerprint.

A page's text fields are read from the page object (a revision's, or the
form's before saving): the title, the SEO title and description, every plain
or rich text field, and every piece of text inside StreamFields (rich text as
plain text). The fingerprint is a SHA-256 of those texts: the same text gives
the same fingerprint whatever revision holds it, and any change of a word
gives another.
"""

import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.db import models
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cimaise.ai.provenance import html_to_text

# Page fields that are not text a reader gets.
SKIPPED_FIELDS = {"slug", "url_path", "draft_title", "latest_revision_created_at", "locked", "live", "path",
                  "content_type", "owner", "locale", "translation_key", "alias_of"}


def _stream_texts(value, path, out):
    """Every string in a StreamField's raw data, rich text turned into plain text, keyed by its path."""
    if isinstance(value, str):
        text = html_to_text(value) if "<" in value and ">" in value else value
        if text.strip() and not _looks_technical(value):
            out[path] = text
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in ("id", "type") and path:
                continue
            _stream_texts(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            name = item.get("type", number) if isinstance(item, dict) else number
            _stream_texts(item.get("value") if isinstance(item, dict) and "value" in item else item,
                          f"{path}.{number}.{name}" if path else f"{number}.{name}", out)


def _looks_technical(value):
    # URLs, identifiers and the like carry no prose.
    return value.startswith(("http://", "https://", "/", "mailto:")) or (" " not in value and len(value) > 30)


def page_texts(page):
    """{field name: plain text} for a page (specific) object; StreamField parts as "body.0.paragraph"."""
    texts = {}
    for field in page._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or field.primary_key:
            continue
        value = getattr(page, field.attname, None)
        if isinstance(field, StreamField):
            raw = value.raw_data if hasattr(value, "raw_data") else value
            parts = {}
            _stream_texts(list(raw or []), field.name, parts)
            texts.update(parts)
        elif isinstance(field, RichTextField):
            if value:
                texts[field.name] = html_to_text(value)
        elif isinstance(field, (models.CharField, models.TextField)) and not field.choices:
            if isinstance(value, str) and value.strip() and not _looks_technical(value):
                texts[field.name] = value
    return texts


def fingerprint(texts):
    """The SHA-256 of {field: text}, independent of the order of the fields."""
    payload = json.dumps(sorted(texts.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def item_key(obj):
    """(content type, object id) that notes and records use for ``obj``; pages use the base Page type."""
    if isinstance(obj, Page):
        return ContentType.objects.get_for_model(Page), str(obj.pk)
    return ContentType.objects.get_for_model(obj), str(obj.pk)
