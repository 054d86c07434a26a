"""C2PA Content Credentials for images declared as made with AI, signed with c2pa-python.

The institution's signing certificate chain and private key (PEM files) come
from ``settings.CIMAISE_C2PA`` (CIMAISE_C2PA_CERT_CHAIN, CIMAISE_C2PA_PRIVATE_KEY,
CIMAISE_C2PA_ALGORITHM, CIMAISE_C2PA_TSA_URL; docs/configuration.md). Without
a timestamp authority, signing needs no network.

The manifest says: claim generator Cimaise, the image's title, and one
``c2pa.actions`` assertion whose action carries the IPTC digital source type
(full URI) and the tool as ``softwareAgent``. A generated image gets
``c2pa.created``. An edited or composite image, or a file that already carries
Content Credentials (from the tool that made it, or from an earlier
declaration), gets ``c2pa.opened`` on the file as Cimaise received it (kept as
the parent ingredient, with its own credentials) then ``c2pa.edited``: the
C2PA rules want an edit to start from an opened parent, and the chain of
earlier credentials is kept rather than dropped.
"""

import io
from importlib import metadata as package_metadata
from pathlib import Path

import c2pa
from django.conf import settings
from django.utils.translation import gettext as _

from cimaise.ai.models import DigitalSourceType


class ContentCredentialsError(Exception):
    """Signing failed; the message says why (in the active language, with the library's own words)."""


def signing_configured():
    """True when a certificate chain and a private key are set."""
    conf = settings.CIMAISE_C2PA
    return bool(conf.get("CERT_CHAIN") and conf.get("PRIVATE_KEY"))


def has_manifest(data, mime_type):
    """True when the file carries a C2PA manifest store (whether or not it validates)."""
    try:
        with c2pa.Reader(mime_type, io.BytesIO(data)) as reader:
            return bool(reader.json())
    except c2pa.C2paError:
        return False


def _version():
    try:
        return package_metadata.version("cimaise")
    except package_metadata.PackageNotFoundError:
        return "dev"


def manifest(*, title, mime_type, source_type, tool, from_parent):
    """The manifest definition (see the module's docstring)."""
    declared = {
        "digitalSourceType": DigitalSourceType.uri(source_type),
        "softwareAgent": {"name": tool},
    }
    if from_parent:
        actions = [{"action": "c2pa.opened", "parameters": {"ingredientIds": ["parent"]}},
                   {"action": "c2pa.edited", **declared}]
    else:
        actions = [{"action": "c2pa.created", **declared}]
    return {
        "claim_generator_info": [{"name": "Cimaise", "version": _version()}],
        "title": title,
        "format": mime_type,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}],
    }


def _signer():
    conf = settings.CIMAISE_C2PA
    try:
        chain = Path(conf["CERT_CHAIN"]).read_bytes()
        key = Path(conf["PRIVATE_KEY"]).read_bytes()
    except OSError as error:
        raise ContentCredentialsError(
            _("the signing certificate or key cannot be read (%(error)s)") % {"error": error.strerror}) from None
    info = c2pa.C2paSignerInfo(conf.get("ALGORITHM") or "es256", chain, key, conf.get("TSA_URL") or None)
    return c2pa.Signer.from_info(info)


def sign(data, mime_type, *, title, source_type, tool, parent=None):
    """``data`` (a JPEG, PNG or WebP file) with Content Credentials embedded.

    ``parent``: the file as Cimaise received it, kept as the parent ingredient
    (see the module's docstring), or None. Raises ``ContentCredentialsError``.
    """
    definition = manifest(title=title, mime_type=mime_type, source_type=source_type, tool=tool,
                          from_parent=parent is not None)
    try:
        with _signer() as signer, c2pa.Builder(definition) as builder:
            if parent is not None:
                builder.add_ingredient({"title": title, "relationship": "parentOf", "label": "parent"},
                                       mime_type, io.BytesIO(parent))
            signed = io.BytesIO()
            builder.sign(signer, mime_type, io.BytesIO(data), signed)
    except c2pa.C2paError as error:
        raise ContentCredentialsError(str(error) or error.__class__.__name__) from error
    except ValueError as error:  # C2paSignerInfo refuses what it cannot pass to the library
        raise ContentCredentialsError(str(error)) from error
    return signed.getvalue()
