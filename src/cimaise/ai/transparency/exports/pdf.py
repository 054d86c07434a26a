"""A ``Document`` as PDF (reportlab): headings with bookmarks, page numbers, a font that covers French.

The font is DejaVu Sans (installed with fonts-dejavu-core, as ``./cimaise
test`` does) when present: it has every letter of French and the typographic
quotes and spaces the note uses. Without it, Helvetica, which lacks some of them.
"""

import io
import os
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from cimaise.ai.transparency.exports import document as doc

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT = "CimaiseSans"


def fonts():
    """(regular, bold, italic) font names: DejaVu Sans registered once if present, else Helvetica."""
    names = (FONT, f"{FONT}-Bold", f"{FONT}-Oblique")
    if FONT in pdfmetrics.getRegisteredFontNames():
        return names
    files = [os.path.join(FONT_DIR, f) for f in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf")]
    if not all(os.path.exists(f) for f in files):
        return ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique")
    for name, path in zip(names, files, strict=True):
        pdfmetrics.registerFont(TTFont(name, path))
    pdfmetrics.registerFontFamily(FONT, normal=names[0], bold=names[1], italic=names[2], boldItalic=names[1])
    return names


def styles():
    regular, bold, italic = fonts()
    base = ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=15, spaceAfter=7)
    return {
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=22, leading=27, spaceAfter=6),
        "author": ParagraphStyle("author", base, fontName=italic, textColor=colors.HexColor("#444444"),
                                 spaceAfter=16),
        1: ParagraphStyle("h1", base, fontName=bold, fontSize=16, leading=20, spaceBefore=16, spaceAfter=8),
        2: ParagraphStyle("h2", base, fontName=bold, fontSize=13, leading=17, spaceBefore=12, spaceAfter=6),
        3: ParagraphStyle("h3", base, fontName=bold, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4),
        "body": base,
        "quote": ParagraphStyle("quote", base, leftIndent=18, textColor=colors.HexColor("#333333")),
        "caption": ParagraphStyle("caption", base, fontName=italic, fontSize=9.5, leading=13),
        "flag": ParagraphStyle("flag", base, fontName=bold, textColor=colors.HexColor("#8a1c00"),
                               borderColor=colors.HexColor("#8a1c00"), borderWidth=1, borderPadding=6,
                               spaceBefore=4, spaceAfter=12),
        "reference": ParagraphStyle("reference", base, leftIndent=36, firstLineIndent=-36),
        "footer": ParagraphStyle("footer", base, fontSize=9, alignment=TA_CENTER),
    }


def _markup(text):
    """Plain text as reportlab paragraph markup: escaped, line breaks kept."""
    return "<br/>".join(escape(line) for line in (text or "").split("\n"))


class _Heading(Paragraph):
    """A heading that adds itself to the PDF's outline (bookmarks)."""

    def __init__(self, text, style, level):
        super().__init__(_markup(text), style)
        self.outline_text, self.outline_level = text, level

    def draw(self):
        super().draw()
        canv = self.canv
        # The outline may not skip a level (a subsection straight after the title).
        last = getattr(canv, "_outline_last_level", -1)
        level = min(self.outline_level, last + 1)
        canv._outline_last_level = level
        canv._outline_count = getattr(canv, "_outline_count", 0) + 1
        key = f"heading-{canv._outline_count}"
        canv.bookmarkPage(key)
        canv.addOutlineEntry(" ".join(self.outline_text.split()), key, level=level)


def _numbered_canvas(label):
    """A canvas that writes "Page N of M" at the foot of each page once the number of pages is known."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(fonts()[0], 9)
                self.drawCentredString(A4[0] / 2, 1.2 * cm, label % {"number": self._pageNumber, "total": total})
                super().showPage()
            super().save()

    return NumberedCanvas


def _blocks(document, style):
    story = []
    for block in document.blocks:
        if block.kind == doc.HEADING:
            level = 1 if block.level <= 2 else 2
            story.append(_Heading(block.text, style[level], level))
        elif block.kind == doc.ITEM:
            story.append(ListFlowable([ListItem(Paragraph(_markup(block.text), style["body"]))],
                                      bulletType="bullet", start="•", bulletFontName=style["body"].fontName,
                                      leftIndent=14))
        elif block.kind == doc.QUOTE:
            story.append(Paragraph(_markup(block.text), style["quote"]))
        elif block.kind == doc.CAPTION:
            story.append(Paragraph(_markup(block.text), style["caption"]))
        else:
            story.append(Paragraph(_markup(block.text), style["body"]))
    return story


def _note(note, style):
    story = [_Heading(note.heading, style[1], 1)]
    if note.flag:
        story.append(Paragraph(_markup(note.flag), style["flag"]))
    if note.short:
        story.append(Paragraph(f"<i>{_markup(note.short)}</i>", style["body"]))
    story += [Paragraph(_markup(p), style["body"]) for p in note.paragraphs]
    story.append(Paragraph(f"<b>{_markup(note.share)}</b>", style["body"]))
    if note.review:
        story.append(Paragraph(_markup(note.review), style["body"]))
    if note.references:
        story.append(_Heading(note.references_heading, style[2], 2))
        story += [Paragraph(_markup(reference), style["reference"]) for reference in note.references]
    if note.entries:
        labels = note.labels
        story.append(_Heading(note.appendix_heading, style[1], 1))
        story.append(Paragraph(_markup(note.appendix_intro), style["body"]))
        for entry in note.entries:
            head = [_Heading(labels["entry"] % {"number": entry.number}, style[2], 2)]
            head += [Paragraph(f"<b>{escape(labels['colon'] % {'label': labels[key]})}</b> "
                               f"{_markup(getattr(entry, key))}", style["body"])
                     for key in ("when", "action", "model", "context") if getattr(entry, key)]
            story.append(KeepTogether(head))
            for key in ("supplied", "prompt", "answer"):
                value = getattr(entry, key)
                story.append(Paragraph(escape(labels[key]), style[3]))
                story.append(Paragraph(_markup(value), style["quote"]) if value.strip()
                             else Paragraph(f"<i>{escape(labels['none'])}</i>", style["body"]))
    return story


def render(document, *, compress=True, invariant=False):
    """The PDF file of ``document``, as bytes. ``compress=False, invariant=True`` make it readable and
    repeatable byte for byte (tests)."""
    style = styles()
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=2 * cm, bottomMargin=2.2 * cm,
        title=document.title, author=document.author, lang=document.language, creator="Cimaise",
        pageCompression=1 if compress else 0, invariant=1 if invariant else 0,
    )
    story = [_Heading(document.title, style["title"], 0)]
    if document.author:
        story.append(Paragraph(_markup(document.labels["by"] % {"author": document.author}), style["author"]))
    story += _blocks(document, style)
    if document.note is not None:
        story.append(Spacer(1, 8))
        story += _note(document.note, style)
    pdf.build(story, canvasmaker=_numbered_canvas(document.labels.get("page", "%(number)s / %(total)s")))
    return out.getvalue()
