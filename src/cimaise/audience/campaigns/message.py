"""A campaign's message as pre-encoded bytes: the MIME structure is built once, recipients cost a join.

``MessageTemplate`` encodes the text and HTML parts as quoted-printable ONCE, keeping the placeholders
as slots; ``raw(recipient values)`` returns the complete RFC 5322 message (dot-stuffed, CRLF) by
joining the encoded pieces with each recipient's values, themselves quoted-printable encoded and put on
lines of their own with soft line breaks (so no line passes 76 characters, whatever the value).

``django_message(...)`` builds the same message as a Django ``EmailMultiAlternatives`` for the backends
that take message objects (django-anymail's ESPs, the file and memory backends).
"""

import email.utils
import html
import re
import secrets
from email.header import Header
from email.quoprimime import body_encode

from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address

from cimaise.audience.campaigns.rendering import _PLACEHOLDER, Personaliser

# Quoted-printable for a value: printable ASCII as is, but "=", "." (it could start a line) and spaces encoded.
_QP = [bytes([b]) if 33 <= b <= 126 and b not in (46, 61) else b"=%02X" % b for b in range(256)]


def _qp_value(value):
    """``value`` as quoted-printable text on lines of its own, between soft line breaks."""
    pieces = [_QP[byte] for byte in value.encode("utf-8")]
    encoded = b"".join(pieces)
    if len(encoded) <= 72:
        return b"=\r\n" + encoded + b"=\r\n"
    lines, line = [], b""
    for piece in pieces:
        if len(line) + len(piece) > 72:
            lines.append(line)
            line = b""
        line += piece
    lines.append(line)
    return b"=\r\n" + b"=\r\n".join(lines) + b"=\r\n"


def _qp_template(source, *, is_html):
    """Split ``source`` on its placeholders; return [encoded literal, (name, is_html), encoded literal, ...]."""
    pieces = _PLACEHOLDER.split(source)
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append((piece, is_html))
        else:
            encoded = body_encode(piece.encode("utf-8").decode("latin-1"), maxlinelen=72, eol="\r\n").encode("ascii")
            # Dot-stuffing (RFC 5321 4.5.2), done once: a line starting with "." gets another.
            encoded = re.sub(rb"(?m)^\.", b"..", encoded)
            out.append(encoded)
    return out


def _header(name, value):
    """One header line, RFC 2047-encoded when it is not plain ASCII."""
    try:
        value.encode("ascii")
        encoded = value
    except UnicodeEncodeError:
        encoded = Header(value, "utf-8", header_name=name).encode()
    if "\n" in value or "\r" in value:
        raise ValueError(f"header {name} holds a line break")
    return f"{name}: {encoded}\r\n".encode("ascii")


class MessageTemplate:
    """The campaign's message, encoded once; see the module docstring."""

    def __init__(self, *, from_email, subject, html_source, text, extra_headers=None):
        self.from_email = from_email
        self.subject = subject
        self.extra_headers = extra_headers or {}
        self.html_personaliser = Personaliser(html_source, escape=True)
        self.text_personaliser = Personaliser(text, escape=False)
        # The envelope sender: the bare address (its domain IDNA-encoded), never the display name.
        self.envelope_from = sanitize_address(email.utils.parseaddr(from_email)[1], "utf-8")
        boundary = "=_cimaise_" + secrets.token_hex(12)
        head = b"".join([
            _header("From", from_email),
            _header("Subject", subject),
            b"MIME-Version: 1.0\r\n",
            *(_header(k, v) for k, v in self.extra_headers.items()),
            f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n'.encode(),
        ])
        part_head = ('--{b}\r\nContent-Type: text/{kind}; charset="utf-8"\r\n'
                     "Content-Transfer-Encoding: quoted-printable\r\n\r\n")
        # The body after the personal headers: [bytes, name, bytes, name, ..., bytes].
        body = [b"\r\n" + part_head.format(b=boundary, kind="plain").encode()]
        body = self._glue(body, _qp_template(text, is_html=False))
        body = self._glue(body, [b"\r\n" + part_head.format(b=boundary, kind="html").encode()])
        body = self._glue(body, _qp_template(html_source, is_html=True))
        body = self._glue(body, [f"\r\n--{boundary}--\r\n".encode()])
        self.head = head
        self.body = body

    @staticmethod
    def _glue(pieces, more):
        """Concatenate two [bytes, name, bytes...] lists, merging the bytes at the seam."""
        return [*pieces[:-1], pieces[-1] + more[0], *more[1:]]

    def raw(self, *, to, message_id, list_unsubscribe, values):
        """The whole message as bytes, ready for DATA (CRLF, dot-stuffed; without the final ".")."""
        out = [
            b"To: ", to.encode("ascii"), b"\r\n",
            b"Date: ", email.utils.formatdate(localtime=False).encode(), b"\r\n",
            b"Message-ID: ", message_id.encode("ascii"), b"\r\n",
            b"List-Unsubscribe: <", list_unsubscribe.encode("ascii"), b">\r\n",
            b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
            self.head,
        ]
        for i, piece in enumerate(self.body):
            if i % 2 == 0:
                out.append(piece)
            else:
                name, is_html = piece
                value = values.get(name, "")
                out.append(_qp_value(html.escape(value) if is_html else value))
        return b"".join(out)

    def django_message(self, *, to, message_id, list_unsubscribe, values, connection=None):
        """The same message as an ``EmailMultiAlternatives`` (for non-SMTP backends and test sends)."""
        message = EmailMultiAlternatives(
            subject=self.subject, body=self.text_personaliser.fill(values), from_email=self.from_email, to=[to],
            connection=connection,
            headers={"Message-ID": message_id, "List-Unsubscribe": f"<{list_unsubscribe}>",
                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", **self.extra_headers},
        )
        message.attach_alternative(self.html_personaliser.fill(values), "text/html")
        return message
