"""The contacts admin: who sees what, the list's search and filters, the contact page, forms, import screens,
the duplicates review, GDPR export and erasure — as a person uses them."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from django.utils.translation import gettext, override

from cimaise.audience.models import Contact, ContactImport, DuplicateCandidate, Interest, Tag
from cimaise.audience.services import consent
from cimaise.institution import roles

pytestmark = pytest.mark.django_db


def _fr(message):
    """``message`` as a French user sees it in a page: translated, then HTML-escaped like the template does."""
    with override("fr"):
        return escape(gettext(message))


def _member(django_user_model, role, name="someone"):
    user = django_user_model.objects.create_user(name, password="x")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def marketing(client, django_user_model):
    client.force_login(_member(django_user_model, roles.COMMUNITY_MANAGER, "marketing"))
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_roles_see_what_they_may(client, django_user_model):
    lea = Contact.objects.create(email="lea@example.org", first_name="Léa")
    def allowed(url):
        status = client.get(url).status_code
        assert status in (200, 302, 403)
        return status == 200  # Wagtail sends a refused person back to the dashboard (302)

    for role, view, change, delete in ((roles.COMMUNITY_MANAGER, True, True, True),
                                       (roles.ADMINISTRATION, True, True, True), (roles.DIRECTION, True, False, False),
                                       (roles.CONTENT_MANAGER, False, False, False),
                                       (roles.BOX_OFFICE, False, False, False)):
        client.force_login(_member(django_user_model, role, role[:20]))
        assert allowed("/admin/audience/contacts/") == view, role
        assert allowed(f"/admin/audience/contacts/{lea.pk}/edit/") == change, role
        assert allowed(f"/admin/audience/contacts/{lea.pk}/erase/") == delete, role
        assert allowed("/admin/audience/contacts/imports/") == change, role


def test_search_and_filters_keep_addresses_out_of_urls(marketing):
    painting = Interest.objects.create(name="Peinture", slug="peinture")
    lea = Contact.objects.create(email="lea@example.org", first_name="Léa", last_name="Dupont", kind="press")
    lea.interests.add(painting)
    Contact.objects.create(email="paul@example.org", first_name="Paul", last_name="Martin", language="en")
    page = marketing.get("/admin/audience/contacts/").content.decode()
    assert "lea@example.org" in page and "paul@example.org" in page

    response = marketing.post("/admin/audience/contacts/", {"q": "lea@example"})
    assert response.status_code == 302 and "lea" not in response["Location"]
    page = marketing.get(response["Location"]).content.decode()
    assert "lea@example.org" in page and "paul@example.org" not in page

    marketing.post("/admin/audience/contacts/", {"language": "en"})
    page = marketing.get("/admin/audience/contacts/").content.decode()
    assert "paul@example.org" in page and "lea@example.org" not in page
    marketing.post("/admin/audience/contacts/", {"interest": painting.pk, "kind": "press"})
    page = marketing.get("/admin/audience/contacts/").content.decode()
    assert "lea@example.org" in page and "paul@example.org" not in page
    marketing.post("/admin/audience/contacts/", {"reset": "1"})
    assert "paul@example.org" in marketing.get("/admin/audience/contacts/").content.decode()


def test_the_list_is_paginated(marketing):
    Contact.objects.bulk_create([Contact(email=f"p{n:03}@example.org", last_name=f"N{n:03}") for n in range(60)])
    first = marketing.get("/admin/audience/contacts/").content.decode()
    second = marketing.get("/admin/audience/contacts/?p=2").content.decode()
    assert "p000@example.org" in first and "p059@example.org" not in first
    assert "p059@example.org" in second and "60 contacts" in first


def test_the_contact_page_shows_consents_with_proof_and_timeline(marketing):
    lea = Contact.objects.create(email="lea@example.org", first_name="Léa", last_name="Dupont")
    lea.tags.add(Tag.objects.create(name="Presse 2026"))
    consent.record(lea, "newsletter", True, "registration", "I would like to receive the newsletter")
    consent.record(lea, "newsletter", False, "unsubscribe", "One-click unsubscribe")
    page = marketing.get(f"/admin/audience/contacts/{lea.pk}/").content.decode()
    assert "Presse 2026" in page and "I would like to receive the newsletter" in page
    assert 'data-purpose="newsletter" data-granted="no"' in page
    assert page.count('data-kind="consent"') == 2


def test_create_and_edit_through_the_forms_with_clear_errors(marketing):
    response = marketing.post("/admin/audience/contacts/add/", {
        "email": " Lea@Example.org ", "first_name": "Léa", "last_name": "Dupont", "language": "fr",
        "kind": "visitor"})
    lea = Contact.objects.get(email="lea@example.org")
    assert response.status_code == 302 and response["Location"].endswith(f"/{lea.pk}/")
    again = marketing.post("/admin/audience/contacts/add/", {"email": "LEA@example.org", "first_name": "Autre",
                                                             "language": "fr", "kind": "visitor"})
    assert again.status_code == 200 and _fr("A contact with this email address already exists.") in again.content.decode()
    assert 'value="Autre"' in again.content.decode()  # nothing typed is lost
    marketing.post(f"/admin/audience/contacts/{lea.pk}/edit/", {
        "email": "lea@example.org", "first_name": "Léa", "last_name": "Dupont-Martin", "language": "en",
        "kind": "press", "city": "Lyon"})
    lea.refresh_from_db()
    assert (lea.last_name, lea.language, lea.kind, lea.city) == ("Dupont-Martin", "en", "press", "Lyon")


def test_export_and_erase_from_the_contact_page(marketing):
    lea = Contact.objects.create(email="lea@example.org", first_name="Léa")
    response = marketing.post(f"/admin/audience/contacts/{lea.pk}/export/")
    assert response["Content-Disposition"] == f'attachment; filename="contact-{lea.pk}.json"'
    assert json.loads(response.content)["identity"]["email"] == "lea@example.org"
    assert lea.activities.filter(kind="exported").exists()
    unconfirmed = marketing.post(f"/admin/audience/contacts/{lea.pk}/erase/", {})
    assert unconfirmed.status_code == 200 and not Contact.objects.get(pk=lea.pk).is_erased
    marketing.post(f"/admin/audience/contacts/{lea.pk}/erase/", {"confirm": "yes"})
    lea.refresh_from_db()
    assert lea.is_erased and lea.first_name == ""
    assert "lea@example.org" not in marketing.get("/admin/audience/contacts/").content.decode()


def test_import_screens_from_upload_to_report(marketing, media, django_capture_on_commit_callbacks):
    csv = "E-mail;Prénom;Nom\nlea@example.org;Léa;Dupont\nnot-an-address;Marc;Petit\n".encode("cp1252")
    response = marketing.post("/admin/audience/contacts/imports/", {"file": SimpleUploadedFile("salon.csv", csv)})
    contact_import = ContactImport.objects.get()
    assert response["Location"].endswith(f"/imports/{contact_import.pk}/mapping/")
    page = marketing.get(response["Location"]).content.decode()
    assert '<option value="email" selected>' in page and "Prénom" in page
    # The list without consent: refused with a message, the choices kept.
    refused = marketing.post(response["Location"], {"column_0": "email", "column_1": "first_name",
                                                    "column_2": "last_name", "consent_purposes": ["newsletter"]})
    assert refused.status_code == 200 and _fr(
        "Say how and when these people gave their consent: it is the proof kept with each consent.",
    ) in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = marketing.post(response["Location"], {"column_0": "email", "column_1": "first_name",
                                                     "column_2": "last_name"})
    progress_url = f"/admin/audience/contacts/imports/{contact_import.pk}/"
    assert done["Location"].endswith(progress_url)
    page = marketing.get(progress_url).content.decode()
    assert 'data-status="done"' in page and 'data-code="invalid_email"' in page and "not-an-address" in page
    status = marketing.get(f"{progress_url}status.json").json()
    assert status["finished"] and status["created"] == 1 and status["rejected"] == 1
    report = marketing.get(f"{progress_url}rejected.csv").content.decode("utf-8-sig")
    assert report.splitlines()[1].startswith("3;")


def test_an_unusable_upload_says_why(marketing, media):
    response = marketing.post("/admin/audience/contacts/imports/", {"file": SimpleUploadedFile("x.csv", b"\n")})
    assert response.status_code == 200 and _fr(
        "This file is empty or is not a CSV file: its first line should name the columns "
        "(e.g. Email;First name;Last name).",
    ) in response.content.decode()
    assert not ContactImport.objects.exists()


def test_duplicates_review_merge_or_distinct(marketing):
    a = Contact.objects.create(email="a@example.org", first_name="Léa", last_name="Dupont", postal_code="75011")
    b = Contact.objects.create(email="b@example.org", first_name="Léa", last_name="Dupont", postal_code="75011")
    c = Contact.objects.create(email="c@example.org", first_name="Léa", last_name="Dupont", postal_code="75011")
    first = DuplicateCandidate.objects.create(contact=a, other=b, reason="same name and postal code")
    second = DuplicateCandidate.objects.create(contact=a, other=c, reason="same name and postal code")
    page = marketing.get("/admin/audience/contacts/duplicates/").content.decode()
    assert f'data-candidate="{first.pk}"' in page and "b@example.org" in page
    marketing.post("/admin/audience/contacts/duplicates/", {"candidate": second.pk, "action": "distinct"})
    marketing.post("/admin/audience/contacts/duplicates/", {"candidate": first.pk, "action": "keep_other"})
    assert set(Contact.objects.values_list("email", flat=True)) == {"b@example.org", "c@example.org"}
    assert _fr("Nothing to review.") in marketing.get("/admin/audience/contacts/duplicates/").content.decode()
