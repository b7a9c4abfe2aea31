"""One SMTP session for a delivery sweep, and what each attempt to send a message came to.

Replies are sorted the way RFC 5321 means them: 5xx is permanent (the same message will be
refused again, so it is recorded and never retried), 4xx and network trouble are temporary.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from enum import Enum
from types import TracebackType
from urllib.parse import urlparse

TIMEOUT_SECONDS = 30


class Outcome(Enum):
    SENT = "sent"
    PERMANENT = "permanent"
    TEMPORARY = "temporary"


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    error: str | None = None
    """The server's reply or the network error; for a sent message, recipients refused on the way."""


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{address}: {_reply(code, text)}" for address, (code, text) in sorted(refused.items()))


class Session:
    """Connects on the first message and keeps the connection for the sweep.

    ``broken`` turns true when the server cannot be reached or drops the connection: the
    caller stops there and the remaining messages wait for a later sweep.
    """

    def __init__(self, url: str | None) -> None:
        self.url, self.broken = url, False  # url None: the caller logs instead of sending
        self._smtp: smtplib.SMTP | None = None
        self._problem: str | None = None
        if url is not None:
            parsed = urlparse(url)
            if parsed.scheme != "smtp" or not parsed.hostname:
                self._problem = f"SAMVERKAN_SMTP_URL ska ha formen smtp://värd:port, inte {url}"
            else:
                self._host, self._port = parsed.hostname, parsed.port or 25

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _broken(self, error: str) -> Attempt:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None
        self.broken = True
        return Attempt(Outcome.TEMPORARY, error)

    def _connected(self) -> smtplib.SMTP:
        if self._smtp is None:
            if self.url is None:
                raise ValueError("no SMTP server configured")
            self._smtp = smtplib.SMTP(self._host, self._port, timeout=TIMEOUT_SECONDS)
        return self._smtp

    def send(self, message: EmailMessage) -> Attempt:
        """Send one message; never raises for what the server or the network answers."""
        if self._problem is not None:
            return self._broken(self._problem)
        return self._deliver(message)

    def _deliver(self, message: EmailMessage) -> Attempt:
        try:
            refused = self._connected().send_message(message)
        except smtplib.SMTPRecipientsRefused as err:  # every recipient refused; the session goes on
            permanent = all(code >= 500 for code, _ in err.recipients.values())
            return Attempt(Outcome.PERMANENT if permanent else Outcome.TEMPORARY, _refusals(err.recipients))
        except (smtplib.SMTPConnectError, smtplib.SMTPHeloError) as err:
            return self._broken(_reply(err.smtp_code, err.smtp_error))
        except smtplib.SMTPResponseException as err:  # sender or data refused; smtplib has reset the session
            permanent = err.smtp_code >= 500
            return Attempt(Outcome.PERMANENT if permanent else Outcome.TEMPORARY, _reply(err.smtp_code, err.smtp_error))
        except (smtplib.SMTPException, OSError) as err:  # refused connection, timeout, server gone
            return self._broken(f"{type(err).__name__}: {err}")
        return Attempt(Outcome.SENT, f"Några mottagare nekades: {_refusals(refused)}" if refused else None)
