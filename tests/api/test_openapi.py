"""The OpenAPI description of the mobile-app API is well formed and matches the API it describes.

``openapi-spec-validator`` is not a dependency: the checks below are structural.
"""

import re

import pytest

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def schema(db, client):
    response = client.get("/api/v2/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _resolve(schema, ref):
    assert ref.startswith("#/"), f"{ref} is not local"
    node = schema
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def test_has_the_top_level_structure_of_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] and schema["info"]["version"]
    assert schema["paths"]
    assert set(schema) <= {"openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components",
                           "security", "tags", "externalDocs"}
    for server in schema.get("servers", []):
        assert re.match(r"https?://", server["url"])


def test_every_operation_has_responses_and_a_unique_id(schema):
    operation_ids = []
    for path, item in schema["paths"].items():
        assert path.startswith("/api/v2/")
        assert "get" in item, path
        assert set(item) <= HTTP_METHODS | {"parameters", "summary", "description"}
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            assert operation["responses"], (path, method)
            for status, response in operation["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d|[1-5]XX|default", status), (path, status)
                assert response["description"], (path, status)
            operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids))


def test_path_templates_match_declared_path_parameters(schema):
    for path, item in schema["paths"].items():
        in_template = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            params = operation.get("parameters", [])
            declared = {p["name"] for p in params if p["in"] == "path"}
            assert declared == in_template, path
            for param in params:
                assert param["in"] in {"query", "header", "path", "cookie"}
                assert "schema" in param or "content" in param
                if param["in"] == "path":
                    assert param.get("required") is True
            names = [(p["name"], p["in"]) for p in params]
            assert len(names) == len(set(names)), path


def test_every_ref_resolves_within_components(schema):
    refs = list(_refs(schema))
    assert refs, "the schema uses components"
    for ref in refs:
        assert ref.startswith("#/components/"), ref
        _resolve(schema, ref)


def test_page_type_enum_lists_our_page_types(schema):
    page_type = schema["components"]["schemas"]["Page"]["properties"]["meta"]["properties"]["type"]
    assert {"pages.ArticlePage", "pages.HomePage", "pages.StandardPage", "pages.ArticleIndexPage"} <= set(
        page_type["enum"]
    )


def test_schema_describes_the_fields_the_api_really_returns(site_pages, schema, client):
    article_schema = schema["components"]["schemas"]["pages_ArticlePage"]["properties"]
    data = client.get(f"/api/v2/pages/{site_pages['article'].pk}/").json()
    for field in ("intro", "body", "date", "image", "image_alt"):
        assert field in article_schema
        assert field in data



def test_the_api_accepts_every_parameter_the_schema_declares(site_pages, schema, client):
    samples = {
        "type": "pages.ArticlePage", "fields": "title", "locale": "en", "search": "vernis", "limit": "5",
        "offset": "1", "order": "title", "child_of": site_pages["index"].pk, "descendant_of": site_pages["home"].pk,
        "translation_of": site_pages["article"].pk,
    }
    for endpoint in ("pages", "images", "documents"):
        for param in schema["paths"][f"/api/v2/{endpoint}/"]["get"]["parameters"]:
            response = client.get(f"/api/v2/{endpoint}/", {param["name"]: samples[param["name"]]})
            # An unknown parameter would be a 400.
            assert response.status_code == 200, (endpoint, param["name"], response.content[:200])


def test_limit_maximum_matches_the_api(schema, settings):
    limit = next(p for p in schema["paths"]["/api/v2/pages/"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == settings.WAGTAILAPI_LIMIT_MAX
