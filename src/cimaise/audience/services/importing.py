"""Importing contacts from a CSV file: upload, map the columns, run as a task, report every rejected row.

The flow: ``create_import`` stores the file and guesses the column mapping (French and English headers);
``configure`` saves the mapping chosen by a person with what the people in the file consented to, and
queues the task; ``run`` reads the file in chunks of ``CHUNK_SIZE`` rows, each chunk in one transaction
with a handful of bulk queries, and saves the progress with it (a crash resumes after the last chunk).

Nothing is dropped silently: a row is imported (created or updated) or listed in ``ContactImport.rejected``
with its row number (the line of the file, the header being line 1), its reason and its values. Only
entirely blank lines are skipped.
"""

import csv
import io
import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from cimaise.audience.models import (
    Contact,
    ContactActivity,
    ContactImport,
    DuplicateCandidate,
    Subscription,
    Suppression,
    email_digest,
)
from cimaise.audience.services import consent as consent_service
from cimaise.audience.services.contacts import interests_named, split_name, tags_named, valid_email

CHUNK_SIZE = 500
MAX_FILE_BYTES = 20 * 1024 * 1024

# The contact fields a column can fill, as the mapping screen offers them.
FIELDS = {
    "email": _("Email address"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "full_name": _("Full name (split into first and last name)"),
    "language": _("Language"),
    "kind": _("Kind (visitor, member, press…)"),
    "organisation": _("Organisation"),
    "phone": _("Phone"),
    "postal_code": _("Postal code"),
    "city": _("City"),
    "interests": _("Interests (separated by commas)"),
    "tags": _("Tags (separated by commas)"),
    "notes": _("Notes"),
}
TEXT_FIELDS = ["first_name", "last_name", "organisation", "phone", "postal_code", "city", "notes"]

# Headers as people write them (lower case, no accents, letters and digits only) -> field.
HEADERS = {
    "email": ["email", "mail", "courriel", "emailaddress", "adresseemail", "adressemail", "adressecourriel",
              "adresseelectronique", "mel"],
    "first_name": ["prenom", "firstname", "givenname", "forename"],
    "last_name": ["nom", "nomdefamille", "lastname", "surname", "familyname", "patronyme"],
    "full_name": ["nomcomplet", "fullname", "name", "prenomnom", "nomprenom", "contact"],
    "language": ["langue", "language", "lang", "languepreferee", "preferredlanguage"],
    "kind": ["type", "kind", "categorie", "category", "profil", "profile"],
    "organisation": ["organisation", "organization", "societe", "entreprise", "company", "structure",
                     "etablissement", "institution", "employeur", "employer"],
    "phone": ["telephone", "tel", "phone", "phonenumber", "mobile", "portable"],
    "postal_code": ["codepostal", "cp", "postalcode", "postcode", "zip", "zipcode"],
    "city": ["ville", "city", "commune", "town"],
    "interests": ["interets", "interests", "centresdinteret", "centresinteret"],
    "tags": ["tags", "tag", "etiquettes", "etiquette", "labels"],
    "notes": ["notes", "note", "commentaire", "commentaires", "comments", "comment", "remarques"],
}
_HEADER_FIELD = {alias: field for field, aliases in HEADERS.items() for alias in aliases}

# Throwaway-address domains (a short list of the common ones; a sub-domain counts too).
DISPOSABLE_DOMAINS = {
    "mailinator.com", "yopmail.com", "yopmail.fr", "yopmail.net", "guerrillamail.com", "guerrillamail.info",
    "sharklasers.com", "10minutemail.com", "10minutemail.net", "tempmail.com", "temp-mail.org", "tempmail.net",
    "throwawaymail.com", "trashmail.com", "trashmail.fr", "getnada.com", "dispostable.com", "maildrop.cc",
    "jetable.org", "mailnesia.com", "fakeinbox.com", "discard.email", "spamgourmet.com", "mohmal.com",
    "emailondeck.com", "mintemail.com", "mailcatch.com", "burnermail.io", "tempr.email", "moakt.com",
}

_LANGUAGES = {"fr": "fr", "francais": "fr", "french": "fr", "fre": "fr", "fra": "fr",
              "en": "en", "anglais": "en", "english": "en", "eng": "en", "gb": "en", "uk": "en", "us": "en"}
_KINDS = {
    **{value: value for value in Contact.Kind.values},
    "visiteur": "visitor", "visiteuse": "visitor", "public": "visitor", "membre": "member", "adherent": "member",
    "ami": "member", "donateur": "donor", "donatrice": "donor", "mecene": "donor", "presse": "press",
    "journaliste": "press", "journalist": "press", "enseignant": "teacher", "enseignante": "teacher",
    "professeur": "teacher", "etudiant": "student", "etudiante": "student", "eleve": "student",
    "partenaire": "partner",
}


class UnusableFile(ValidationError):
    """A file that cannot be imported at all (empty, not a CSV, no header), with a message for people."""


def _plain(text):
    """Lower case, accents removed, letters and digits only: how headers and values are compared."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    return "".join(ch for ch in text if ch.isalnum())


def decode(data):
    """The text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def detect_delimiter(text):
    """";", "," or a tab: the one found most often in the header line, outside quotes."""
    header = text.split("\n", 1)[0]
    outside, quoted = [], False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(ch)
    counts = {d: outside.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_rows(text):
    """(header, rows) of a CSV text: rows as lists of strings, with their line numbers."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error:
        header = []
    header = [h.strip() for h in header]
    if not any(header):
        raise UnusableFile(gettext("This file is empty or is not a CSV file: its first line should name the "
                                   "columns (e.g. Email;First name;Last name)."), code="empty")
    return header, reader


def guess_mapping(header):
    """{column: field} guessed from the headers ("E-mail", "Courriel", "Prénom", "Nom", "Langue"…), each
    field used once; unknown columns map to "" (ignored)."""
    mapping, used = {}, set()
    for column in header:
        field = _HEADER_FIELD.get(_plain(column), "")
        if not field:  # "Adresse e-mail du contact", "Email address (work)"
            plain = _plain(column)
            field = "email" if ("email" in plain or "courriel" in plain) else ""
        if field in used:
            field = ""
        used.add(field)
        mapping[column] = field
    return mapping


def read_header(contact_import):
    with contact_import.file.open("rb") as handle:
        text = decode(handle.read())
    header, _rows = read_rows(text)
    return header


@transaction.atomic
def create_import(uploaded, *, user=None):
    """Store an uploaded CSV and guess its mapping; raises UnusableFile (with a message) for an unusable file."""
    data = uploaded.read()
    if len(data) > MAX_FILE_BYTES:
        raise UnusableFile(gettext("This file is larger than 20 MB: split it into several files."), code="size")
    if b"\x00" in data[:4096]:
        raise UnusableFile(gettext("This is not a CSV file. Export your spreadsheet as CSV (comma or "
                                   "semicolon separated) and try again."), code="binary")
    header, _rows = read_rows(decode(data))
    uploaded.seek(0)
    contact_import = ContactImport(original_name=(uploaded.name or "contacts.csv")[:255], created_by=user,
                                   mapping=guess_mapping(header))
    contact_import.file.save("contacts.csv", uploaded, save=False)
    contact_import.save()
    return contact_import


def check_options(mapping, *, consent_purposes=(), consent_text="", newsletter=None):
    """The problems of a mapping and its options, as {field name: message}; empty when it can run."""
    problems = {}
    fields = [f for f in mapping.values() if f]
    if "email" not in fields:
        problems["mapping"] = gettext("Choose the column that holds the email address.")
    elif len(fields) != len(set(fields)):
        problems["mapping"] = gettext("Each contact field can be filled by one column only.")
    unknown = [f for f in fields if f not in FIELDS]
    if unknown:
        problems["mapping"] = gettext("Unknown contact field.")
    if consent_purposes and not consent_text.strip():
        problems["consent_text"] = gettext("Say how and when these people gave their consent: it is the proof "
                                           "kept with each consent.")
    if newsletter is not None and "newsletter" not in consent_purposes:
        problems["newsletter"] = gettext("Subscribing people to a list needs their consent to receive "
                                         "newsletters: tick it above and say how it was collected.")
    return problems


def configure(contact_import, *, mapping, consent_purposes=(), consent_text="", newsletter=None, tag=None):
    """Save the mapping and options and queue the import; raises ValidationError({field: message}) if wrong."""
    header = read_header(contact_import)
    mapping = {column: (mapping.get(column) or "") for column in header}
    consent_purposes = [consent_service.Purpose(p).value for p in consent_purposes]
    problems = check_options(mapping, consent_purposes=consent_purposes, consent_text=consent_text,
                             newsletter=newsletter)
    if problems:
        raise ValidationError(problems)
    updated = ContactImport.objects.filter(pk=contact_import.pk, status=ContactImport.Status.MAPPING).update(
        mapping=mapping, consent_purposes=consent_purposes, consent_text=consent_text.strip(),
        newsletter=newsletter, tag=tag, status=ContactImport.Status.QUEUED)
    contact_import.refresh_from_db()
    if updated:
        transaction.on_commit(lambda: _enqueue(contact_import.pk))
    return contact_import


def _enqueue(import_id):
    from cimaise.audience.tasks import run_import

    run_import.enqueue(import_id)


def progress(contact_import):
    """What the progress page shows (also as JSON): status, counters, percentage."""
    total = contact_import.total_rows
    percent = 100 if contact_import.status == ContactImport.Status.DONE else (
        int(contact_import.processed_rows * 100 / total) if total else 0)
    return {
        "status": contact_import.status, "status_label": str(contact_import.get_status_display()),
        "total": total, "processed": contact_import.processed_rows, "created": contact_import.created_count,
        "updated": contact_import.updated_count, "rejected": contact_import.rejected_count, "percent": percent,
        "finished": contact_import.status in (ContactImport.Status.DONE, ContactImport.Status.FAILED),
    }


# --- running ------------------------------------------------------------------------------------------------


def _reason(code, **values):
    reasons = {
        "missing_email": gettext("No email address."),
        "invalid_email": gettext("Invalid email address."),
        "disposable": gettext("Disposable (throwaway) email address."),
        "duplicate": gettext("Same email address as row %(row)s, which was imported."),
        "columns": gettext("This row has %(found)s columns; the header has %(expected)s."),
        "too_long": gettext("%(field)s is too long (at most %(limit)s characters)."),
        "erased": gettext("This person asked for their data to be erased: they are not imported again."),
    }
    return {"code": code, "reason": reasons[code] % values}


def is_disposable(email):
    domain = email.rpartition("@")[2]
    return any(domain == d or domain.endswith("." + d) for d in DISPOSABLE_DOMAINS)


def _split_list(value):
    for separator in ("|", ";", ","):
        if separator in value:
            return [part.strip() for part in value.split(separator) if part.strip()]
    return [value.strip()] if value.strip() else []


def _clean(values, mapping):
    """(fields, problem) of one row: the contact's fields from its values, or the rejection."""
    fields = {}
    for column, value in values.items():
        field = mapping.get(column)
        if field:
            fields[field] = " ".join((value or "").split()) if field != "notes" else (value or "").strip()
    raw_email = fields.pop("email", "")
    if not raw_email:
        return None, _reason("missing_email")
    try:
        email = valid_email(raw_email)
    except ValidationError:
        return None, _reason("invalid_email")
    if is_disposable(email):
        return None, _reason("disposable")
    if "full_name" in fields:
        first, last = split_name(fields.pop("full_name"))
        fields.setdefault("first_name", first)
        fields.setdefault("last_name", last)
        if not fields["first_name"] and not fields["last_name"]:
            fields["first_name"], fields["last_name"] = first, last
    if "language" in fields:
        fields["language"] = _LANGUAGES.get(_plain(fields["language"]), "")
    if "kind" in fields:
        fields["kind"] = _KINDS.get(_plain(fields["kind"]), "")
    for name in TEXT_FIELDS:
        limit = Contact._meta.get_field(name).max_length
        if limit and len(fields.get(name, "")) > limit:
            return None, _reason("too_long", field=Contact._meta.get_field(name).verbose_name.capitalize(),
                                 limit=limit)
    fields["interests"] = _split_list(fields.get("interests", ""))
    fields["tags"] = _split_list(fields.get("tags", ""))
    return {"email": email, **fields}, None


def run(import_id):
    """Run (or resume) an import; returns the ContactImport. Each chunk commits with its progress."""
    claimed = ContactImport.objects.filter(
        pk=import_id, status__in=[ContactImport.Status.QUEUED, ContactImport.Status.RUNNING]).update(
        status=ContactImport.Status.RUNNING)
    contact_import = ContactImport.objects.get(pk=import_id)
    if not claimed:
        return contact_import
    try:
        _run(contact_import)
    except Exception as error:  # noqa: BLE001 - recorded on the import for people; no personal data in it
        ContactImport.objects.filter(pk=import_id).update(
            status=ContactImport.Status.FAILED, finished_at=timezone.now(),
            error=gettext("The import stopped after row %(row)s (%(error)s). The rows before it are imported.")
            % {"row": ContactImport.objects.get(pk=import_id).processed_rows + 1, "error": type(error).__name__})
    contact_import.refresh_from_db()
    return contact_import


def _run(contact_import):
    with contact_import.file.open("rb") as handle:
        text = decode(handle.read())
    header, reader = read_rows(text)
    mapping = contact_import.mapping
    rows = []
    for record in reader:
        if any(value.strip() for value in record):
            rows.append((reader.line_num, record))
    ContactImport.objects.filter(pk=contact_import.pk).update(total_rows=len(rows))
    seen = {}  # email -> row number of its first occurrence
    start = contact_import.processed_rows  # resuming: these rows are imported (or rejected) already
    for line, record in rows[:start]:
        fields, _problem = _clean(dict(zip(header, record)), mapping)
        if fields and len(record) == len(header):
            seen.setdefault(fields["email"], line)
    rejected = list(contact_import.rejected)
    for offset in range(start, len(rows), CHUNK_SIZE):
        chunk = rows[offset:offset + CHUNK_SIZE]
        accepted, chunk_rejected = [], []
        for line, record in chunk:
            values = dict(zip(header, record))
            if len(record) != len(header):
                problem, fields = _reason("columns", found=len(record), expected=len(header)), None
                values = {**values, **{f"#{n + 1}": v for n, v in enumerate(record[len(header):], len(header))}}
            else:
                fields, problem = _clean(values, mapping)
            if fields and fields["email"] in seen:
                problem = _reason("duplicate", row=seen[fields["email"]])
            if problem:
                chunk_rejected.append({"row": line, **problem, "values": values})
                continue
            seen[fields["email"]] = line
            accepted.append((line, fields, values))
        with transaction.atomic():
            created, updated, erased = _import_chunk(contact_import, accepted)
            for line, values in erased:
                chunk_rejected.append({"row": line, **_reason("erased"), "values": values})
            chunk_rejected.sort(key=lambda r: r["row"])
            rejected.extend(chunk_rejected)
            ContactImport.objects.filter(pk=contact_import.pk).update(
                processed_rows=offset + len(chunk), created_count=F("created_count") + created,
                updated_count=F("updated_count") + updated, rejected_count=len(rejected), rejected=rejected)
    ContactImport.objects.filter(pk=contact_import.pk).update(status=ContactImport.Status.DONE,
                                                              finished_at=timezone.now())


def _import_chunk(contact_import, accepted):
    """Write one chunk's accepted rows; returns (created, updated, [(row, values) of erased people])."""
    if not accepted:
        return 0, 0, []
    now = timezone.now()
    emails = [fields["email"] for _line, fields, _values in accepted]
    erased_digests = set(Suppression.objects.filter(
        reason=Suppression.Reason.ERASED, email_hash__in=[email_digest(e) for e in emails],
    ).values_list("email_hash", flat=True))
    erased = [(line, values) for line, fields, values in accepted if email_digest(fields["email"]) in erased_digests]
    accepted = [row for row in accepted if email_digest(row[1]["email"]) not in erased_digests]
    emails = [fields["email"] for _line, fields, _values in accepted]
    existing = {c.email: c for c in Contact.objects.filter(email__in=emails)}

    new, changed, changed_fields = [], [], set()
    for _line, fields, _values in accepted:
        identity = {k: v for k, v in fields.items() if k not in ("email", "interests", "tags") and v}
        contact = existing.get(fields["email"])
        if contact is None:
            new.append(Contact(email=fields["email"], source=Contact.Source.IMPORT, **identity))
            continue
        # Existing values win (a person may have corrected them); the file fills the empty ones only.
        filled = [name for name in identity if not getattr(contact, name)]
        for name in filled:
            setattr(contact, name, identity[name])
        changed_fields.update(filled)
        changed.append(contact)
    try:
        with transaction.atomic():
            Contact.objects.bulk_create(new)
    except IntegrityError:
        # Someone added one of these addresses meanwhile: fall back to one row at a time for this chunk.
        new = _create_one_by_one(new, existing, changed)
    if not all(c.pk for c in new):  # a database that does not return ids from bulk inserts
        by_email = dict(Contact.objects.filter(email__in=[c.email for c in new]).values_list("email", "pk"))
        for contact in new:
            contact.pk = by_email[contact.email]
    if changed_fields:
        Contact.objects.bulk_update([_touch(c, now) for c in changed], [*sorted(changed_fields), "updated_at"])
    contacts = {c.email: c for c in [*new, *changed]}

    summary = gettext("Imported from %(file)s") % {"file": contact_import.original_name}
    ref = f"audience.contactimport:{contact_import.pk}"
    new_emails = {c.email for c in new}
    ContactActivity.objects.bulk_create([
        ContactActivity(contact_id=c.pk, kind=ContactActivity.Kind.IMPORTED, at=now, ref=ref, summary=summary[:300],
                        data={"import": contact_import.pk, "created": c.email in new_emails})
        for c in contacts.values()])

    _link_names(Contact.interests.through, "interest_id", accepted, contacts, interests_named, "interests")
    _link_names(Contact.tags.through, "tag_id", accepted, contacts, tags_named, "tags")
    ids = [c.pk for c in contacts.values()]
    if contact_import.tag_id:
        Contact.tags.through.objects.bulk_create(
            [Contact.tags.through(contact_id=pk, tag_id=contact_import.tag_id) for pk in ids], ignore_conflicts=True)
    for purpose in contact_import.consent_purposes:
        consent_service.record_many(ids, purpose, True, consent_service.Method.IMPORT, contact_import.consent_text,
                                    at=now, user=contact_import.created_by)
    if contact_import.newsletter_id:
        _subscribe(contact_import, contacts, now)
    _find_duplicates(new)
    return len(new), len(changed), erased


def _touch(contact, now):
    contact.updated_at = now
    return contact


def _create_one_by_one(new, existing, changed):
    created = []
    for contact in new:
        try:
            with transaction.atomic():
                contact.save(force_insert=True)
            created.append(contact)
        except IntegrityError:
            contact = Contact.objects.get(email=contact.email)
            changed.append(contact)
    return created


def _link_names(through, column, accepted, contacts, named, key):
    pairs = []
    names = {name for _line, fields, _values in accepted for name in fields[key]}
    if not names:
        return
    by_name = {obj.name.lower(): obj.pk for obj in named(sorted(names))}
    for _line, fields, _values in accepted:
        contact = contacts.get(fields["email"])
        for name in fields[key]:
            pairs.append(through(contact_id=contact.pk, **{column: by_name[name.strip()[:100].lower()]}))
    through.objects.bulk_create(pairs, ignore_conflicts=True)


def _subscribe(contact_import, contacts, now):
    """Confirmed subscriptions for the chunk's contacts that have none to the list, suppressed addresses left out
    (an unsubscription or a bounce stands: invariant 6)."""
    from cimaise.audience.services.suppression import suppressed_among

    have = set(Subscription.objects.filter(newsletter_id=contact_import.newsletter_id,
                                           contact_id__in=[c.pk for c in contacts.values()])
               .values_list("contact_id", flat=True))
    suppressed = suppressed_among(list(contacts))
    fresh = [c for c in contacts.values() if c.pk not in have and c.email not in suppressed]
    Subscription.objects.bulk_create([
        Subscription(contact_id=c.pk, newsletter_id=contact_import.newsletter_id,
                     status=Subscription.Status.CONFIRMED, confirmed_at=now) for c in fresh], ignore_conflicts=True)
    name = contact_import.newsletter.name
    ContactActivity.objects.bulk_create([
        ContactActivity(contact_id=c.pk, kind=ContactActivity.Kind.SUBSCRIBED, at=now,
                        ref=f"audience.newsletterlist:{contact_import.newsletter_id}", summary=name[:300],
                        data={"import": contact_import.pk}) for c in fresh])


def _find_duplicates(new):
    """Possible duplicates of the new contacts: same first and last name (any case) and the same postal code or
    organisation, under another address. One query per chunk, on the indexed postal code and the organisation."""
    keyed = [c for c in new if c.first_name and c.last_name and (c.postal_code or c.organisation)]
    if not keyed:
        return
    postal_codes = {c.postal_code for c in keyed if c.postal_code}
    organisations = {c.organisation for c in keyed if c.organisation}
    names = {(c.first_name.lower(), c.last_name.lower()) for c in keyed}
    # The last name as people write it (Dupont, DUPONT, dupont): many share a postal code, few a name too.
    spellings = {v for c in keyed for v in (c.last_name, c.last_name.lower(), c.last_name.upper(),
                                            c.last_name.title())}
    candidates = Contact.objects.filter(
        Q(postal_code__in=postal_codes) | Q(organisation__in=organisations), last_name__in=spellings,
        erased_at__isnull=True,
    ).only("pk", "first_name", "last_name", "postal_code", "organisation")
    groups = {}
    for other in candidates:
        name = (other.first_name.lower(), other.last_name.lower())
        if name in names:
            for key in (("pc", other.postal_code), ("org", other.organisation.lower())):
                if key[1]:
                    groups.setdefault((name, key), set()).add(other.pk)
    pairs = {}
    for contact in keyed:
        name = (contact.first_name.lower(), contact.last_name.lower())
        for key, why in ((("pc", contact.postal_code), gettext("same name and postal code")),
                         (("org", contact.organisation.lower()), gettext("same name and organisation"))):
            for other_pk in groups.get((name, key), ()) if key[1] else ():
                if other_pk != contact.pk:
                    pairs.setdefault((min(other_pk, contact.pk), max(other_pk, contact.pk)), why)
    DuplicateCandidate.objects.bulk_create(
        [DuplicateCandidate(contact_id=a, other_id=b, reason=why) for (a, b), why in pairs.items()],
        ignore_conflicts=True)


def _columns(contact_import):
    """The file's columns in their order (a PostgreSQL JSON object does not keep the order of its keys)."""
    try:
        header = read_header(contact_import)
    except (OSError, ValidationError):  # the file is gone: the mapping's keys
        header = list(contact_import.mapping)
    extra = sorted({k for r in contact_import.rejected for k in r["values"] if k not in header})
    return [*header, *extra]


def rejected_rows(contact_import, limit=None):
    """The rejected rows, each with its values as (column, value) pairs in the file's order."""
    columns = _columns(contact_import)
    entries = contact_import.rejected[:limit] if limit else contact_import.rejected
    return [{**entry, "values": [(k, entry["values"][k]) for k in columns if k in entry["values"]]}
            for entry in entries]


def rejected_csv(contact_import):
    """The rejected rows as CSV text (row, reason, then the file's own columns), to fix and import again."""
    columns = _columns(contact_import)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([gettext("Row"), gettext("Reason"), *columns])
    for entry in contact_import.rejected:
        writer.writerow([entry["row"], entry["reason"], *[entry["values"].get(k, "") for k in columns]])
    return out.getvalue()


__all__ = ["FIELDS", "UnusableFile", "configure", "create_import", "guess_mapping", "progress", "rejected_csv", "run"]
