"""Time to make a follow-up report PDF (target ≤ 1 s), and each other document kind once.

A case is driven through the real model on a temporary SQLite database (decision, two approved
follow-ups, final report; tests/document_case.py), then ``web.documents.build`` is timed: the
case read (a handful of queries), the template, WeasyPrint's layout and the PDF/A file. The
first build in a process also imports WeasyPrint and loads fontconfig; it is shown apart.
Wall time suffers when the machine is shared; the CPU time this process spent is shown beside
it. Prints a table, the load average, and a line `RESULT {json}`.
Usage: python bench/document_render.py [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import reference  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import Samverkan  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402
from tests.document_case import finished_case  # noqa: E402
from tests.samverkansstod import Driver  # noqa: E402
from web import documents  # noqa: E402


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        clock = FixedClock(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
        engine = Samverkan(db=make_engine(f"sqlite:///{directory}/bench.sqlite3"), clock=clock)
        create_schema(engine.db)
        reference.load_example_areas(engine)
        case_id = finished_case(Driver(engine, clock))

        start = time.perf_counter()
        first = documents.build(engine, case_id, "uppfoljningsrapport-1")
        cold = _ms(start)
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            documents.build(engine, case_id, "uppfoljningsrapport-1")
            times.append(_ms(start))
            cpu.append((time.process_time() - start_cpu) * 1000)
        others = {}
        for name in ("ansokan", "beslutsunderlag", "uppfoljningsrapport-2", "slutrapport"):
            start = time.perf_counter()
            built = documents.build(engine, case_id, name)
            others[name] = (_ms(start), len(built.content))
        engine.db.dispose()

    p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[18]
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores (a shared machine)")
    print(f"{'document':<40}{'ms':>10}{'bytes':>10}")
    print(f"{'uppfoljningsrapport-1, first in process':<40}{cold:>10.0f}{len(first.content):>10}")
    print(f"{'uppfoljningsrapport-1, p50 of ' + str(args.runs):<40}{p50:>10.0f}")
    print(f"{'uppfoljningsrapport-1, p95 of ' + str(args.runs):<40}{p95:>10.0f}")
    print(f"{'uppfoljningsrapport-1, max':<40}{max(times):>10.0f}")
    print(f"{'uppfoljningsrapport-1, CPU p50':<40}{statistics.median(cpu):>10.0f}")
    for name, (ms, size) in others.items():
        print(f"{name:<40}{ms:>10.0f}{size:>10}")
    result = {"cold_ms": cold, "p50_ms": p50, "p95_ms": p95, "cpu_p50_ms": statistics.median(cpu), "load": load[0]}
    print("RESULT " + json.dumps({"documents": result}))


if __name__ == "__main__":
    main()
