"""Exports of a text with its methodology note appended: Markdown, Word (DOCX) and PDF.

One neutral model (``document.Document``: title, author, language, blocks,
the note, its references and the appendix of prompts) built from a page
(``pages.page_document``) or from a pasted text (``texts.text_document``),
rendered by three small writers (``markdown``, ``docx``, ``pdf``).

    >>> content, content_type, filename = export(page_document(page, "en"), "pdf")
"""

import importlib

#: format -> (writer module, content type, file extension). The writers are imported when first used:
#: python-docx and reportlab take a while to load, and every admin process imports this package.
FORMATS = {
    "md": ("markdown", "text/markdown; charset=utf-8", "md"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "pdf": ("pdf", "application/pdf", "pdf"),
}
FORMAT_LABELS = {"md": "Markdown", "docx": "Word (DOCX)", "pdf": "PDF"}


def export(document, fmt):
    """(bytes, content type, file name) of ``document`` in ``fmt`` ("md", "docx" or "pdf")."""
    writer, content_type, extension = FORMATS[fmt]
    module = importlib.import_module(f"{__name__}.{writer}")
    return module.render(document), content_type, f"{document.filename}.{extension}"
