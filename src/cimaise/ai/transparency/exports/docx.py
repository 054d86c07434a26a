"""A ``Document`` as a Word document (python-docx): real heading styles, a references list, an appendix."""

import io

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from cimaise.ai.transparency.exports import document as doc


def _text(paragraph, text, *, bold=False, italic=False):
    """Add ``text`` to ``paragraph``, its line breaks as Word line breaks."""
    for number, line in enumerate((text or "").split("\n")):
        run = paragraph.add_run(line)
        run.bold, run.italic = bold or None, italic or None
        if number:
            run._r.insert(0, OxmlElement("w:br"))  # the break before this line
    return paragraph


def _page_number_footer(section, labels):
    """"Page N of M" in the footer, as Word fields (Word counts the pages when it opens the file)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    template = labels.get("page", "%(number)s / %(total)s")
    # Cut the label around its two placeholders and put a field where each stands.
    head, _, rest = template.partition("%(number)s")
    middle, _, tail = rest.partition("%(total)s")
    for text, field in ((head, "PAGE"), (middle, "NUMPAGES"), (tail, None)):
        if text:
            paragraph.add_run(text)
        if field:
            simple = OxmlElement("w:fldSimple")
            simple.set(qn("w:instr"), field)
            run = OxmlElement("w:r")
            value = OxmlElement("w:t")
            value.text = "1"
            run.append(value)
            simple.append(run)
            paragraph._p.append(simple)


def _set_language(word, language):
    word.core_properties.language = language
    defaults = word.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if r_pr is not None:
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            r_pr.append(lang)
        lang.set(qn("w:val"), {"fr": "fr-FR", "en": "en-GB"}.get(language, language))


def _block(word, block):
    if block.kind == doc.HEADING:
        return word.add_heading(block.text, level=1 if block.level <= 2 else 2)
    if block.kind == doc.ITEM:
        return _text(word.add_paragraph(style="List Bullet"), block.text)
    if block.kind == doc.QUOTE:
        return _text(word.add_paragraph(style="Quote"), block.text)
    if block.kind == doc.CAPTION:
        return _text(word.add_paragraph(style="Caption"), block.text)
    return _text(word.add_paragraph(), block.text)


def _note(word, note):
    word.add_heading(note.heading, level=1)
    if note.flag:
        _text(word.add_paragraph(style="Intense Quote"), note.flag, bold=True)
    if note.short:
        _text(word.add_paragraph(), note.short, italic=True)
    for paragraph in note.paragraphs:
        _text(word.add_paragraph(), paragraph)
    _text(word.add_paragraph(), note.share, bold=True)
    if note.review:
        _text(word.add_paragraph(), note.review)
    if note.references:
        word.add_heading(note.references_heading, level=2)
        for reference in note.references:
            paragraph = _text(word.add_paragraph(style="Bibliography" if "Bibliography" in word.styles else None),
                              reference)
            # APA: a hanging indent.
            paragraph.paragraph_format.left_indent = Cm(1.27)
            paragraph.paragraph_format.first_line_indent = Cm(-1.27)
    if note.entries:
        labels = note.labels
        word.add_heading(note.appendix_heading, level=1)
        _text(word.add_paragraph(), note.appendix_intro)
        for entry in note.entries:
            word.add_heading(labels["entry"] % {"number": entry.number}, level=2)
            for key in ("when", "action", "model", "context"):
                value = getattr(entry, key)
                if value:
                    paragraph = word.add_paragraph()
                    _text(paragraph, labels["colon"] % {"label": labels[key]} + " ", bold=True)
                    _text(paragraph, value)
            for key in ("supplied", "prompt", "answer"):
                value = getattr(entry, key)
                word.add_heading(labels[key], level=3)
                if value.strip():
                    _text(word.add_paragraph(style="Quote"), value)
                else:
                    _text(word.add_paragraph(), labels["none"], italic=True)


def render(document):
    """The .docx file of ``document``, as bytes."""
    word = WordDocument()
    word.core_properties.title = document.title
    word.core_properties.author = document.author
    _set_language(word, document.language)
    word.styles["Normal"].font.size = Pt(11)
    _page_number_footer(word.sections[0], document.labels)
    word.add_heading(document.title, level=0)
    if document.author:
        _text(word.add_paragraph(style="Subtitle"), document.labels["by"] % {"author": document.author})
    for block in document.blocks:
        _block(word, block)
    if document.note is not None:
        _note(word, document.note)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
