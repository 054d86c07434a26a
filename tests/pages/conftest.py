"""Helpers for the public-site tests: parse a response as HTML, make an image, add articles."""

import io

import pytest
from bs4 import BeautifulSoup


@pytest.fixture
def get_html(client):
    """GET a URL, check its status and return the parsed document."""

    def get(url, status=200, **params):
        response = client.get(url, params)
        assert response.status_code == status, f"{url}: {response.status_code}"
        assert response["Content-Type"].startswith("text/html")
        return BeautifulSoup(response.content, "html.parser")

    return get


@pytest.fixture
def image(settings, tmp_path, db):
    """A small Wagtail image stored in a temporary media folder."""
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images.models import Image

    settings.MEDIA_ROOT = tmp_path / "media"
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), "#a33").save(buffer, "PNG")
    return Image.objects.create(title="Le retable", file=ImageFile(buffer, name="retable.png"))


@pytest.fixture
def add_article(site_pages):
    """Add an article under a listing (the French one by default); published unless live=False."""
    from cimaise.pages.models import ArticlePage

    def add(title, parent=None, live=True, **fields):
        parent = parent or site_pages["index"]
        fields.setdefault("slug", "-".join(title.lower().split())[:50])
        article = parent.add_child(instance=ArticlePage(title=title, live=live, **fields))
        revision = article.save_revision()
        if live:
            revision.publish()
        article.refresh_from_db()
        return article

    return add
