"""Failed logins limited per key (username + address) across every server process.

The state is the ``login_attempts`` table, so four gunicorn workers share one count. Each try
records its row and commits *before* the password is checked, then counts: the n-th try to
commit sees at least n rows, so however many arrive at once, at most ``max_failures`` passwords
are checked per window. A refused try takes its row back (waiting it out ends the lock), a
successful login clears the key, and rows older than the window are pruned as new ones come.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from engine import schema
from engine.context import Samverkan

MAX_FAILURES = 5
WINDOW = timedelta(minutes=5)


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class LoginLimiter:
    engine: Samverkan
    max_failures: int = MAX_FAILURES
    window: timedelta = WINDOW

    def attempt(self, key: str) -> bool:
        """Record a try for ``key``; False (and nothing recorded) when the key is locked."""
        a, digest, now = schema.login_attempts, _key(key), self.engine.now()
        with self.engine.write() as conn:
            conn.execute(a.delete().where(a.c.at <= now - self.window))
            attempt_id = conn.execute(a.insert().values(key_sha256=digest, at=now).returning(a.c.id)).scalar_one()
        if self.tries(key) <= self.max_failures:
            return True
        with self.engine.write() as conn:
            conn.execute(a.delete().where(a.c.id == attempt_id))
        return False

    def tries(self, key: str) -> int:
        """Tries recorded for the key within the window (failed ones, and any being checked now)."""
        a = schema.login_attempts
        with self.engine.db.connect() as conn:
            count = conn.execute(
                select(func.count()).where(a.c.key_sha256 == _key(key), a.c.at > self.engine.now() - self.window)
            ).scalar_one()
        return int(count)

    def blocked(self, key: str) -> bool:
        return self.tries(key) >= self.max_failures

    def reset(self, key: str) -> None:
        """After a successful login: the key starts again from zero."""
        with self.engine.write() as conn:
            conn.execute(schema.login_attempts.delete().where(schema.login_attempts.c.key_sha256 == _key(key)))
