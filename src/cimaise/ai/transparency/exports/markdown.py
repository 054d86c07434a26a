"""A ``Document`` as Markdown (CommonMark): plain text, every character that Markdown reads escaped."""

import re

from cimaise.ai.transparency.exports import document as doc

# Characters that start emphasis, code, links, HTML or tables anywhere in a line.
_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
# What starts a heading, a quote, a list, a rule or a setext underline at the head of a line.
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def escape(text):
    """``text`` as literal Markdown: inline markers backslash-escaped, line-start markers too."""
    lines = []
    for line in (text or "").split("\n"):
        line = _INLINE.sub(r"\\\1", line)
        line = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if m.group(2)[0] in "#>+=-"
                               else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], line)
        lines.append(line)
    return lines


def _paragraph(text):
    # A line break inside a paragraph is a backslash at the end of the line (CommonMark hard break).
    return "\\\n".join(escape(text))


def _quote(text):
    return "\n".join(f"> {line}" if line else ">" for line in escape(text))


def _block(block):
    if block.kind == doc.HEADING:
        return f"{'#' * min(block.level, 6)} {' '.join(escape(block.text))}"
    if block.kind == doc.QUOTE:
        return _quote(block.text)
    if block.kind == doc.ITEM:
        return "- " + "\\\n  ".join(escape(block.text))
    if block.kind == doc.CAPTION:
        return f"*{_paragraph(block.text)}*"
    return _paragraph(block.text)


def _note(note):
    parts = [f"## {' '.join(escape(note.heading))}"]
    if note.flag:
        parts.append(f"**{_paragraph(note.flag)}**")
    if note.short:
        parts.append(f"*{_paragraph(note.short)}*")
    parts += [_paragraph(p) for p in note.paragraphs]
    parts.append(_paragraph(note.share))
    if note.review:
        parts.append(_paragraph(note.review))
    if note.references:
        parts.append(f"### {' '.join(escape(note.references_heading))}")
        parts += ["- " + " ".join(escape(reference)) for reference in note.references]
    if note.entries:
        labels = note.labels
        parts.append(f"## {' '.join(escape(note.appendix_heading))}")
        parts.append(_paragraph(note.appendix_intro))
        for entry in note.entries:
            parts.append(f"### {' '.join(escape(labels['entry'] % {'number': entry.number}))}")
            parts.append("\n".join(
                f"- **{' '.join(escape(labels['colon'] % {'label': labels[key]}))}** {' '.join(escape(value))}"
                for key, value in (("when", entry.when), ("action", entry.action), ("model", entry.model),
                                   ("context", entry.context)) if value))
            for key in ("supplied", "prompt", "answer"):
                value = getattr(entry, key)
                parts.append(f"**{' '.join(escape(labels['colon'] % {'label': labels[key]}))}**")
                parts.append(_quote(value) if value.strip() else f"*{' '.join(escape(labels['none']))}*")
    return parts


def render(document):
    """The Markdown text of ``document``, as UTF-8 bytes."""
    parts = [f"# {' '.join(escape(document.title))}"]
    if document.author:
        parts.append(f"*{' '.join(escape(document.labels['by'] % {'author': document.author}))}*")
    parts += [_block(block) for block in document.blocks]
    if document.note is not None:
        parts += _note(document.note)
    return ("\n\n".join(parts) + "\n").encode("utf-8")
