"""Latency and throughput of `POST /api/v1/tasks/{id}/complete` under gunicorn on PostgreSQL.

Starts gunicorn (sync workers) on a fresh PostgreSQL schema, prepares cases waiting at
`registrera_initiativ`, then completes them over real HTTP from 1, 4 and 16 concurrent client
threads. Prints client-observed p50/p95 and completions per second. The clients run on the
same 2-core machine as the server, so they take some of its CPU: figures are conservative.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import create_pg_schema, drop_pg_schema, percentiles, schema_url  # noqa: E402
from engine import accounts, cases, queries  # noqa: E402
from engine.context import Samverkan, User  # noqa: E402
from samverkan_cli.main import init  # noqa: E402
from samverkan_cli.sample import sample_data  # noqa: E402

WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
LEVELS = {1: 200, 4: 400, 16: 800}  # concurrent clients: completions
KP = User("bench", frozenset({"kontaktperson"}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(url: str, count: int) -> tuple[str, list[str], dict[str, object]]:
    engine = Samverkan.from_url(url)
    init(engine)
    accounts.add_user(engine, "bench", ["kontaktperson"])
    token = accounts.new_token(engine, "bench")
    task_ids = []
    for i in range(count):
        case_id = cases.start_case(engine, KP, "samverkansstod", f"Bänk {i}", "start_aktorsinitiativ")
        task_ids.append(queries.get_case(engine, case_id)["open_tasks"][0]["id"])
    data = sample_data("registrera_initiativ", engine.forms.schema("registrera_initiativ"))
    engine.db.dispose()
    return token, task_ids, data


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


@contextmanager
def gunicorn(url: str, workers: int) -> Iterator[tuple[int, int]]:
    """gunicorn with ``workers`` sync workers on ``url`` (this checkout's code); yields its port and master's pid."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SAMVERKAN_SECRET_KEY": "bench"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "web:create_app()"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        _wait_for(port)
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _server_pids(master: int) -> list[int]:
    """The gunicorn master and its workers (children, from /proc)."""
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return pids


def server_cpu_seconds(master: int) -> float:
    """User + system CPU the server's processes have used so far (utime + stime in /proc/PID/stat)."""
    total = 0
    for pid in _server_pids(master):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def worker_rss_mb(master: int) -> float:
    """The largest resident set of one gunicorn worker, MB (VmRSS in /proc/PID/status)."""
    largest = 0
    for pid in _server_pids(master)[1:]:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                largest = max(largest, int(line.split()[1]))
    return largest / 1024


class Client:
    """One HTTP connection that completes tasks with the same data (a new connection after an error)."""

    def __init__(self, port: int, token: str, data: dict[str, object]) -> None:
        self.port = port
        self.body = json.dumps({"data": data}).encode()
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def complete(self, task_id: str) -> int:
        """The response's status, 0 when the connection failed."""
        try:
            self.conn.request("POST", f"/api/v1/tasks/{task_id}/complete", body=self.body, headers=self.headers)
            response = self.conn.getresponse()
            response.read()
            return response.status
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 0

    def close(self) -> None:
        self.conn.close()


def _run_level(port: int, token: str, task_ids: list[str], data: dict[str, object], clients: int) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    queue = list(task_ids)

    def client() -> None:
        http_client = Client(port, token, data)
        while True:
            with lock:
                if not queue:
                    break
                task_id = queue.pop()
            start = time.perf_counter()
            status = http_client.complete(task_id)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(status)
        http_client.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    p50, p95 = percentiles(latencies)
    return {
        "clients": clients,
        "n": len(latencies),
        "errors": len(errors),
        "p50_ms": p50 * 1000,
        "p95_ms": p95 * 1000,
        "per_s": len(latencies) / wall,
    }


def main() -> None:
    name = create_pg_schema()
    url = schema_url(name)
    try:
        token, task_ids, data = _prepare(url, sum(LEVELS.values()))
        with gunicorn(url, WORKERS) as (port, master):
            rows = []
            for clients, count in LEVELS.items():
                batch, task_ids = task_ids[:count], task_ids[count:]
                _run_level(port, token, batch[:20], data, clients)  # warm the workers' caches
                cpu = server_cpu_seconds(master)
                row = _run_level(port, token, batch[20:], data, clients)
                row["server_cpu_ms"] = (server_cpu_seconds(master) - cpu) / row["n"] * 1000
                rows.append(row)
            rss = worker_rss_mb(master)
    finally:
        drop_pg_schema(name)
    print(f"POST /api/v1/tasks/{{id}}/complete over HTTP, gunicorn {WORKERS} sync workers, PostgreSQL")
    print(f"{'clients':>8}{'n':>6}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'per s':>9}{'CPU ms':>9}")
    for row in rows:
        print(
            f"{row['clients']:>8}{row['n']:>6}{row['errors']:>8}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{row['per_s']:>9.0f}{row['server_cpu_ms']:>9.2f}"
        )
    print("(CPU ms: server CPU per completion, user + system of gunicorn's processes from /proc)")
    print(f"largest gunicorn worker after the run: {rss:.0f} MB resident")
    print("RESULT " + json.dumps({"http": rows, "http_worker_rss_mb": rss}))


if __name__ == "__main__":
    main()
