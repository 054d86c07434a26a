"""CSV import: encodings and separators, the guessed mapping, every rejected row with its reason, updates,
duplicates, consents and subscriptions stated by the importer."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext, override

from cimaise.audience.models import (
    ConsentRecord,
    Contact,
    ContactImport,
    DuplicateCandidate,
    NewsletterList,
    Subscription,
    Tag,
)
from cimaise.audience.services import importing
from cimaise.audience.services.suppression import suppress

pytestmark = pytest.mark.django_db

CSV = (
    "Courriel;Prénom;Nom;Langue;Code postal;Intérêts\n"
    " Lea@Example.ORG ;Léa;Dupont;Français;75011;Peinture, Musique\n"
    "paul@example.org;Paul;Martin;anglais;69001;\n"
    ";Sans;Adresse;fr;;\n"
    "pas-une-adresse;Marc;Petit;fr;;\n"
    "jetable@mailinator.com;Jet;Able;fr;;\n"
    "LEA@example.org;Léa;Dupont-bis;fr;;\n"
    "\n"
    "trop@example.org;Trop;De;Colonnes;1;2;3\n"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _import(content, name="contacts.csv", encoding="utf-8", **options):
    upload = SimpleUploadedFile(name, content.encode(encoding) if isinstance(content, str) else content)
    contact_import = importing.create_import(upload)
    mapping = options.pop("mapping", contact_import.mapping)
    importing.configure(contact_import, mapping=mapping, **options)
    return importing.run(contact_import.pk)


def test_headers_in_french_and_english_are_mapped():
    assert importing.guess_mapping(["E-mail", "Prénom", "Nom", "Langue", "Code postal", "Société", "Divers"]) == {
        "E-mail": "email", "Prénom": "first_name", "Nom": "last_name", "Langue": "language",
        "Code postal": "postal_code", "Société": "organisation", "Divers": ""}
    assert importing.guess_mapping(["Email address", "First name", "Last Name", "Language", "Phone"]) == {
        "Email address": "email", "First name": "first_name", "Last Name": "last_name", "Language": "language",
        "Phone": "phone"}
    assert importing.guess_mapping(["Adresse courriel", "Courriel"])["Adresse courriel"] == "email"


def test_the_import_runs_as_a_task_once_configured(media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the task backend runs it at once in tests
        contact_import = importing.create_import(SimpleUploadedFile("c.csv", CSV.encode()))
        importing.configure(contact_import, mapping=contact_import.mapping)
    contact_import.refresh_from_db()
    assert contact_import.status == "done" and contact_import.finished_at
    # Blank lines are not rows; every other line is imported or rejected.
    assert contact_import.total_rows == contact_import.processed_rows == 7
    assert (contact_import.created_count, contact_import.rejected_count) == (2, 5)
    assert importing.progress(contact_import)["percent"] == 100
    lea = Contact.objects.get(email="lea@example.org")
    assert (lea.first_name, lea.last_name, lea.language, lea.postal_code, lea.source) == (
        "Léa", "Dupont", "fr", "75011", "import")
    assert sorted(lea.interests.values_list("name", flat=True)) == ["Musique", "Peinture"]
    assert Contact.objects.get(email="paul@example.org").language == "en"
    assert lea.activities.filter(kind="imported").exists()
    assert not ConsentRecord.objects.exists()  # no consent stated: none recorded


def test_rejected_rows_with_their_reasons(media):
    done = _import(CSV)
    assert done.rejected_count == len(done.rejected) == 5
    duplicate = next(e for e in done.rejected if e["code"] == "duplicate")
    with override("fr"):
        expected = gettext("Same email address as row %(row)s, which was imported.") % {"row": 2}
    assert duplicate["reason"] == expected and "ligne 2" in duplicate["reason"] and duplicate["values"]["Nom"] == "Dupont-bis"  # nothing lost
    assert [(e["row"], e["code"]) for e in done.rejected] == [
        (4, "missing_email"), (5, "invalid_email"), (6, "disposable"), (7, "duplicate"), (9, "columns")]
    report = importing.rejected_csv(done)
    with override("fr"):
        header = f"{gettext('Row')};{gettext('Reason')};Courriel"
    assert header == "Ligne;Motif;Courriel" and report.splitlines()[0].startswith(header)
    assert "Dupont-bis" in report


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_encodings_and_separators(media, encoding, bom):
    text = "E-mail,Prénom,Nom\nzoe@example.org,Zoé,Lefèvre\n"
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    done = _import(data)
    zoe = Contact.objects.get(email="zoe@example.org")
    assert (zoe.first_name, zoe.last_name) == ("Zoé", "Lefèvre") and done.rejected_count == 0


def test_existing_contacts_are_completed_not_overwritten(media):
    Contact.objects.create(email="lea@example.org", first_name="Léa", city="Paris")
    done = _import("email;first name;last name;city\nLEA@example.org;Lea;Dupont;Lyon\n")
    lea = Contact.objects.get(email="lea@example.org")
    assert (lea.first_name, lea.last_name, lea.city) == ("Léa", "Dupont", "Paris")
    assert (done.created_count, done.updated_count) == (0, 1)


def test_same_name_and_postal_code_under_another_address_is_a_possible_duplicate(media):
    known = Contact.objects.create(email="lea.dupont@work.example", first_name="Léa", last_name="Dupont",
                                   postal_code="75011")
    _import("email;prénom;nom;code postal\nlea@example.org;LÉA;DUPONT;75011\nx@example.org;Léa;Dupont;13001\n")
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.contact_id, candidate.other_id} == {known.pk, Contact.objects.get(email="lea@example.org").pk}
    with override("fr"):
        expected = gettext("same name and postal code")
    assert candidate.status == "open" and candidate.reason == expected and "code postal" in candidate.reason


def test_stated_consents_subscribe_and_tag(media, django_user_model):
    user = django_user_model.objects.create_user("marketing")
    letter = NewsletterList.objects.create(name="La lettre", slug="lettre")
    tag = Tag.objects.create(name="Salon 2026")
    suppress("gone@example.org", "unsubscribed")
    upload = SimpleUploadedFile("salon.csv", b"email\nlea@example.org\ngone@example.org\n")
    contact_import = importing.create_import(upload, user=user)
    importing.configure(contact_import, mapping=contact_import.mapping, consent_purposes=["newsletter"],
                        consent_text="Paper form signed at the fair, 12 March 2026", newsletter=letter, tag=tag)
    importing.run(contact_import.pk)
    record = ConsentRecord.objects.get(contact__email="lea@example.org")
    assert (record.purpose, record.granted, record.method, record.text_shown, record.recorded_by) == (
        "newsletter", True, "import", "Paper form signed at the fair, 12 March 2026", user)
    assert Subscription.objects.get(newsletter=letter).contact.email == "lea@example.org"  # not the suppressed one
    assert Subscription.objects.get(newsletter=letter).status == "confirmed"
    assert set(tag.contacts.values_list("email", flat=True)) == {"lea@example.org", "gone@example.org"}


def test_an_erased_person_is_not_imported_again(media):
    suppress("lea@example.org", "erased")
    done = _import("email\nlea@example.org\n")
    assert not Contact.objects.exists() and done.rejected[0]["code"] == "erased"


def test_options_that_cannot_run_are_refused_with_a_message(media):
    letter = NewsletterList.objects.create(name="La lettre", slug="lettre")
    contact_import = importing.create_import(SimpleUploadedFile("c.csv", b"Nom;Adresse\nDupont;x@example.org\n"))
    with pytest.raises(ValidationError) as info:
        importing.configure(contact_import, mapping={"Nom": "last_name", "Adresse": ""})
    with override("fr"):
        expected = gettext("Choose the column that holds the email address.")
    assert info.value.message_dict["mapping"] == [expected]
    with pytest.raises(ValidationError) as info:
        importing.configure(contact_import, mapping={"Nom": "last_name", "Adresse": "email"}, newsletter=letter)
    assert "newsletter" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        importing.configure(contact_import, mapping={"Nom": "last_name", "Adresse": "email"},
                            consent_purposes=["newsletter"])
    assert "consent_text" in info.value.message_dict
    contact_import.refresh_from_db()
    assert contact_import.status == "mapping"


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00"])
def test_an_unusable_file_gets_a_message(media, content):
    with pytest.raises(ValidationError):
        importing.create_import(SimpleUploadedFile("x.csv", content))
    assert not ContactImport.objects.exists()


def test_a_resumed_import_does_not_import_twice(media, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_SIZE", 2)
    rows = "".join(f"p{n}@example.org;P{n}\n" for n in range(5))
    upload = SimpleUploadedFile("c.csv", f"email;prénom\n{rows}p0@example.org;again\n".encode())
    contact_import = importing.create_import(upload)
    importing.configure(contact_import, mapping=contact_import.mapping)
    # A worker died after the first chunk: the progress committed with it says where to resume.
    ContactImport.objects.filter(pk=contact_import.pk).update(status="running")
    first = rows.splitlines()[:2]
    original = importing._import_chunk
    calls = []

    def crash_on_second(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return original(*args)

    monkeypatch.setattr(importing, "_import_chunk", crash_on_second)
    failed = importing.run(contact_import.pk)
    with override("fr"):
        expected = gettext("The import stopped after row %(row)s (%(error)s). The rows before it are imported.") % {
            "row": 3, "error": "RuntimeError"}
    assert failed.status == "failed" and failed.processed_rows == 2 and failed.error == expected
    assert "ligne 3" in failed.error
    assert Contact.objects.count() == len(first)
    monkeypatch.setattr(importing, "_import_chunk", original)
    ContactImport.objects.filter(pk=contact_import.pk).update(status="queued")
    done = importing.run(contact_import.pk)
    assert done.status == "done" and Contact.objects.count() == 5
    assert done.created_count == 5 and [e["code"] for e in done.rejected] == ["duplicate"]
