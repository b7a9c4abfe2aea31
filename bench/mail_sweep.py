"""The longest stall of a SQLite write while the worker mails 200 notifications.

A slow local SMTP server (``--delay`` seconds per message) receives the mail from
``notifications.deliver_pending`` in one thread; another thread, with its own connections,
writes one history row every 5 ms (the kind of write ``POST /cases`` makes) and times each.
If delivery held a transaction across the SMTP conversation, SQLite's single write lock
would stall those writes for the whole sweep. Usage:
.venv/bin/python bench/mail_sweep.py [--mails 200] [--delay 0.02]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import notifications, schema  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import Samverkan  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402
from tests.smtp_server import smtp_server  # noqa: E402

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _prepare(engine: Samverkan, mails: int) -> int:
    create_schema(engine.db)
    with engine.write() as conn:
        case_id = conn.execute(
            schema.cases.insert()
            .values(
                title="Torgfest på Möllan",
                process_id="samverkansstod",
                process_version=1,
                status="active",
                start_event="start_aktorsinitiativ",
                created_at=NOW,
                updated_at=NOW,
                created_by="kim",
                lock_version=0,
                state={},
                data={},
                active_elements=[],
            )
            .returning(schema.cases.c.id)
        ).scalar_one()
        conn.execute(
            schema.notifications.insert(),
            [
                {
                    "recipient": f"person{n}",
                    "case_id": case_id,
                    "task_element_id": "forsta_mote",
                    "reason": "reminder",
                    "message": f"Påminnelse {n}: Första möte väntar.",
                    "created_at": NOW,
                }
                for n in range(mails)
            ],
        )
    return int(case_id)


def run(mails: int, delay: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        worker = Samverkan(db=make_engine(url), clock=FixedClock(NOW))
        web = Samverkan(db=make_engine(url), clock=FixedClock(NOW))
        case_id = _prepare(worker, mails)
        stalls: list[float] = []
        done = threading.Event()

        def write_while_sending() -> None:
            while not done.is_set():
                began = time.perf_counter()
                with web.write() as conn:
                    conn.execute(
                        schema.history.insert().values(
                            case_id=case_id, at=NOW, actor="kim", action="claimed", element_id="x", details={}
                        )
                    )
                stalls.append(time.perf_counter() - began)
                time.sleep(0.005)

        with smtp_server(delay=delay) as (smtp_url, mailbox):
            writer = threading.Thread(target=write_while_sending)
            writer.start()
            time.sleep(0.05)
            began = time.perf_counter()
            notifications.deliver_pending(worker, notifications.MailSettings(smtp_url))
            sweep = time.perf_counter() - began
            done.set()
            writer.join()
            received = mailbox.count()
        worker.db.dispose()
        web.db.dispose()
    return {
        "mails": received,
        "sweep_s": sweep,
        "writes": len(stalls),
        "longest_stall_ms": max(stalls) * 1000,
        "median_write_ms": statistics.median(stalls) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.02, help="seconds the SMTP server takes per message")
    args = parser.parse_args()
    result = run(args.mails, args.delay)
    print(f"SQLite, {args.mails} notifications, SMTP server {args.delay * 1000:.0f} ms per message")
    print("| mails received | sweep | writes during it | longest write stall | median write |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {result['mails']:.0f} | {result['sweep_s']:.2f} s | {result['writes']:.0f} "
        f"| {result['longest_stall_ms']:.0f} ms | {result['median_write_ms']:.1f} ms |"
    )
    figures = {"longest SQLite write stall (ms)": result["longest_stall_ms"], "sweep (s)": result["sweep_s"]}
    print("RESULT " + json.dumps({"mail_sweep": figures}))


if __name__ == "__main__":
    main()
