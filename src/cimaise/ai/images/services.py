"""Every change to an image's AI declaration, and to its file's metadata that follows from it.

The image forms (``cimaise.ai.images.forms``) call ``apply``; nothing else
writes ``AIImageDeclaration``. Declaring writes the IPTC digital source type
and the tool into the original file (``metadata``) and, when a signing
certificate is configured, C2PA Content Credentials (``content_credentials``).
The declaration is saved whatever happens to the file: ``metadata_written``
and ``c2pa_signed`` say what the file carries, ``c2pa_error`` why it carries
less than it should. A declaration never fails because of the file.

The file is rewritten under a new name (storage backends do not overwrite),
with Wagtail's ``file_size`` and ``file_hash`` updated; the old file is
deleted once the transaction commits, as Wagtail deletes image files.
``declaration_changed`` is sent after the commit (pages that show the label
can drop their cached copies).
"""

import io
import logging

import django.dispatch
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.tasks import delete_file_from_storage_task
from wagtail.utils.file import hash_filelike

from cimaise.ai.images import content_credentials, metadata
from cimaise.ai.models import AIImageDeclaration, DigitalSourceType

logger = logging.getLogger(__name__)

#: The kinds of AI use a person can declare on an image.
DECLARABLE = (DigitalSourceType.TRAINED_ALGORITHMIC_MEDIA, DigitalSourceType.COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA)

#: Sent with ``image`` after a declaration was made, changed or withdrawn (once the transaction commits).
declaration_changed = django.dispatch.Signal()


def declaration_of(image):
    """The image's declaration, or None (cached on the image object)."""
    try:
        return image.ai_declaration
    except AIImageDeclaration.DoesNotExist:
        return None


def apply(image, source_type, *, tool="", prompt="", user=None, file_replaced=False):
    """Declare (``source_type`` one of ``DECLARABLE``) or withdraw (``source_type`` '') the image's AI use.

    ``file_replaced``: a new file was uploaded in the same form, so what the
    declaration said about the old file no longer holds.
    """
    if source_type:
        return declare(image, source_type, tool=tool, prompt=prompt, user=user, file_replaced=file_replaced)
    withdraw(image, file_replaced=file_replaced)
    return None


@transaction.atomic
def declare(image, source_type, *, tool, prompt="", user=None, file_replaced=False):
    """Record that ``image`` was made or edited with AI, with ``tool``; write it into the file.

    Returns the saved ``AIImageDeclaration``. Raises ValueError for an unknown
    source type or an empty tool (the form checks both first).
    """
    if source_type not in DECLARABLE:
        raise ValueError(f"not a declarable digital source type: {source_type!r}")
    tool = (tool or "").strip()
    if not tool:
        raise ValueError("an AI declaration needs the tool")
    declaration = AIImageDeclaration.objects.select_for_update().filter(image=image).first()
    previously_signed = bool(declaration and declaration.c2pa_signed and not file_replaced)
    file_up_to_date = bool(
        declaration and not file_replaced and declaration.source_type == source_type and declaration.tool == tool
        and declaration.metadata_written
        and (declaration.c2pa_signed or not content_credentials.signing_configured()))
    prompt = (prompt or "").strip()
    if file_up_to_date and declaration.prompt == prompt:
        return declaration  # nothing changed: the declaration keeps who made it
    if declaration is None:
        declaration = AIImageDeclaration(image=image)
    declaration.source_type = source_type
    declaration.tool = tool
    declaration.prompt = prompt
    declaration.declared_by = user
    if not file_up_to_date:
        _write_into_file(image, declaration, previously_signed)
    declaration.save()
    image.ai_declaration = declaration
    _announce(image)
    return declaration


@transaction.atomic
def withdraw(image, *, file_replaced=False):
    """Remove the image's declaration and take back what it wrote into the file; False when there was none.

    Content Credentials that Cimaise signed are removed with the whole manifest
    store, so credentials the file carried before (kept as its parent) go too:
    the file no longer claims anything about AI.
    """
    declaration = AIImageDeclaration.objects.select_for_update().filter(image=image).first()
    if declaration is None:
        return False
    data = None
    if not file_replaced and (declaration.metadata_written or declaration.c2pa_signed):
        data = _read(image)
    if data is not None:
        cleaned = data
        try:
            if declaration.c2pa_signed:
                cleaned = metadata.strip_content_credentials(cleaned)
            if declaration.metadata_written:
                cleaned = metadata.clear_ai_source(cleaned)
        except metadata.MetadataError:
            cleaned = data  # the file changed outside Cimaise: leave it as it is
        if cleaned != data:
            _replace_file(image, cleaned)  # a storage failure here fails the form: the file would still claim AI
    declaration.delete()
    image._state.fields_cache.pop("ai_declaration", None)  # the reverse one-to-one accessor's cache
    _announce(image)
    return True


def _write_into_file(image, declaration, previously_signed):
    """Write the declaration into the image's file; set the declaration's flags and error (never raises)."""
    declaration.metadata_written = declaration.c2pa_signed = False
    declaration.c2pa_error = ""
    data = _read(image)
    if data is None:
        declaration.c2pa_error = _("The image file could not be read, so nothing was written into it.")
        return
    file_format = metadata.image_format(data)
    if not file_format:
        declaration.c2pa_error = _("Cimaise writes IPTC metadata and Content Credentials into JPEG, PNG and WebP "
                                   "files only: this file was kept as it is.")
        return
    mime_type = metadata.MIME_TYPES[file_format]
    signing = content_credentials.signing_configured()
    carries_credentials = previously_signed or content_credentials.has_manifest(data, mime_type)
    if carries_credentials and not signing:
        # Any change to the file would break the credentials it carries.
        declaration.c2pa_error = _("The file carries Content Credentials that any change would break, so Cimaise "
                                   "kept it as it is. Set up a signing certificate to add Cimaise's own.")
        return
    try:
        written = metadata.set_ai_source(data, declaration.source_type_uri, declaration.tool)
    except metadata.MetadataError as error:
        declaration.c2pa_error = _("The IPTC metadata could not be written into the file: %(error)s") % {
            "error": error}
        return
    if signing:
        composite = declaration.source_type != DigitalSourceType.TRAINED_ALGORITHMIC_MEDIA
        try:
            written = content_credentials.sign(
                written, mime_type, title=image.title, source_type=declaration.source_type,
                tool=declaration.tool, parent=data if (composite or carries_credentials) else None)
        except content_credentials.ContentCredentialsError as error:
            declaration.c2pa_error = _("Content Credentials (C2PA) could not be embedded: %(error)s") % {
                "error": error}
            if carries_credentials:
                return  # the IPTC metadata alone would break the credentials the file carries
        else:
            declaration.c2pa_signed = True
    try:
        new_name = _store(image, written)
    except Exception:  # noqa: BLE001 - whatever the storage raises, the declaration itself stands
        logger.exception("could not store the rewritten file of image %s", image.pk)
        declaration.c2pa_signed = False
        declaration.c2pa_error = _("The image file could not be stored again, so it carries nothing yet; "
                                   "save the image again to retry.")
        return
    _use_file(image, new_name, written)
    declaration.metadata_written = True


def _read(image):
    """The original file's bytes, or None when the storage cannot give them."""
    try:
        with image.open_file() as file:
            return file.read()
    except OSError:  # Wagtail's SourceImageIOError included
        return None


def _replace_file(image, data):
    """Store ``data`` as the image's original file, keeping Wagtail's size and hash right."""
    _use_file(image, _store(image, data), data)


def _store(image, data):
    """Save ``data`` beside the image's file; its new name."""
    return image.file.storage.save(image.file.name, ContentFile(data))


def _use_file(image, new_name, data):
    """Point the image at its new file ``new_name`` (holding ``data``); the old one goes after the commit."""
    storage, old_name = image.file.storage, image.file.name
    image.file.name = new_name
    image.file_size = len(data)
    image.file_hash = hash_filelike(io.BytesIO(data))
    image.save(update_fields=["file", "file_size", "file_hash"])
    transaction.on_commit(lambda: delete_file_from_storage_task.enqueue(storage.deconstruct(), old_name))


def _announce(image):
    transaction.on_commit(lambda: declaration_changed.send(sender=AIImageDeclaration, image=image))
