"""A case can run for years: its live state stays bounded and it still ends right."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine import schema
from tests.samverkansstod import TO_DECISION, Driver

PERIODS = 130  # without pruning SpiffWorkflow's recursive tree walk fails before this


def _stored_tasks(drive: Driver, case_id: int) -> int:
    with drive.engine.db.connect() as conn:
        state = conn.execute(select(schema.cases.c.state).where(schema.cases.c.id == case_id)).scalar_one()
    return len(state["instance"]["tasks"])


def test_monthly_follow_ups_for_over_ten_years(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, *TO_DECISION)
    drive.complete(
        case_id, "namndbeslut", period_start="2027-04-01", period_slut="2038-02-01", uppfoljningsintervall="P1M"
    )
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    sizes = []
    for _ in range(PERIODS):
        with drive.engine.db.connect() as conn:
            due = conn.execute(
                select(schema.timers.c.due_at).where(
                    schema.timers.c.case_id == case_id, schema.timers.c.element_id == "vanta_uppfoljning"
                )
            ).scalar_one()
        drive.clock.set(due + timedelta(minutes=1))
        drive.fire_all()
        drive.walk(case_id, "uppfoljningsrapport", "granska_uppfoljning")
        sizes.append(_stored_tasks(drive, case_id))
    assert max(sizes[-10:]) <= max(sizes[5:15]) + 5, sizes
    case = drive.complete(case_id, "slutrapport_effektmatning")
    assert (case["status"], case["end_event"]) == ("completed", "slut_avslutat")
    assert case["data"]["antal_uppfoljningar"] == PERIODS
    history = drive.history(case_id)
    assert history.count(("completed", "uppfoljningsrapport")) == PERIODS
