"""Managers' counts move with the cases (engine level, SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from engine import reports
from engine.clock import FixedClock
from engine.context import Samverkan
from engine.forms import FormLibrary
from tests.samverkansstod import INITIERING, Driver


@pytest.fixture
def test_forms() -> FormLibrary:
    return FormLibrary()


@pytest.fixture
def drive(engine: Samverkan, clock: FixedClock) -> Driver:
    return Driver(engine, clock)


def test_counts_follow_cases_through_the_flow(drive: Driver, engine: Samverkan) -> None:
    first, second, third = (drive.start(title=f"Samverkan {i}") for i in range(3))
    assert reports.by_phase(engine)["Initiering"] == 3
    assert reports.by_element(engine)["registrera_initiativ"] == {"waiting": 3, "overdue": 0}

    drive.walk(first, *INITIERING, "registrera_ansokan")
    drive.complete(second, "registrera_initiativ", omrade="rosengard")
    drive.complete(third, "registrera_initiativ", omrade="rosengard")
    elements = reports.by_element(engine, "samverkansstod")
    assert elements["bedomning"]["waiting"] == 1
    assert elements["forsta_mote"]["waiting"] == 2
    assert "registrera_initiativ" not in elements
    phases = reports.by_phase(engine)
    assert list(phases) == [
        "Initiering",
        "Ansökan och bedömning",
        "Beslut",
        "Samarbete",
        "Genomförande och uppföljning",
        "Avslut",
    ]
    assert phases["Initiering"] == 2 and phases["Ansökan och bedömning"] == 1
    assert [c["id"] for c in reports.cases_at(engine, "bedomning")] == [first]

    drive.advance(40)  # past every deadline of the first month's tasks
    overdue = reports.by_element(engine)
    assert overdue["forsta_mote"]["overdue"] == 2 and overdue["bedomning"]["overdue"] >= 0
    assert sum(reports.overdue_by_role(engine).values()) >= 2
    assert reports.cases_at(engine, "forsta_mote", overdue=True)[0]["overdue"] is True

    areas = {g["area"]: g for g in reports.area_view(engine)}
    assert areas["rosengard"]["coordination"] is True and len(areas["rosengard"]["cases"]) == 2
    only_bedomning = reports.area_view(engine, phase="Ansökan och bedömning")
    assert [c["id"] for g in only_bedomning for c in g["cases"]] == [first]
    months = reports.per_month(engine)
    assert months == [{"month": "2027-03", "started": 3, "ended": 0}]
