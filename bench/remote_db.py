"""A durable step on PostgreSQL as if the server were on another host: the pipeline on and off.

Here PostgreSQL runs on the same host, where a round trip costs about 0.1 ms, so sending a
step's writes in one round trip (psycopg pipeline mode, docs/write-path.md) saves little. In
production the database is often a few hundred microseconds away. This bench puts a TCP relay
in front of PostgreSQL that holds every chunk for ``--delay-ms`` in each direction (a round trip
then costs twice that more), then completes `bedomning` (as bench/step_cost.py does) with the
engine as it is and with the pipeline switched off (each statement waits for its answer), in
alternating rounds. Prints p50 per step and the round trips saved.

Usage: .venv/bin/python bench/remote_db.py [--delay-ms 0.1] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Connection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import percentiles, pg_schema  # noqa: E402
from step_cost import KP, STEP, _data, prepared  # noqa: E402

import engine.step  # noqa: E402
from engine import cases, db  # noqa: E402


class Relay:
    """A TCP relay on 127.0.0.1 that delays every chunk by ``delay`` seconds, in order, both ways."""

    def __init__(self, host: str, port: int, delay: float) -> None:
        self.target, self.delay = (host, port), delay
        self.loop = asyncio.new_event_loop()
        self.port = 0
        started = threading.Event()
        threading.Thread(target=self._serve, args=(started,), daemon=True).start()
        started.wait()

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        started.set()
        self.loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Chunks leave in arrival order, each ``delay`` after it came: latency, not a bandwidth cap.
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def send() -> None:
            while True:
                due, chunk = await queue.get()
                if not chunk:
                    break
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                writer.write(chunk)
                await writer.drain()
            writer.close()

        sender = asyncio.ensure_future(send())
        with contextlib.suppress(ConnectionError):
            while chunk := await reader.read(65536):
                queue.put_nowait((time.perf_counter() + self.delay, chunk))
        queue.put_nowait((0.0, b""))
        await sender


def _through(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


@contextlib.contextmanager
def _each_statement_alone(conn: Connection) -> Iterator[None]:
    yield


def round_trip_ms(url: str) -> float:
    """p50 of ``SELECT 1`` on an open connection: one round trip and the server's least work."""
    database = db.make_engine(url)
    with database.connect() as conn:
        times = []
        for _ in range(300):
            began = time.perf_counter()
            conn.exec_driver_sql("SELECT 1").scalar_one()
            times.append(time.perf_counter() - began)
    database.dispose()
    return percentiles(times)[0] * 1000


def run(url: str, pipeline: bool) -> list[float]:
    engine.step.pipelined = db.pipelined if pipeline else _each_statement_alone  # type: ignore[assignment]
    samverkan, task_ids = prepared(url)
    data = _data(STEP)
    times = []
    for task_id in task_ids:
        began = time.perf_counter()
        cases.complete_task(samverkan, KP, task_id, data)
        times.append(time.perf_counter() - began)
    samverkan.db.dispose()
    engine.step.pipelined = db.pipelined  # type: ignore[assignment]
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay-ms", type=float, default=0.1, help="added each way, per chunk")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"pipeline": [], "statement by statement": []}
    with pg_schema() as url:
        parts = urlsplit(url)
        relay = Relay(parts.hostname or "127.0.0.1", parts.port or 5432, args.delay_ms / 1000)
        through = _through(url, relay.port)
        rtt = round_trip_ms(through) - round_trip_ms(url)
        for _ in range(args.rounds):
            for name, p50s in results.items():
                p50, _ = percentiles(run(through, pipeline=name == "pipeline"))
                p50s.append(p50 * 1000)
    print(f"Complete `{STEP}` on PostgreSQL behind a relay adding {rtt:.2f} ms per round trip, measured")
    print(f"(asked: {2 * args.delay_ms:.2f} ms; the relay's event loop rounds its waits up). p50 ms per round:")
    for name, p50s in results.items():
        print(f"{name:<24}" + "".join(f"{p:>9.2f}" for p in p50s))
    saved = (min(results["statement by statement"]) - min(results["pipeline"])) / rtt
    print(f"round trips saved per step (from the best rounds): {saved:.1f}")
    summary: dict[str, Any] = {"added_rtt_ms": rtt, **{k: min(v) for k, v in results.items()}}
    print("RESULT " + json.dumps({"remote_db_step": summary}))


if __name__ == "__main__":
    main()
