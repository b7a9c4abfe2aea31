"""The notification outbox: each mail marked sent in its own commit, permanent failures recorded
and never retried, temporary ones retried with backoff, a stable Message-ID, no transaction open
while SMTP talks, and no mail sent twice by two workers or lost by a killed one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from engine import notifications, schema
from engine.clock import FixedClock
from engine.context import Samverkan
from tests.smtp_server import Mailbox, smtp_server

SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
DOMAIN = "malmo.se"


def _notes(engine: Samverkan, count: int, recipient: str = "person{n}") -> list[int]:
    now = engine.now()
    with engine.write() as conn:
        case_id = conn.execute(
            schema.cases.insert()
            .values(
                title="Torgfest på Möllan",
                process_id="samverkansstod",
                process_version=1,
                status="active",
                start_event="start_aktorsinitiativ",
                created_at=now,
                updated_at=now,
                created_by="kim",
                lock_version=0,
                state={},
                data={},
                active_elements=[],
            )
            .returning(schema.cases.c.id)
        ).scalar_one()
        return [
            conn.execute(
                schema.notifications.insert()
                .values(
                    recipient=recipient.format(n=n),
                    case_id=case_id,
                    task_element_id="forsta_mote",
                    reason="reminder",
                    message=f"Påminnelse nr {n}: Första möte väntar.",
                    created_at=now,
                )
                .returning(schema.notifications.c.id)
            ).scalar_one()
            for n in range(count)
        ]


def _rows(engine: Samverkan) -> dict[int, Any]:
    with engine.db.connect() as conn:
        return {r.id: r for r in conn.execute(select(schema.notifications).order_by(schema.notifications.c.id))}


def _settings(url: str | None) -> notifications.MailSettings:
    return notifications.MailSettings(url, domain=DOMAIN)


def _subjects(mailbox: Mailbox) -> Counter[str]:
    from email import message_from_bytes

    with mailbox.lock:
        return Counter(str(message_from_bytes(body)["Subject"]) for _, _, body in mailbox.messages)


def test_a_permanent_refusal_is_recorded_and_the_rest_are_sent_once(engine: Samverkan, clock: FixedClock) -> None:
    ids = _notes(engine, 5)
    with smtp_server(replies={f"person2@{DOMAIN}": "550 5.1.1 Okänd mottagare"}) as (url, mailbox):
        result = notifications.deliver_pending(engine, _settings(url))
        assert (result.sent, result.failed, result.retrying) == (4, 1, 0)
        for _ in range(3):
            clock.advance(hours=7)
            assert notifications.deliver_pending(engine, _settings(url)).attempted == 0
    assert sorted(_subjects(mailbox).values()) == [1, 1, 1, 1]
    rows = _rows(engine)
    refused = rows[ids[2]]
    assert refused.sent_at is None and refused.failed_at is not None and refused.attempts == 1
    assert "550" in refused.last_error and "person2@malmo.se" in refused.last_error
    assert all(rows[i].sent_at is not None and rows[i].failed_at is None for i in ids if i != ids[2])


def test_a_temporary_refusal_is_retried_with_backoff(engine: Samverkan, clock: FixedClock) -> None:
    [note] = _notes(engine, 1)
    with smtp_server(replies={f"person0@{DOMAIN}": "451 4.3.0 Försök senare"}) as (url, mailbox):
        assert notifications.deliver_pending(engine, _settings(url)).retrying == 1
        first = _rows(engine)[note]
        assert (first.attempts, first.sent_at, first.failed_at) == (1, None, None)
        assert first.next_attempt_at == clock.now() + notifications.backoff(1) and "451" in first.last_error
        clock.advance(seconds=notifications.backoff(1).total_seconds() - 1)
        assert notifications.deliver_pending(engine, _settings(url)).attempted == 0  # not before its time
        clock.advance(seconds=1)
        assert notifications.deliver_pending(engine, _settings(url)).retrying == 1
        assert _rows(engine)[note].next_attempt_at == clock.now() + notifications.backoff(2)
        mailbox.replies.clear()
        clock.advance(hours=1)
        assert notifications.deliver_pending(engine, _settings(url)).sent == 1
    row = _rows(engine)[note]
    assert row.sent_at == clock.now() and row.attempts == 3 and mailbox.count() == 1


def test_temporary_failures_give_up_after_the_last_attempt(engine: Samverkan, clock: FixedClock) -> None:
    [note] = _notes(engine, 1)
    with smtp_server(replies={f"person0@{DOMAIN}": "452 4.2.2 Brevlådan är full"}) as (url, _):
        for _ in range(notifications.MAX_ATTEMPTS):
            notifications.deliver_pending(engine, _settings(url))
            clock.advance(days=1)
        assert notifications.deliver_pending(engine, _settings(url)).attempted == 0
    row = _rows(engine)[note]
    assert row.attempts == notifications.MAX_ATTEMPTS and row.failed_at is not None and row.sent_at is None


def test_a_server_that_does_not_answer_is_a_temporary_failure(engine: Samverkan, clock: FixedClock) -> None:
    ids = _notes(engine, 3)
    with smtp_server() as (url, _):
        pass  # the port is free again: nothing listens there
    result = notifications.deliver_pending(engine, _settings(url))
    assert (result.sent, result.retrying) == (0, 3)
    rows = _rows(engine)
    assert all(rows[i].attempts == 1 and rows[i].next_attempt_at > clock.now() for i in ids)
    assert all(rows[i].claimed_by is None for i in ids)


def test_a_message_id_is_stable_per_notification(engine: Samverkan) -> None:
    ids = _notes(engine, 2)
    with smtp_server() as (url, mailbox):
        notifications.deliver_pending(engine, _settings(url))
    first = mailbox.message_ids()
    assert len(set(first)) == 2 and all(m.endswith(f"@{DOMAIN}>") for m in first)
    with engine.write() as conn:  # as after a crash between the server's 250 and our commit
        conn.execute(schema.notifications.update().values(sent_at=None))
    with smtp_server() as (url, mailbox):
        notifications.deliver_pending(engine, _settings(url))
    assert mailbox.message_ids() == first
    assert first == [notifications.message_id(i, _rows(engine)[i].created_at, DOMAIN) for i in ids]


def test_a_note_without_any_address_is_recorded_as_failed(engine: Samverkan) -> None:
    with engine.write() as conn:
        conn.execute(text("SELECT 1"))
    [note] = _notes(engine, 1)
    with engine.write() as conn:
        conn.execute(schema.notifications.update().values(recipient=None, role="chef"))
    with smtp_server() as (url, mailbox):
        assert notifications.deliver_pending(engine, _settings(url)).failed == 1
    row = _rows(engine)[note]
    assert row.failed_at is not None and "mottagare" in row.last_error and mailbox.count() == 0


def _locks_held(engine: Samverkan, database_url: str) -> Any:
    """A check for the SMTP server to run mid-message: is any transaction of the engine open?"""
    if engine.db.dialect.name == "sqlite":
        import sqlite3

        path = engine.db.url.database

        def sqlite_free() -> None:
            probe = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")  # fails at once while anyone holds the write lock
                probe.execute("ROLLBACK")
            finally:
                probe.close()

        return sqlite_free
    schema_name = database_url.rsplit("%3D", 1)[1]

    def postgres_free() -> None:
        probe = create_engine(database_url.split("?", maxsplit=1)[0], isolation_level="AUTOCOMMIT")
        with probe.connect() as conn:
            held = conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :schema AND l.pid <> pg_backend_pid()"
                ),
                {"schema": schema_name},
            ).scalar_one()
        probe.dispose()
        assert held == 0, f"{held} locks held on {schema_name} while SMTP talks"

    return postgres_free


def test_no_transaction_is_open_while_smtp_talks(engine: Samverkan, database_url: str) -> None:
    _notes(engine, 5)
    with smtp_server(delay=0.05) as (url, mailbox):
        mailbox.on_message = _locks_held(engine, database_url)
        assert notifications.deliver_pending(engine, _settings(url)).sent == 5
    assert mailbox.errors == [] and mailbox.count() == 5


def test_a_write_on_sqlite_is_not_blocked_during_delivery(tmp_path: Path) -> None:
    """Five mails at 0.4 s each: a write made meanwhile waits milliseconds, not the whole sweep."""
    url = f"sqlite:///{tmp_path / 'outbox.sqlite3'}"
    from engine.db import create_schema

    worker = Samverkan.from_url(url, clock=FixedClock(datetime(2027, 3, 1, 9, tzinfo=UTC)))
    web = Samverkan.from_url(url, clock=FixedClock(datetime(2027, 3, 1, 9, tzinfo=UTC)))
    create_schema(worker.db)
    _notes(worker, 5)
    stalls: list[float] = []
    with smtp_server(delay=0.4) as (smtp_url, mailbox):
        sending = threading.Thread(target=notifications.deliver_pending, args=(worker, _settings(smtp_url)))
        sending.start()
        while mailbox.count() < 1 and sending.is_alive():
            time.sleep(0.01)
        for _ in range(10):
            began = time.perf_counter()
            with web.write() as conn:
                conn.execute(schema.users.update().where(schema.users.c.id == -1).values(email=None))
            stalls.append(time.perf_counter() - began)
            time.sleep(0.05)
        assert sending.is_alive(), "the sweep was meant to still be sending"
        sending.join()
    assert mailbox.count() == 5
    assert max(stalls) < 0.3, f"a write waited {max(stalls):.2f} s for the mail sweep"
    worker.db.dispose()
    web.db.dispose()


def _worker(database_url: str, cwd: Path, smtp_url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "SAMVERKAN_SMTP_URL": smtp_url, "SAMVERKAN_MAIL_DOMAIN": DOMAIN}
    log = tempfile.NamedTemporaryFile("w+", dir=cwd, suffix=".log", delete=False)  # noqa: SIM115
    return subprocess.Popen([SAMVERKAN, "worker", "--once", *args], env=env, cwd=cwd, stdout=log, stderr=log, text=True)


def test_a_worker_killed_during_delivery_sends_almost_nothing_twice(
    engine: Samverkan, database_url: str, tmp_path: Path
) -> None:
    _notes(engine, 200)
    with smtp_server(delay=0.01) as (url, mailbox):
        worker = _worker(database_url, tmp_path, url)
        deadline = time.monotonic() + 120  # a guard against hanging, not a speed claim
        while mailbox.count() < 60 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.005)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed_after = mailbox.count()
        assert 60 <= killed_after < 200, "the worker was meant to die in the middle of its sweep"
        later = (datetime.now(UTC) + notifications.CLAIM_TIMEOUT + timedelta(minutes=1)).isoformat()
        restarted = _worker(database_url, tmp_path, url, "--now", later)
        assert restarted.wait(timeout=300) == 0
        subjects = _subjects(mailbox)
    duplicates = sum(subjects.values()) - len(subjects)
    print(f"killed after {killed_after} mails; {duplicates} duplicates of 200")
    assert len(subjects) == 200
    assert duplicates <= 1  # at most the one in flight between the server's 250 and our commit
    assert all(r.sent_at is not None for r in _rows(engine).values())


@pytest.mark.parametrize("workers", [2])
def test_two_workers_never_send_the_same_mail(
    engine: Samverkan, database_url: str, tmp_path: Path, workers: int
) -> None:
    _notes(engine, 120)
    with smtp_server(delay=0.005) as (url, mailbox):
        running = [_worker(database_url, tmp_path, url) for _ in range(workers)]
        assert [w.wait(timeout=300) for w in running] == [0] * workers
        subjects = _subjects(mailbox)
    assert len(subjects) == 120 and set(subjects.values()) == {1}
