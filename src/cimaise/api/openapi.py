"""An OpenAPI 3.1 description of the mobile-app API, built from the page models.

Wagtail's API v2 has no schema of its own; this one is derived from each page
type's ``api_fields`` so that it follows the models as they change.
"""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from wagtail.models import get_page_models

from cimaise.events.api import FIELD_SCHEMAS as EVENT_FIELD_SCHEMAS

API_VERSION = "2.0.0"

LIST_PARAMETERS = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50},
     "description": "Items per response (at most 50)."},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    {"name": "fields", "in": "query", "schema": {"type": "string"},
     "description": "Comma-separated extra fields, e.g. intro,body,ai_disclosure; '*' for all. Fields of a "
                    "page type need ?type=, e.g. type=pages.ArticlePage&fields=date,ai_disclosure."},
    {"name": "order", "in": "query", "schema": {"type": "string"}, "description": "A field name; '-' to reverse."},
    {"name": "search", "in": "query", "schema": {"type": "string"}},
]
PAGE_PARAMETERS = LIST_PARAMETERS + [
    {"name": "type", "in": "query", "schema": {"type": "string"}, "description": "app_label.ModelName, e.g. pages.ArticlePage."},
    {"name": "child_of", "in": "query", "schema": {"type": "integer"}},
    {"name": "descendant_of", "in": "query", "schema": {"type": "integer"}},
    {"name": "locale", "in": "query", "schema": {"type": "string", "enum": ["fr", "en"]}},
    {"name": "translation_of", "in": "query", "schema": {"type": "integer"}},
]
ID_PARAMETER = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}

FIELD_SCHEMAS = {
    "intro": {"type": "string"},
    "body": {"type": "array", "description": "StreamField blocks: {type, value, id}.",
             "items": {"type": "object", "properties": {"type": {"type": "string"}, "value": {}, "id": {"type": "string"}}}},
    "date": {"type": "string", "format": "date"},
    "image": {"type": ["object", "null"], "description": "A rendition: url, width, height, alt.",
              "properties": {"url": {"type": "string"}, "full_url": {"type": "string"},
                             "width": {"type": "integer"}, "height": {"type": "integer"}, "alt": {"type": "string"}}},
    "image_alt": {"type": "string"},
    "ai_disclosure": {"oneOf": [{"$ref": "#/components/schemas/AIDisclosure"}, {"type": "null"}],
                      "description": "How AI was used for this page, as a person approved it; null when it "
                                     "was not. In listings: ?type=...&fields=ai_disclosure."},
    **EVENT_FIELD_SCHEMAS,
}

#: cimaise.ai.transparency.public.Disclosure.as_api()
AI_DISCLOSURE_SCHEMA = {
    "type": "object",
    "description": "The page's methodology note as a person approved it, every text in the page's language.",
    "required": ["language", "title", "short", "full", "review", "share", "digital_source_type", "models",
                 "approved_at"],
    "properties": {
        "language": {"type": "string", "enum": ["fr", "en"], "description": "The language of every text below."},
        "title": {"type": "string", "description": "The heading to show: 'How we used AI'."},
        "short": {"type": "string", "description": "The short form: show it with the page."},
        "full": {"type": "string", "description": "The full note, plain text; keep its line breaks."},
        "review": {"type": "string", "description": "Who reviewed and approved the text, when, what they checked."},
        "share": {"type": "number", "minimum": 0, "maximum": 1,
                  "description": "Measured share of the words that come from AI answers."},
        "percent": {"type": "string", "description": "The share as people read it: '42 %', 'less than 1%'."},
        "digital_source_type": {"type": ["string", "null"],
                                "enum": ["trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", None],
                                "description": "IPTC digital source type; null when no AI words remain."},
        "digital_source_type_uri": {"type": ["string", "null"], "format": "uri"},
        "models": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "maker": {"type": "string"}, "version": {"type": "string"},
            "url": {"type": "string"},
            "reference": {"type": "string", "description": "APA-style reference."}}}},
        "approved_by": {"type": "string", "description": "The name of the person who approved the note."},
        "approved_at": {"type": "string", "format": "date-time"},
        "second_reviewer": {"type": ["string", "null"]},
    },
}


def _listing(item_ref):
    return {
        "type": "object",
        "properties": {
            "meta": {"type": "object", "properties": {"total_count": {"type": "integer"}}},
            "items": {"type": "array", "items": {"$ref": item_ref}},
        },
    }


def _error():
    return {"description": "Not found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def build_schema():
    page_types = {}
    for model in get_page_models():
        if model._meta.app_label not in ("pages", "events") or model._meta.abstract:
            continue
        names = [f.name for f in getattr(model, "api_fields", [])]
        page_types[f"{model._meta.app_label}.{model.__name__}"] = {
            "type": "object",
            "description": str(model._meta.verbose_name),
            "allOf": [{"$ref": "#/components/schemas/Page"}],
            "properties": {name: FIELD_SCHEMAS.get(name, {}) for name in names},
        }
    schemas = {
        "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
        "AIDisclosure": AI_DISCLOSURE_SCHEMA,
        "Page": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "meta": {"type": "object", "properties": {
                    "type": {"type": "string", "enum": sorted(page_types)},
                    "detail_url": {"type": "string"}, "html_url": {"type": ["string", "null"]},
                    "slug": {"type": "string"}, "first_published_at": {"type": ["string", "null"], "format": "date-time"},
                    "locale": {"type": "string"}, "search_description": {"type": "string"},
                }},
            },
        },
        "Image": {"type": "object", "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "width": {"type": "integer"}, "height": {"type": "integer"},
            "meta": {"type": "object", "properties": {"download_url": {"type": "string"}}}}},
        "Document": {"type": "object", "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "meta": {"type": "object", "properties": {"download_url": {"type": "string"}}}}},
        **{name.replace(".", "_"): schema for name, schema in page_types.items()},
    }
    paths = {}
    for endpoint, ref, params in (
        ("pages", "#/components/schemas/Page", PAGE_PARAMETERS),
        ("images", "#/components/schemas/Image", LIST_PARAMETERS),
        ("documents", "#/components/schemas/Document", LIST_PARAMETERS),
    ):
        paths[f"/api/v2/{endpoint}/"] = {"get": {
            "operationId": f"list_{endpoint}", "summary": f"List {endpoint}", "parameters": params,
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": _listing(ref)}}},
                          "400": {"description": "Bad query parameter",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
        }}
        paths[f"/api/v2/{endpoint}/{{id}}/"] = {"get": {
            "operationId": f"get_{endpoint}", "summary": f"One of {endpoint}", "parameters": [ID_PARAMETER],
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": ref}}}},
                          "404": _error()},
        }}
    paths["/api/v2/pages/find/"] = {"get": {
        "operationId": "find_page", "summary": "Find the page at an HTML path",
        "parameters": [{"name": "html_path", "in": "query", "required": True, "schema": {"type": "string"}}],
        "responses": {"302": {"description": "Redirect to the page's detail URL"}, "404": _error()},
    }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cimaise mobile app API", "version": API_VERSION,
                 "description": "Published pages, images and documents of the institution. Read-only, no personal data."},
        "servers": [{"url": settings.BASE_URL}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


@cache_control(max_age=300, public=True)
def schema_view(request):
    return JsonResponse(build_schema(), json_dumps_params={"ensure_ascii": False, "indent": 2})
