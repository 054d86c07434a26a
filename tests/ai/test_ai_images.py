"""Images made with AI: the declaration in the image forms, the IPTC metadata and C2PA credentials, the label.

Claire (content manager) uploads and edits images through Wagtail's own admin
views. The signing certificate comes from a test CA made here with
``cryptography`` (a root and a P-256 end-entity certificate for document
signing), so its credentials read as untrusted: the tests check what the
manifest says and that its hash of the file matches.
"""

import datetime
import hashlib
import io
import json

import c2pa
import pytest
from bs4 import BeautifulSoup
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.utils import translation
from PIL import Image as PILImage
from wagtail.images.models import Image

from cimaise.ai.images import metadata, public
from cimaise.ai.models import AIImageDeclaration

pytestmark = pytest.mark.django_db

GENERATED = "trainedAlgorithmicMedia"
COMPOSITE = "compositeWithTrainedAlgorithmicMedia"
GENERATED_URI = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
COMPOSITE_URI = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
TOOL = "Firefly Image 3"


# --- fixtures and helpers ------------------------------------------------------------------------------------


def picture(file_format, size=(48, 32), **options):
    """A small picture with some detail (a gradient and a dot), as the bytes of a file."""
    image = PILImage.new("RGB", size)
    image.putdata([(x * 5 % 256, y * 7 % 256, (x + y) * 3 % 256) for y in range(size[1]) for x in range(size[0])])
    image.putpixel((5, 5), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, file_format, **options)
    return buffer.getvalue()


def pixels(data):
    with PILImage.open(io.BytesIO(data)) as image:
        return image.mode, image.size, image.tobytes()


def xmp(data):
    """The XMP properties Pillow reads from the file's only rdf:Description."""
    with PILImage.open(io.BytesIO(data)) as image:
        return image.getxmp().get("xmpmeta", {}).get("RDF", {}).get("Description", {})


def stored(image):
    image.refresh_from_db()
    with image.file.open("rb") as file:
        return file.read()


def manifest_store(data, mime_type):
    """(active manifest, validation results) the C2PA library reads from the file."""
    with c2pa.Reader(mime_type, io.BytesIO(data)) as reader:
        return reader.get_active_manifest(), reader.get_validation_results()


def actions(manifest):
    found = [a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions")]
    assert len(found) == 1, manifest["assertions"]
    return found[0]["data"]["actions"]


def codes(results, kind):
    return {item["code"] for item in (results or {}).get("activeManifest", {}).get(kind, [])}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def manager(client, staff, media):
    client.force_login(staff["content"])
    return client


def _certificate(subject, issuer, public_key, signing_key, *, ca, now):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID

    usage = dict(digital_signature=not ca, content_commitment=False, key_encipherment=False, data_encipherment=False,
                 key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(**usage), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))
    if not ca:
        builder = (builder
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
                                  critical=False))
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture
def signing(settings, tmp_path):
    """A test CA and its document-signing certificate (ES256), configured as the institution's."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(common_name):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Musée de Test")])

    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    root_key, signer_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = _certificate(name("Test root CA"), name("Test root CA"), root_key.public_key(), root_key, ca=True, now=now)
    signer = _certificate(name("Musée de Test, images"), root.subject, signer_key.public_key(), root_key, ca=False,
                          now=now)
    chain = tmp_path / "chain.pem"
    chain.write_bytes(signer.public_bytes(serialization.Encoding.PEM) + root.public_bytes(serialization.Encoding.PEM))
    key = tmp_path / "key.pem"
    key.write_bytes(signer_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))
    settings.CIMAISE_C2PA = {"CERT_CHAIN": str(chain), "PRIVATE_KEY": str(key), "ALGORITHM": "es256", "TSA_URL": ""}
    return settings.CIMAISE_C2PA


def add_image(client, data, name, *, title="Affiche", **ai):
    """Upload through the admin's "Add an image" form; ``ai`` are the form's ai_* fields."""
    fields = {"title": title, "tags": "", **{f"ai_{k}": v for k, v in ai.items()}}
    response = client.post("/admin/images/add/", {**fields, "file": SimpleUploadedFile(name, data)})
    return response


def edit_image(client, image, **ai):
    response = client.get(f"/admin/images/{image.pk}/")
    assert response.status_code == 200
    fields = {"title": image.title, "tags": "", "focal_point_x": "", "focal_point_y": "",
              "focal_point_width": "", "focal_point_height": "", **{f"ai_{k}": v for k, v in ai.items()}}
    return client.post(f"/admin/images/{image.pk}/", fields)


def tool_error(response):
    field = BeautifulSoup(response.content, "html.parser").select_one("[data-contentpath=ai_tool]")
    return field.select_one(".error-message").get_text(strip=True)


# --- declaring in the admin forms ------------------------------------------------------------------------------


def test_a_png_uploaded_as_generated_by_ai_carries_the_iptc_type_and_signed_content_credentials(manager, staff,
                                                                                                signing):
    original = picture("PNG")
    response = add_image(manager, original, "affiche.png", source=GENERATED, tool=TOOL,
                         prompt="Une affiche pour la nuit des musées")
    assert response.status_code == 302, response.content[:2000]

    image = Image.objects.get(title="Affiche")
    declaration = image.ai_declaration
    assert (declaration.source_type, declaration.tool, declaration.prompt) == (
        GENERATED, TOOL, "Une affiche pour la nuit des musées")
    assert declaration.declared_by == staff["content"]
    assert (declaration.metadata_written, declaration.c2pa_signed, declaration.c2pa_error) == (True, True, "")

    data = stored(image)
    assert pixels(data) == pixels(original)
    assert xmp(data)["DigitalSourceType"] == GENERATED_URI
    assert xmp(data)["CreatorTool"] == TOOL
    # Wagtail's own record of the file follows the rewritten file.
    assert image.file_hash == hashlib.sha1(data).hexdigest()
    assert image.file_size == len(data)

    manifest, results = manifest_store(data, "image/png")
    assert manifest["claim_generator_info"][0]["name"] == "Cimaise"
    assert manifest["title"] == "Affiche"
    [created] = actions(manifest)
    assert created["action"] == "c2pa.created"
    assert created["digitalSourceType"] == GENERATED_URI
    assert created["softwareAgent"]["name"] == TOOL
    assert "assertion.dataHash.match" in codes(results, "success")
    assert not {code for code in codes(results, "failure") if code.startswith("assertion.")}


def test_a_jpeg_declared_later_as_edited_with_ai_is_signed_as_an_edit_without_reencoding(manager, signing):
    original = picture("JPEG", quality=85)
    assert add_image(manager, original, "salle.jpg", title="Salle", source="none").status_code == 302
    image = Image.objects.get(title="Salle")
    assert stored(image) == original
    assert not AIImageDeclaration.objects.filter(image=image).exists()

    response = edit_image(manager, image, source=COMPOSITE, tool="Photoshop Generative Fill")
    assert response.status_code == 302, response.content[:2000]

    data = stored(image)
    # The compressed image data is copied, not decoded again: the scan is byte for byte the original's.
    assert data.endswith(original[original.index(b"\xff\xda"):])
    assert pixels(data) == pixels(original)
    assert xmp(data)["DigitalSourceType"] == COMPOSITE_URI
    assert xmp(data)["CreatorTool"] == "Photoshop Generative Fill"
    assert image.file_hash == hashlib.sha1(data).hexdigest()

    manifest, results = manifest_store(data, "image/jpeg")
    opened, edited = actions(manifest)
    assert opened["action"] == "c2pa.opened"
    assert edited["action"] == "c2pa.edited"
    assert edited["digitalSourceType"] == COMPOSITE_URI
    assert edited["softwareAgent"]["name"] == "Photoshop Generative Fill"
    assert [ingredient["relationship"] for ingredient in manifest["ingredients"]] == ["parentOf"]
    assert "assertion.dataHash.match" in codes(results, "success")
    assert not {code for code in codes(results, "failure") if code.startswith("assertion.")}
    assert image.ai_declaration.c2pa_signed


def test_the_edit_form_shows_the_declaration_and_what_the_file_carries(manager, signing):
    add_image(manager, picture("PNG"), "affiche.png", source=GENERATED, tool=TOOL, prompt="Une affiche")
    image = Image.objects.get(title="Affiche")

    soup = BeautifulSoup(manager.get(f"/admin/images/{image.pk}/").content, "html.parser")
    assert soup.select_one("input[name=ai_source][checked]")["value"] == GENERATED
    assert soup.select_one("input[name=ai_tool]")["value"] == TOOL
    assert soup.select_one("textarea[name=ai_prompt]").get_text().strip() == "Une affiche"
    assert soup.select_one("[data-ai-image-status]") is not None
    assert soup.select_one("[data-ai-image-error]") is None


def test_without_a_signing_key_the_file_gets_the_iptc_metadata_and_no_credentials(manager):
    original = picture("PNG")
    assert add_image(manager, original, "affiche.png", source=GENERATED, tool=TOOL).status_code == 302
    image = Image.objects.get(title="Affiche")

    declaration = image.ai_declaration
    assert (declaration.metadata_written, declaration.c2pa_signed, declaration.c2pa_error) == (True, False, "")
    data = stored(image)
    assert xmp(data)["DigitalSourceType"] == GENERATED_URI
    assert pixels(data) == pixels(original)
    with pytest.raises(c2pa.C2paError):
        manifest_store(data, "image/png")


def test_an_image_not_made_with_ai_is_stored_as_uploaded_and_has_no_label(manager, signing):
    original = picture("PNG")
    assert add_image(manager, original, "hall.png", title="Hall", source="none").status_code == 302
    image = Image.objects.get(title="Hall")

    assert hashlib.sha1(stored(image)).hexdigest() == hashlib.sha1(original).hexdigest() == image.file_hash
    assert not AIImageDeclaration.objects.filter(image=image).exists()
    assert Template("{% load ai_images %}{% ai_image_label image %}").render(Context({"image": image})) == ""
    assert "digitalSourceType" not in public.image_object_json_ld(image, "https://example.org/hall.png")


def test_declaring_ai_without_the_tool_is_refused_and_keeps_what_was_typed(manager):
    response = add_image(manager, picture("PNG"), "affiche.png", title="Affiche de printemps", source=GENERATED,
                         tool="  ", prompt="Des fleurs de cerisier")

    assert response.status_code == 200
    assert not Image.objects.filter(title="Affiche de printemps").exists()
    assert "ai_tool" in response.context["form"].errors
    assert tool_error(response)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("input[name=title]")["value"] == "Affiche de printemps"
    assert soup.select_one("input[name=ai_source][checked]")["value"] == GENERATED
    assert soup.select_one("textarea[name=ai_prompt]").get_text().strip() == "Des fleurs de cerisier"


def test_the_tool_error_is_in_the_persons_language(manager, staff):
    from wagtail.users.models import UserProfile

    response = add_image(manager, picture("PNG"), "affiche.png", source=GENERATED, tool="")
    assert tool_error(response) == ("Indiquez l'outil d'IA qui a produit ou retouché cette image, par exemple "
                                    "« Firefly Image 3 » : le site l'affiche sous l'image.")

    profile = UserProfile.get_for_user(staff["content"])
    profile.preferred_language = "en"
    profile.save()
    response = add_image(manager, picture("PNG"), "affiche.png", source=GENERATED, tool="")
    assert tool_error(response) == ("Name the AI tool that made or edited this image, e.g. “Firefly Image 3”: "
                                    "the site shows it under the image.")


def test_answering_no_on_a_declared_image_withdraws_the_declaration_the_label_and_the_metadata(manager, signing):
    add_image(manager, picture("JPEG"), "affiche.jpg", source=GENERATED, tool=TOOL)
    image = Image.objects.get(title="Affiche")
    assert public_label(image)

    assert edit_image(manager, image, source="none", tool=TOOL).status_code == 302

    image = Image.objects.get(pk=image.pk)
    assert not AIImageDeclaration.objects.filter(image=image).exists()
    assert public_label(image) == ""
    data = stored(image)
    assert "DigitalSourceType" not in xmp(data) and "CreatorTool" not in xmp(data)
    with pytest.raises(c2pa.C2paError):
        manifest_store(data, "image/jpeg")
    assert image.file_hash == hashlib.sha1(data).hexdigest()


def test_a_signing_failure_is_recorded_and_shown_but_the_upload_succeeds(manager, settings, tmp_path, signing):
    broken = tmp_path / "broken-key.pem"
    broken.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    settings.CIMAISE_C2PA = {**signing, "PRIVATE_KEY": str(broken)}

    response = add_image(manager, picture("PNG"), "affiche.png", source=GENERATED, tool=TOOL)

    assert response.status_code == 302
    image = Image.objects.get(title="Affiche")
    declaration = image.ai_declaration
    assert declaration.metadata_written and not declaration.c2pa_signed
    assert declaration.c2pa_error
    assert xmp(stored(image))["DigitalSourceType"] == GENERATED_URI
    page = BeautifulSoup(manager.get(f"/admin/images/{image.pk}/").content, "html.parser")
    assert page.select_one("[data-ai-image-error]").get_text(strip=True) == declaration.c2pa_error


def test_the_multiple_uploader_shows_the_ai_part_after_upload_and_saves_it(manager, signing):
    response = manager.post("/admin/images/multiple/add/",
                            {"files[]": SimpleUploadedFile("vitrail.png", picture("PNG"))},
                            headers={"x-requested-with": "XMLHttpRequest"})
    answer = response.json()
    assert answer["success"], answer
    image_id = answer["image_id"]
    form = BeautifulSoup(answer["form"], "html.parser")
    assert form.select(f"input[name=image-{image_id}-ai_source]")
    assert form.select_one(f"input[name=image-{image_id}-ai_tool]") is not None
    image = Image.objects.get(pk=image_id)
    assert not AIImageDeclaration.objects.filter(image=image).exists()

    prefix = f"image-{image_id}-"
    refused = manager.post(f"/admin/images/multiple/{image_id}/", {
        f"{prefix}title": "Vitrail", f"{prefix}tags": "", f"{prefix}ai_source": COMPOSITE, f"{prefix}ai_tool": ""})
    assert refused.json()["success"] is False
    assert f'name="{prefix}ai_tool"' in refused.json()["form"]

    saved = manager.post(f"/admin/images/multiple/{image_id}/", {
        f"{prefix}title": "Vitrail", f"{prefix}tags": "", f"{prefix}ai_source": COMPOSITE,
        f"{prefix}ai_tool": "Midjourney v7"})
    assert saved.json()["success"] is True
    image = Image.objects.get(pk=image_id)
    assert image.ai_declaration.c2pa_signed
    data = stored(image)
    assert xmp(data)["CreatorTool"] == "Midjourney v7"
    manifest, _ = manifest_store(data, "image/png")
    assert actions(manifest)[-1]["softwareAgent"]["name"] == "Midjourney v7"


def test_a_new_file_uploaded_on_a_declared_image_gets_the_declaration_too(manager):
    add_image(manager, picture("PNG"), "affiche.png", source=GENERATED, tool=TOOL)
    image = Image.objects.get(title="Affiche")
    replacement = picture("JPEG", size=(60, 40))

    response = manager.post(f"/admin/images/{image.pk}/", {
        "title": "Affiche", "tags": "", "file": SimpleUploadedFile("affiche-v2.jpg", replacement),
        "focal_point_x": "", "focal_point_y": "", "focal_point_width": "", "focal_point_height": "",
        "ai_source": GENERATED, "ai_tool": TOOL})

    assert response.status_code == 302, response.content[:2000]
    data = stored(image)
    assert pixels(data) == pixels(replacement)
    assert xmp(data)["DigitalSourceType"] == GENERATED_URI
    assert image.ai_declaration.metadata_written
    assert (image.file_hash, image.file_size) == (hashlib.sha1(data).hexdigest(), len(data))


def tool_credentials(data, mime_type, signing):
    """``data`` signed as the generating tool would sign it (its own claim generator, c2pa.created)."""
    definition = {
        "claim_generator_info": [{"name": "Test image generator", "version": "1.0"}], "title": "generated",
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [
            {"action": "c2pa.created", "digitalSourceType": GENERATED_URI}]}}]}
    info = c2pa.C2paSignerInfo("es256", open(signing["CERT_CHAIN"], "rb").read(),
                               open(signing["PRIVATE_KEY"], "rb").read(), None)
    signed = io.BytesIO()
    with c2pa.Signer.from_info(info) as signer, c2pa.Builder(definition) as builder:
        builder.sign(signer, mime_type, io.BytesIO(data), signed)
    return signed.getvalue()


def test_credentials_from_the_tool_are_kept_as_the_parent_of_cimaises(manager, signing):
    original = tool_credentials(picture("PNG"), "image/png", signing)

    add_image(manager, original, "genere.png", source=GENERATED, tool=TOOL)

    image = Image.objects.get(title="Affiche")
    assert image.ai_declaration.c2pa_signed
    manifest, results = manifest_store(stored(image), "image/png")
    assert manifest["claim_generator_info"][0]["name"] == "Cimaise"
    [parent] = manifest["ingredients"]
    assert parent["relationship"] == "parentOf" and parent.get("active_manifest")
    assert [action["action"] for action in actions(manifest)] == ["c2pa.opened", "c2pa.edited"]
    assert not {code for code in codes(results, "failure") if code.startswith("assertion.")}


def test_without_a_key_a_file_with_credentials_from_its_tool_is_kept_as_it_is(manager, settings, signing):
    original = tool_credentials(picture("PNG"), "image/png", signing)
    settings.CIMAISE_C2PA = {"CERT_CHAIN": "", "PRIVATE_KEY": "", "ALGORITHM": "es256", "TSA_URL": ""}

    assert add_image(manager, original, "genere.png", source=GENERATED, tool=TOOL).status_code == 302

    image = Image.objects.get(title="Affiche")
    assert stored(image) == original  # writing the IPTC metadata would break the tool's credentials
    declaration = image.ai_declaration
    assert not declaration.metadata_written and not declaration.c2pa_signed
    assert declaration.c2pa_error
    assert public_label(image)  # the declaration itself stands


def test_a_gif_is_declared_but_its_file_is_kept_as_it_is(manager, signing):
    original = picture("GIF")
    assert add_image(manager, original, "anime.gif", source=GENERATED, tool=TOOL).status_code == 302

    image = Image.objects.get(title="Affiche")
    assert stored(image) == original
    declaration = image.ai_declaration
    assert (declaration.metadata_written, declaration.c2pa_signed) == (False, False)
    page = BeautifulSoup(manager.get(f"/admin/images/{image.pk}/").content, "html.parser")
    assert page.select_one("[data-ai-image-error]").get_text(strip=True) == declaration.c2pa_error


# --- the file formats -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format, options", [
    ("JPEG", {"quality": 90}), ("PNG", {}), ("WEBP", {"quality": 80}), ("WEBP", {"lossless": True}),
])
def test_the_metadata_goes_into_each_format_without_touching_the_pixels(file_format, options):
    original = picture(file_format, **options)
    written = metadata.set_ai_source(original, GENERATED_URI, TOOL)
    assert pixels(written) == pixels(original)
    assert xmp(written)["DigitalSourceType"] == GENERATED_URI
    assert xmp(written)["CreatorTool"] == TOOL
    assert pixels(metadata.clear_ai_source(written)) == pixels(original)
    assert "DigitalSourceType" not in xmp(metadata.clear_ai_source(written))


def test_an_existing_xmp_packet_keeps_its_other_properties():
    packet = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
              b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
              b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Old tool"><dc:rights>Musee</dc:rights>'
              b'</rdf:Description></rdf:RDF></x:xmpmeta>')
    written = metadata.set_ai_source(picture("JPEG", xmp=packet), GENERATED_URI, TOOL)
    properties = xmp(written)
    assert properties["CreatorTool"] == TOOL
    assert properties["rights"] == "Musee"
    assert metadata.read_xmp(written).count(b"CreatorTool") == 2  # the opening and closing tags only


# --- what the public sees ---------------------------------------------------------------------------------------


def public_label(image):
    html = Template("{% load ai_images %}{% ai_image_label image %}").render(Context({"image": image}))
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


@pytest.fixture
def declared(media, staff):
    from cimaise.ai.images import services

    def make(source_type, tool):
        image = Image.objects.create(title="Affiche", file=ImageFile(io.BytesIO(picture("PNG")), name="a.png"))
        services.declare(image, source_type, tool=tool, user=staff["content"])
        return Image.objects.get(pk=image.pk)

    return make


def test_the_label_says_generated_or_edited_with_the_tool_in_french_or_english(declared):
    generated, edited = declared(GENERATED, TOOL), declared(COMPOSITE, "Photoshop")

    with translation.override("en"):
        assert public_label(generated) == "Image generated with AI — tool: Firefly Image 3"
        assert public_label(edited) == "Image edited with AI — tool: Photoshop"
    with translation.override("fr"):
        assert public_label(generated) == "Image générée par IA — outil : Firefly Image 3"
        assert public_label(edited) == "Image retouchée avec l'IA — outil : Photoshop"


def test_the_label_escapes_the_tool(declared):
    image = declared(GENERATED, "<script>alert(1)</script>")
    html = Template("{% load ai_images %}{% ai_image_label image %}").render(Context({"image": image}))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_image_object_carries_the_iptc_type_and_the_credit(declared):
    image = declared(GENERATED, TOOL)
    data = public.image_object_json_ld(image, "https://musee.example/media/affiche.png", language="en")
    assert data == {
        "@type": "ImageObject",
        "contentUrl": "https://musee.example/media/affiche.png",
        "url": "https://musee.example/media/affiche.png",
        "digitalSourceType": GENERATED_URI,
        "creditText": "Image generated with AI — tool: Firefly Image 3",
    }
    json.dumps(data)  # ready for the page's JSON-LD


def test_the_article_labels_its_ai_image_for_readers_and_machines(manager, site_pages, django_capture_on_commit_callbacks):
    """The main image of a live article, declared later as generated: the page shows the label, JSON-LD the type."""
    import json

    from bs4 import BeautifulSoup
    from wagtail.images import get_image_model

    with django_capture_on_commit_callbacks(execute=True):
        add_image(manager, picture("PNG"), "affiche.png", source="trainedAlgorithmicMedia",
                  tool="Firefly Image 3")
    image = get_image_model().objects.get(title="Affiche")
    article = site_pages["article"].specific
    article.image, article.image_alt = image, "Une affiche"
    article.save_revision().publish()

    soup = BeautifulSoup(manager.get(article.url).content, "html.parser")
    label = soup.select_one("figure.main-image .ai-image-label")
    assert label is not None and "Firefly Image 3" in label.get_text()
    data = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    assert data["image"]["@type"] == "ImageObject"
    assert data["image"]["digitalSourceType"] == "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
