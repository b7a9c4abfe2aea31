"""Demo data: one user per role and the twelve collaborations of the brief, each driven through
the engine to a different point of the flow. Everything is marked as demo."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from engine import accounts, cases, queries, schema
from engine.clock import FixedClock, SystemClock
from engine.context import Samverkan, User
from engine.durations import add_duration
from engine.errors import Conflict
from engine.roles import ROLES
from samverkan_cli.sample import sample_data

DEMO_PASSWORD = "demo"
SPINE = ("registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan")


@dataclass(frozen=True)
class Step:
    """Complete ``element`` (with overrides); or let ``days`` pass; or wait ``until`` a task opens."""

    element: str | None = None
    days: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    until: str | None = None


def until(element: str) -> Step:
    return Step(until=element)


def wait(days: int) -> Step:
    return Step(days=days)


def do(element: str, **data: Any) -> Step:
    return Step(element, data=data)


def _decision(start: date, months: int, interval: str = "P6M", **extra: Any) -> dict[str, Any]:
    return {
        "period_start": start.isoformat(),
        "period_slut": add_duration(start.isoformat(), f"P{months}M"),
        "uppfoljningsintervall": interval,
        "diarienummer": f"TN-{start.year}-{abs(hash(start)) % 9000 + 1000}",
        **extra,
    }


def _plans(today: date) -> list[tuple[str, str, str, int, list[Step]]]:
    """(title, area, start event, days ago it started, steps) for the twelve demo collaborations."""
    granted = [*map(do, SPINE), do("bedomning", rekommendation="tillstyrk")]
    collaboration = [do("samverkansoverenskommelse"), do("dialog_med_boende")]
    report = [until("uppfoljningsrapport"), do("uppfoljningsrapport"), do("granska_uppfoljning", godkand=True)]
    first_of = date(today.year - 1, today.month, 1)
    return [
        ("BID Sofielund", "sofielund", "start_aktorsinitiativ", 420,
         [*granted, wait(20), do("namndbeslut", **_decision(first_of - timedelta(days=60), 36)), *collaboration,
          *report, *report]),
        ("På Limhamn", "limhamn", "start_aktorsinitiativ", 90,
         [*granted, wait(30), do("namndbeslut", **_decision(today, 24))]),
        ("NGBG – Norra Grängesbergsgatan", "sofielund", "start_aktorsinitiativ", 30, [*map(do, SPINE)]),
        ("Amiralsstaden", "amiralsstaden", "start_stadsinitiativ", 45,
         [*map(do, SPINE), do("bedomning", rekommendation="komplettering"), do("begar_komplettering")]),
        ("Nydalatorget", "nydala", "start_aktorsinitiativ", 150,
         [*map(do, SPINE), do("bedomning", rekommendation="komplettering"), do("begar_komplettering"), wait(65)]),
        ("Västra Hamnen", "vastra_hamnen", "start_aktorsinitiativ", 120,
         [*map(do, SPINE), do("bedomning", rekommendation="avstyrk"), do("meddela_avslag")]),
        ("Sege Park", "sege_park", "start_stadsinitiativ", 40, granted),
        ("Malmö Citysamverkan", "innerstaden", "start_aktorsinitiativ", 260,
         [*granted, wait(20), do("namndbeslut", **_decision(first_of + timedelta(days=40), 24)), *collaboration,
          *report]),
        ("Sommargatorna", "mollevangen", "start_stadsinitiativ", 10,
         [do("registrera_initiativ"), do("forsta_mote"), do("tidig_boendeinvolvering", antal_boende=0)]),
        ("Östervärn/Kirseberg", "ostervarn", "start_stadsinitiativ", 20, [do("registrera_initiativ")]),
        ("Vi på Backarna", "backarna", "start_aktorsinitiativ", 330,
         [*granted, wait(15), do("namndbeslut", **_decision(first_of - timedelta(days=30), 24, "P6M")),
          *collaboration, wait(290)]),
        ("Rosengård samverkan och mobilisering", "rosengard", "start_aktorsinitiativ", 560,
         [*granted, wait(20), do("namndbeslut", **_decision(today - timedelta(days=520), 12, "P6M")),
          *collaboration, *report, *report, do("slutrapport_effektmatning")]),
    ]  # fmt: skip


def _users() -> dict[str, User]:
    return {role: User(role, frozenset({role}), ROLES[role]) for role in ROLES}


def _drive(engine: Samverkan, clock: FixedClock, case_id: int, steps: list[Step]) -> None:
    users = _users()
    for step in steps:
        if step.until is not None:
            _wait_until(engine, clock, case_id, step.until)
            continue
        if step.element is None:
            clock.set(clock.now() + timedelta(days=step.days))
            cases.fire_due_timers(engine, case_id)
            continue
        clock.set(clock.now() + timedelta(hours=26))
        cases.fire_due_timers(engine, case_id)
        case = queries.get_case(engine, case_id)
        task = next(t for t in case["open_tasks"] if t["element_id"] == step.element)
        data = sample_data(step.element, engine.forms.schema(step.element), **step.data)
        if step.element == "registrera_initiativ":
            data["omrade"] = case["data"].get("omrade", data.get("omrade"))
        cases.complete_task(engine, users[task["role"]], task["id"], data)


def _wait_until(engine: Samverkan, clock: FixedClock, case_id: int, element: str) -> None:
    """Move the demo clock from timer to timer until ``element`` is open."""
    for _ in range(20):
        if element in queries.get_case(engine, case_id)["active_elements"]:
            return
        with engine.db.connect() as conn:
            due = conn.execute(
                select(schema.timers.c.due_at)
                .where(schema.timers.c.case_id == case_id)
                .order_by(schema.timers.c.due_at)
                .limit(1)
            ).scalar_one_or_none()
        if due is None:
            break
        clock.set(max(clock.now(), due + timedelta(minutes=1)))
        cases.fire_due_timers(engine, case_id)
    raise RuntimeError(f"demoärende {case_id} kom aldrig till {element}")


def _progress(done: int, total: int, label: str) -> None:
    filled = int(30 * done / total)
    sys.stderr.write(f"\r[{'#' * filled}{'-' * (30 - filled)}] {done}/{total} {label[:40]:<40}")
    sys.stderr.flush()


def run_demo(engine: Samverkan) -> None:
    for role in ROLES:
        try:
            accounts.add_user(engine, role, [role], DEMO_PASSWORD, display_name=f"{ROLES[role]} (demo)", is_demo=True)
        except Conflict:
            pass
    with engine.db.connect() as conn:
        has_demo = conn.execute(select(schema.cases.c.id).where(schema.cases.c.is_demo.is_(True))).first()
    if has_demo is None:
        _create_demo_cases(engine)
    print("Demoanvändare (lösenord «demo»): " + ", ".join(ROLES))
    print("Logga in på http://127.0.0.1:5000/login")


def _create_demo_cases(engine: Samverkan) -> None:
    real_now = SystemClock().now()
    plans = _plans(real_now.date())
    clock = FixedClock(real_now)
    # The demo replays months of work: a clock of its own, then a last sweep at the real time.
    demo = Samverkan(db=engine.db, clock=clock, forms=engine.forms)
    kontaktperson = _users()["kontaktperson"]
    for done, (title, area, start, days_ago, steps) in enumerate(plans):
        _progress(done, len(plans), title)
        clock.set(real_now - timedelta(days=days_ago))
        case_id = cases.start_case(
            demo, kontaktperson, "samverkansstod", f"{title} (demo)", start, data={"omrade": area}, is_demo=True
        )
        _drive(demo, clock, case_id, steps)
        clock.set(real_now)
        cases.fire_due_timers(demo, case_id)
    _progress(len(plans), len(plans), "klart")
    sys.stderr.write("\n")
