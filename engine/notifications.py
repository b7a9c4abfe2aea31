"""The notification outbox: reminders and escalations for people, read in the app and sent by mail.

Steps write rows (see :func:`engine.steps._notify`); a row names one recipient, or a role when
the task is unclaimed. The worker delivers unsent rows after each sweep: by SMTP when
``SAMVERKAN_SMTP_URL`` (``smtp://host:port``) is set, otherwise to the log.

Delivery is per message and never inside a transaction that talks to the network: a short
transaction claims a few rows (``claimed_by``/``claimed_at``; ``SKIP LOCKED`` on PostgreSQL so
two workers never claim the same row), commits, then each message is sent and its outcome
committed on its own right after the server answers. A permanent refusal (5xx) is recorded in
``failed_at``/``last_error`` and never retried; a temporary one (4xx, network) waits
:func:`backoff` and is tried again, at most :data:`MAX_ATTEMPTS` times. A worker killed between
the server's answer and that commit leaves its claims to expire (:data:`CLAIM_TIMEOUT`); the one
message in flight is then sent again with the same ``Message-ID``, so receivers can drop it.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from engine import schema
from engine.context import Samverkan, User
from engine.errors import NotFound
from engine.settings import Settings
from engine.smtp import Attempt, Outcome, Session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes; addresses are ``username@domain`` unless the username is one already."""

    smtp_url: str | None
    sender: str = "samverkan@localhost"
    domain: str = "localhost"

    @classmethod
    def of(cls, settings: Settings) -> MailSettings:
        return cls(smtp_url=settings.smtp_url, sender=settings.mail_from, domain=settings.mail_domain)

    def address(self, username: str) -> str:
        return username if "@" in username else f"{username}@{self.domain}"


def _for_user(user: User) -> Any:
    n = schema.notifications
    return or_(n.c.recipient == user.username, and_(n.c.recipient.is_(None), n.c.role.in_(sorted(user.roles))))


def count_unread(engine: Samverkan, user: User) -> int:
    """How many notifications :func:`list_unread` gives, counted by the database (every page's header)."""
    n = schema.notifications
    with engine.db.connect() as conn:
        query = select(func.count()).select_from(n).where(_for_user(user), n.c.read_at.is_(None))
        return int(conn.execute(query).scalar_one())


def list_unread(engine: Samverkan, user: User) -> list[dict[str, Any]]:
    """Unread notifications addressed to the user, or to one of their roles, newest first."""
    n, c = schema.notifications, schema.cases
    with engine.db.connect() as conn:
        rows = conn.execute(
            select(n, c.c.title)
            .join(c, c.c.id == n.c.case_id)
            .where(_for_user(user), n.c.read_at.is_(None))
            .order_by(n.c.created_at.desc(), n.c.id.desc())
        ).all()
    return [
        {
            "id": r.id,
            "case_id": r.case_id,
            "case_title": r.title,
            "task_element_id": r.task_element_id,
            "reason": r.reason,
            "message": r.message,
            "recipient": r.recipient,
            "role": r.role,
            "created_at": r.created_at.isoformat(),
        }
        for r in rows
    ]


def mark_read(engine: Samverkan, user: User, notification_id: int) -> None:
    """Mark one of the user's notifications read (a role's notification is read for the whole role)."""
    n = schema.notifications
    with engine.write() as conn:
        result = conn.execute(
            n.update()
            .where(n.c.id == notification_id, _for_user(user), n.c.read_at.is_(None))
            .values(read_at=engine.now())
        )
        if result.rowcount != 1:
            found = conn.execute(select(n.c.id).where(n.c.id == notification_id, _for_user(user))).first()
            if found is None:
                raise NotFound(f"Notisen {notification_id} finns inte.", code="not_found")


MAX_ATTEMPTS = 12
"""Tries before a temporary failure counts as permanent: with :func:`backoff`, about a day."""
CLAIM_TIMEOUT = timedelta(minutes=10)
"""How long a claimed row stays with its worker; then it is a stopped worker's and claimable again."""
CLAIM_BATCH = 20
"""Rows claimed per transaction: few, so a claim is always young while its rows are being sent."""


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th temporary failure: 1, 2, 4 … minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** (attempts - 1)), timedelta(hours=6))


def message_id(notification_id: int, created_at: datetime, domain: str) -> str:
    """The same ``Message-ID`` every time one notification is sent (after a crash, say)."""
    return f"<samverkan.notis-{notification_id}.{int(created_at.timestamp())}@{domain}>"


@dataclass
class Delivery:
    """What one call of :func:`deliver_pending` did."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.retrying


@dataclass(frozen=True)
class _Outgoing:
    id: int
    attempts: int
    message: EmailMessage


def deliver_pending(
    engine: Samverkan, settings: MailSettings | None = None, limit: int = 200, worker: str | None = None
) -> Delivery:
    """Send up to ``limit`` due notifications, each recorded in its own commit (see the module doc)."""
    settings = settings or MailSettings.of(engine.settings)
    me = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    result = Delivery()
    with Session(settings.smtp_url) as session:
        while result.attempted < limit:
            batch = _claim(engine, settings, me, min(CLAIM_BATCH, limit - result.attempted))
            for index, outgoing in enumerate(batch):
                attempt = _send(session, outgoing.message)
                _record(engine, me, outgoing, attempt, result)
                if session.broken:  # the server is unreachable: the rest of the batch waits as well
                    for rest in batch[index + 1 :]:
                        _record(engine, me, rest, attempt, result)
                    return result
            if not batch:
                break
    return result


def _send(session: Session, message: EmailMessage) -> Attempt:
    if session.url is None:  # no mail server configured: the log is the delivery
        log.info("notis till %s: %s", message["To"] or "(ingen mottagare)", message["Subject"])
        return Attempt(Outcome.SENT)
    return session.send(message) if message["To"] else _NO_RECIPIENT


_NO_RECIPIENT = Attempt(Outcome.PERMANENT, "Ingen mottagare: ingen användare har rollen eller en adress.")


def _claimable(now: datetime) -> Any:
    n = schema.notifications.c
    return and_(
        n.sent_at.is_(None),
        n.failed_at.is_(None),
        or_(n.next_attempt_at.is_(None), n.next_attempt_at <= now),
        or_(n.claimed_at.is_(None), n.claimed_at < now - CLAIM_TIMEOUT),
    )


def _claim(engine: Samverkan, settings: MailSettings, me: str, size: int) -> list[_Outgoing]:
    """Claim and commit a few due rows; the messages are built from what the same transaction read."""
    n, c, u = schema.notifications, schema.cases, schema.users
    now = engine.now()
    with engine.write() as conn:
        ids = (
            conn.execute(
                select(n.c.id).where(_claimable(now)).order_by(n.c.id).limit(size).with_for_update(skip_locked=True)
            )
            .scalars()
            .all()
        )
        if not ids:
            return []
        conn.execute(n.update().where(n.c.id.in_(ids)).values(claimed_by=me, claimed_at=now))
        rows = conn.execute(select(n, c.c.title).join(c, c.c.id == n.c.case_id).where(n.c.id.in_(ids))).all()
        users = conn.execute(select(u.c.username, u.c.roles, u.c.email)).all()
    return [_Outgoing(r.id, r.attempts, _message(settings, r, users, now)) for r in sorted(rows, key=lambda r: r.id)]


def _record(engine: Samverkan, me: str, outgoing: _Outgoing, attempt: Attempt, result: Delivery) -> None:
    """Commit one message's outcome and give its claim back."""
    n = schema.notifications
    now, attempts = engine.now(), outgoing.attempts + 1
    values: dict[str, Any] = {"attempts": attempts, "last_error": attempt.error, "claimed_by": None, "claimed_at": None}
    if attempt.outcome is Outcome.SENT:
        values["sent_at"] = now
        result.sent += 1
    elif attempt.outcome is Outcome.PERMANENT or attempts >= MAX_ATTEMPTS:
        values["failed_at"] = now
        result.failed += 1
        log.warning("notis %d kunde inte skickas och försöks inte igen: %s", outgoing.id, attempt.error)
    else:
        values["next_attempt_at"] = now + backoff(attempts)
        result.retrying += 1
        log.info("notis %d försöks igen om %s: %s", outgoing.id, backoff(attempts), attempt.error)
    with engine.write() as conn:
        updated = conn.execute(n.update().where(n.c.id == outgoing.id, n.c.claimed_by == me).values(**values))
    if updated.rowcount != 1:
        log.warning("notis %d: en annan worker hann ta över den (anspråket var för gammalt)", outgoing.id)


def _recipients(settings: MailSettings, row: Any, users: Sequence[Any]) -> list[str]:
    """Mail addresses: the user's own if set, else ``username@domain``."""
    if row.recipient:
        own = next((x.email for x in users if x.username == row.recipient and x.email), None)
        return [own or settings.address(row.recipient)]
    return sorted(x.email or settings.address(x.username) for x in users if row.role in (x.roles or []))


def _message(settings: MailSettings, row: Any, users: Sequence[Any], now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(_recipients(settings, row, users))
    message["Subject"] = f"Samverkan: {row.message}"
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(row.id, row.created_at, settings.domain)
    message.set_content(f"{row.message}\n\nÄrende {row.case_id}: {row.title}\n")
    return message
