"""The notification outbox: reminders and escalations for people, read in the app and sent by mail.

Steps write rows (see :func:`engine.steps._notify`); a row names one recipient, or a role when
the task is unclaimed. The worker delivers unsent rows after each sweep: by SMTP when
``SAMVERKAN_SMTP_URL`` (``smtp://host:port``) is set, otherwise to the log.
"""

from __future__ import annotations

import logging
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import Connection, and_, or_, select

from engine import schema
from engine.context import Samverkan, User
from engine.errors import NotFound

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes; addresses are ``username@domain`` unless the username is one already."""

    smtp_url: str | None
    sender: str = "samverkan@localhost"
    domain: str = "localhost"

    @classmethod
    def from_env(cls) -> MailSettings:
        return cls(
            smtp_url=os.environ.get("SAMVERKAN_SMTP_URL") or None,
            sender=os.environ.get("SAMVERKAN_MAIL_FROM") or "samverkan@localhost",
            domain=os.environ.get("SAMVERKAN_MAIL_DOMAIN") or "localhost",
        )

    def address(self, username: str) -> str:
        return username if "@" in username else f"{username}@{self.domain}"


def _for_user(user: User) -> Any:
    n = schema.notifications
    return or_(n.c.recipient == user.username, and_(n.c.recipient.is_(None), n.c.role.in_(sorted(user.roles))))


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


def deliver_pending(engine: Samverkan, settings: MailSettings | None = None, limit: int = 200) -> int:
    """Send unsent notifications and set ``sent_at``; returns how many were handled.

    Rows are locked while they are sent (``SKIP LOCKED`` on PostgreSQL) so two workers never
    send the same one. If the mail server fails, the transaction rolls back and the rows are
    tried again after the next sweep.
    """
    settings = settings or MailSettings.from_env()
    n = schema.notifications
    with engine.write() as conn:
        rows = conn.execute(
            select(n).where(n.c.sent_at.is_(None)).order_by(n.c.id).limit(limit).with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return 0
        messages = [_message(conn, settings, row) for row in rows]
        if settings.smtp_url:
            _send(settings.smtp_url, messages)
        else:
            for message in messages:
                log.info("notis till %s: %s", message["To"] or "(ingen mottagare)", message["Subject"])
        conn.execute(n.update().where(n.c.id.in_([r.id for r in rows])).values(sent_at=engine.now()))
    return len(rows)


def _recipients(conn: Connection, settings: MailSettings, row: Any) -> list[str]:
    """Mail addresses: the user's own if set, else ``username@domain``."""
    u = schema.users.c
    users = conn.execute(select(u.username, u.roles, u.email)).all()
    if row.recipient:
        own = next((x.email for x in users if x.username == row.recipient and x.email), None)
        return [own or settings.address(row.recipient)]
    return sorted(x.email or settings.address(x.username) for x in users if row.role in (x.roles or []))


def _message(conn: Connection, settings: MailSettings, row: Any) -> EmailMessage:
    title = conn.execute(select(schema.cases.c.title).where(schema.cases.c.id == row.case_id)).scalar_one()
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(_recipients(conn, settings, row))
    message["Subject"] = f"Samverkan: {row.message}"
    message.set_content(f"{row.message}\n\nÄrende {row.case_id}: {title}\n")
    return message


def _send(smtp_url: str, messages: list[EmailMessage]) -> None:
    url = urlparse(smtp_url)
    if url.scheme != "smtp" or not url.hostname:
        raise ValueError(f"SAMVERKAN_SMTP_URL ska ha formen smtp://värd:port, inte {smtp_url}")
    with smtplib.SMTP(url.hostname, url.port or 25, timeout=30) as smtp:
        for message in messages:
            if message["To"]:
                smtp.send_message(message)
            else:
                log.warning("notisen «%s» har ingen mottagare", message["Subject"])
