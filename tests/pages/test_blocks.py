"""Editors cannot save an image without a text alternative, nor a call to action that leads nowhere."""

import pytest
from django.core.exceptions import ValidationError

from cimaise.pages.blocks import AccessibleImageBlock, BodyBlock, CallToActionBlock


@pytest.mark.parametrize("alt_text", ["", "   "])
def test_image_block_refuses_an_empty_alternative_text(image, alt_text):
    block = AccessibleImageBlock()
    value = block.to_python({"image": image.pk, "alt_text": alt_text, "caption": "", "credit": ""})

    with pytest.raises(ValidationError) as error:
        block.clean(value)
    assert "alt_text" in error.value.block_errors


def test_image_block_accepts_an_image_with_its_alternative_text(image):
    block = AccessibleImageBlock()
    value = block.to_python({"image": image.pk, "alt_text": "Le retable doré", "caption": "", "credit": ""})
    cleaned = block.clean(value)
    assert cleaned["image"] == image
    assert cleaned["alt_text"] == "Le retable doré"


def test_body_stream_refuses_an_image_without_alternative_text(image):
    block = BodyBlock()
    value = block.to_python([{"type": "image", "value": {"image": image.pk, "alt_text": ""}}])
    with pytest.raises(ValidationError):
        block.clean(value)


@pytest.mark.parametrize("alt", ["", "  "])
def test_article_refuses_a_main_image_without_alternative_text(site_pages, image, alt):
    article = site_pages["article"]
    article.image = image
    article.image_alt = alt
    with pytest.raises(ValidationError) as error:
        article.clean()
    assert "image_alt" in error.value.message_dict


def test_article_accepts_a_main_image_with_alternative_text_or_no_image(site_pages, image):
    article = site_pages["article"]
    article.clean()  # no image, no alternative text needed
    article.image = image
    article.image_alt = "Le retable doré"
    article.clean()


def _cta(**fields):
    block = CallToActionBlock()
    data = {"title": "Réservez", "text": "", "button_label": "Réserver", "page": None, "url": ""}
    data.update(fields)
    return block, block.to_python(data)


def test_call_to_action_without_page_or_link_is_refused(db):
    block, value = _cta()
    with pytest.raises(ValidationError) as error:
        block.clean(value)
    assert "page" in error.value.block_errors


def test_call_to_action_with_a_page_or_a_link_is_accepted(site_pages):
    block, value = _cta(url="https://billetterie.example.org/")
    assert block.clean(value)["url"] == "https://billetterie.example.org/"
    block, value = _cta(page=site_pages["about"].pk)
    assert block.clean(value)["page"].pk == site_pages["about"].pk


def test_call_to_action_refuses_a_javascript_link(db):
    block, value = _cta(url="javascript:alert(1)")
    with pytest.raises(ValidationError):
        block.clean(value)


def test_body_blocks_render_with_alt_text_and_escaped_text(site_pages, image, client):
    article = site_pages["article"]
    article.body = [
        ("image", {"image": image, "alt_text": 'Retable "doré" <b>', "caption": "Avant restauration", "credit": ""}),
        ("quote", {"quote": "<script>x</script>", "attribution": "Un restaurateur"}),
        ("call_to_action", {"title": "Venir voir", "text": "", "button_label": "Horaires",
                            "page": site_pages["about"], "url": ""}),
    ]
    article.save_revision().publish()

    html = client.get("/fr/actualites/restauration-retable/").content.decode()
    assert 'alt="Retable &quot;doré&quot; &lt;b&gt;"' in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert '<a class="button" href="/fr/visiter/">Horaires</a>' in html
