"""The public site sends a strict Content-Security-Policy; the admin keeps Wagtail's own needs."""


def _directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_public_page_has_a_strict_content_security_policy(site_pages, client):
    response = client.get("/fr/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_other_public_responses_have_the_policy_too(site_pages, client):
    for url in ["/fr/search/?q=vernis", "/fr/nope/", f"/qr/{site_pages['article'].pk}/label/", "/api/v2/pages/"]:
        assert "Content-Security-Policy" in client.get(url), url


def test_admin_has_no_public_policy(db, client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


def test_embeds_are_allowed_from_the_configured_video_sites(site_pages, client, settings):
    policy = _directives(client.get("/fr/")["Content-Security-Policy"])
    assert set(settings.CSP_FRAME_SRC) <= set(policy["frame-src"])
