"""How a long-running case grows: step time and stored state size at follow-up 1 vs 200.

A granted case with a monthly follow-up goes round the follow-up loop (timer, report,
review) 200 times on SQLite; then it and a new case at its first follow-up complete
`uppfoljningsrapport` alternately, and we compare step time and stored state size.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import cases, processes, queries, reference, schema  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import SYSTEM, Samverkan, User  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402
from samverkan_cli.sample import sample_data  # noqa: E402

PERIODS = int(os.environ.get("BENCH_PERIODS", "200"))
KP = User("kim", frozenset({"kontaktperson"}))
NS = User("nils", frozenset({"namndsekreterare"}))


def _complete(engine: Samverkan, case_id: int, element: str, **data: object) -> float:
    task = next(t for t in queries.get_case(engine, case_id)["open_tasks"] if t["element_id"] == element)
    payload = sample_data(element, engine.forms.schema(element), **data)
    user = NS if task["role"] == "namndsekreterare" else KP
    start = time.perf_counter()
    cases.complete_task(engine, user, task["id"], payload)
    return time.perf_counter() - start


def _state_size(engine: Samverkan, case_id: int) -> int:
    with engine.db.connect() as conn:
        state = conn.execute(select(schema.cases.c.state).where(schema.cases.c.id == case_id)).scalar_one()
    return len(json.dumps(state))


def _granted_case(engine: Samverkan, title: str) -> int:
    case_id = cases.start_case(engine, KP, "samverkansstod", title, "start_aktorsinitiativ")
    spine = ("registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan", "bedomning")
    for element in spine:
        _complete(engine, case_id, element)
    today = engine.clock.now().date()
    _complete(
        engine,
        case_id,
        "namndbeslut",
        period_start=today.isoformat(),
        period_slut=today.replace(year=today.year + (PERIODS + 30) // 12 + 1).isoformat(),
        uppfoljningsintervall="P1M",
    )
    _complete(engine, case_id, "samverkansoverenskommelse")
    _complete(engine, case_id, "dialog_med_boende")
    return case_id


def _period(engine: Samverkan, clock: FixedClock, case_id: int) -> tuple[float, int]:
    """One follow-up period: the timer fires, the report (timed) and its review."""
    with engine.db.connect() as conn:
        due = conn.execute(
            select(schema.timers.c.due_at).where(
                schema.timers.c.case_id == case_id, schema.timers.c.element_id == "vanta_uppfoljning"
            )
        ).scalar_one()
    clock.set(max(clock.now(), due + timedelta(minutes=1)))
    cases.fire_due_timers(engine, case_id)
    step = _complete(engine, case_id, "uppfoljningsrapport")
    _complete(engine, case_id, "granska_uppfoljning", godkand=True)
    return step, _state_size(engine, case_id)


def run(url: str, sample: int = 10) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """Drive an old case through PERIODS periods, then time it side by side with a young case."""
    clock = FixedClock(datetime(2027, 1, 10, tzinfo=UTC))
    engine = Samverkan(db=make_engine(url), clock=clock)
    create_schema(engine.db)
    reference.load_example_areas(engine)
    processes.deploy(engine, SYSTEM, (ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn").read_bytes())
    old = _granted_case(engine, "Lång samverkan")
    for _ in range(PERIODS - 1):
        _period(engine, clock, old)
    young = _granted_case(engine, "Ny samverkan")
    young_rows, old_rows = [], []
    # Interleaved, so the machine's noise falls on both alike.
    for _ in range(sample):
        young_rows.append(_period(engine, clock, young))
        old_rows.append(_period(engine, clock, old))
    engine.db.dispose()
    return young_rows, old_rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        young, old = run(f"sqlite:///{tmp}/growth.sqlite3")
    t1, tn = statistics.median(r[0] for r in young), statistics.median(r[0] for r in old)
    s1, sn = young[0][1], old[0][1]
    print(f"History growth: a case at follow-up {PERIODS} vs one at follow-up 1 (SQLite, interleaved)")
    print(f"{'':<24}{'period 1':>12}{f'period {PERIODS}':>14}{'ratio':>8}")
    print(f"{'step time p50 (ms)':<24}{t1 * 1000:>12.2f}{tn * 1000:>14.2f}{tn / t1:>8.2f}")
    print(f"{'stored state (kB)':<24}{s1 / 1024:>12.1f}{sn / 1024:>14.1f}{sn / s1:>8.2f}")
    print("RESULT " + json.dumps({"growth": {"periods": PERIODS, "time_ratio": tn / t1, "size_ratio": sn / s1}}))


if __name__ == "__main__":
    main()
