"""How one sending thread hands messages to the mail server: one connection, kept open for the whole run.

``open_transport()`` takes a connection from Django's email backend (``get_connection()``), so the
configured backend decides where mail goes:

- Django's SMTP backend: ``SMTPTransport`` writes the pre-encoded bytes of ``MessageTemplate.raw`` on
  the backend's own smtplib connection (TLS and login done by the backend), with MAIL, RCPT and DATA
  pipelined in one write when the server offers PIPELINING (RFC 2920): two round trips per message;
- any other backend (django-anymail's ESPs, files, memory): ``BackendTransport`` passes a Django
  ``EmailMultiAlternatives`` to it, one message at a time.

``send`` returns normally when the server accepted the message, and raises ``PermanentFailure``
(5xx: do not retry), ``TemporaryFailure`` (4xx: retry later) or ``ConnectionLost`` (the connection
is closed; the message was not accepted and the transport reconnects on the next ``send``).
"""

import smtplib
import socket

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend


class PermanentFailure(Exception):
    pass


class TemporaryFailure(Exception):
    pass


class ConnectionLost(Exception):
    pass


def _answer(code, text):
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}"[:300]


class SMTPTransport:
    def __init__(self, backend):
        self.backend = backend
        self.smtp = None
        self.pipelining = False

    def _open(self):
        try:
            self.backend.open()
        except (OSError, smtplib.SMTPException) as error:
            raise ConnectionLost(type(error).__name__) from None
        self.smtp = self.backend.connection
        # Each message ends with a small write (".\r\n" and the next MAIL): without this, Nagle's algorithm
        # holds it until the server's delayed ACK, ~40 ms per message.
        try:
            self.smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, AttributeError):
            pass
        if self.smtp.does_esmtp is False or not self.smtp.esmtp_features:
            self.smtp.ehlo_or_helo_if_needed()
        self.pipelining = self.smtp.has_extn("pipelining")

    def _reset(self):
        try:
            self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def send(self, template, *, to, message_id, list_unsubscribe, values):
        if not to.isascii():
            # An internationalised address needs SMTPUTF8: Django's own path handles it.
            return self._send_with_backend(template, to, message_id, list_unsubscribe, values)
        if self.smtp is None:
            self._open()
        raw = template.raw(to=to, message_id=message_id, list_unsubscribe=list_unsubscribe, values=values)
        smtp = self.smtp
        try:
            envelope = f"MAIL FROM:<{template.envelope_from}>\r\nRCPT TO:<{to}>\r\n".encode("ascii")
            if self.pipelining:
                smtp.send(envelope + b"DATA\r\n")
                mail_code, mail_text = smtp.getreply()
                rcpt_code, rcpt_text = smtp.getreply()
                data_code, data_text = smtp.getreply()
            else:
                smtp.send(envelope[: envelope.index(b"\r\n") + 2])
                mail_code, mail_text = smtp.getreply()
                rcpt_code = data_code = 0
                if mail_code == 250:
                    smtp.send(envelope[envelope.index(b"\r\n") + 2:])
                    rcpt_code, rcpt_text = smtp.getreply()
                    if rcpt_code in (250, 251):
                        smtp.send(b"DATA\r\n")
                        data_code, data_text = smtp.getreply()
            for code, text, ok in ((mail_code, mail_text, (250,)), (rcpt_code, rcpt_text, (250, 251)),
                                   (data_code, data_text, (354,))):
                if code not in ok:
                    self._reset()
                    if code == 0:
                        continue
                    raise (TemporaryFailure if 400 <= code < 500 else PermanentFailure)(_answer(code, text))
            smtp.send(raw + b".\r\n")
            code, text = smtp.getreply()
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            self.close()
            raise ConnectionLost(type(error).__name__) from None
        if code == 250:
            return
        if code == 421 or code < 400:
            self.close()
            raise ConnectionLost(_answer(code, text))
        raise (TemporaryFailure if code < 500 else PermanentFailure)(_answer(code, text))

    def _send_with_backend(self, template, to, message_id, list_unsubscribe, values):
        message = template.django_message(to=to, message_id=message_id, list_unsubscribe=list_unsubscribe,
                                          values=values, connection=self.backend)
        try:
            self.backend.send_messages([message])
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentFailure(str(error)[:300]) from None
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise ConnectionLost(type(error).__name__) from None
        self.smtp = self.backend.connection

    def close(self):
        try:
            self.backend.close()
        except Exception:  # noqa: BLE001 - a broken connection cannot be closed politely
            pass
        self.smtp = None


class BackendTransport:
    def __init__(self, backend):
        self.backend = backend
        self.opened = False

    def send(self, template, *, to, message_id, list_unsubscribe, values):
        if not self.opened:
            self.backend.open()
            self.opened = True
        message = template.django_message(to=to, message_id=message_id, list_unsubscribe=list_unsubscribe,
                                          values=values, connection=self.backend)
        try:
            sent = self.backend.send_messages([message])
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentFailure(str(error)[:300]) from None
        except OSError as error:
            self.close()
            raise ConnectionLost(type(error).__name__) from None
        except Exception as error:  # noqa: BLE001 - an ESP's error: retried, then reported
            raise TemporaryFailure(f"{type(error).__name__}: {error}"[:300]) from None
        if not sent:
            raise TemporaryFailure("the email backend did not send the message")

    def close(self):
        if self.opened:
            try:
                self.backend.close()
            except Exception:  # noqa: BLE001
                pass
            self.opened = False


def open_transport():
    """A transport on a new connection of the configured email backend (opened at the first send)."""
    backend = get_connection(fail_silently=False)
    if isinstance(backend, SMTPBackend):
        return SMTPTransport(backend)
    return BackendTransport(backend)
