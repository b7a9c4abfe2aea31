"""Gallring: personal data of cases ended past SAMVERKAN_RETENTION_DAYS is gone everywhere, the rest stays."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import accounts, admin, attachments, queries, reports, retention, schema
from engine.context import SYSTEM
from engine.db import migrate
from tests.personal_case import ADA, BO, CISSI, all_text, figures, files_text, filled_case, samverkan
from tests.samverkansstod import Driver

FOUR_YEARS = timedelta(days=4 * 365 + 1)


@pytest.fixture
def store(tmp_path: Path) -> attachments.Store:
    return attachments.Store(tmp_path / "bilagor")


def _leftovers(drive: Driver, case_id: int) -> None:
    """What an ended case may still carry: a draft and a notification to a person (written as rows)."""
    with drive.engine.write() as conn:
        task_id = conn.execute(select(schema.tasks.c.id).where(schema.tasks.c.case_id == case_id)).scalars().first()
        conn.execute(
            schema.drafts.insert().values(
                task_id=task_id,
                username="kim",
                data={"anteckningar": f"Utkast om {ADA.name}"},
                saved_at=drive.clock.now(),
            )
        )
        conn.execute(
            schema.notifications.insert().values(
                recipient="ada.qvarnfjell",
                case_id=case_id,
                reason="reminder",
                message="Påminnelse",
                created_at=drive.clock.now(),
            )
        )


def test_a_case_ended_four_years_ago_loses_every_personal_value(drive: Driver, store: attachments.Store) -> None:
    old = filled_case(drive, store, "Ljus på gården", ADA, BO)
    _leftovers(drive, old)
    values = (*ADA.values, *BO.values, "ada.qvarnfjell")
    text = all_text(drive.engine)
    assert [value for value in values if value not in text] == []  # the scan sees them before
    assert ADA.name.encode() in files_text(store.directory)
    drive.clock.set(drive.clock.now() + FOUR_YEARS - timedelta(days=365))
    recent = filled_case(drive, store, "Bänkar på torget", CISSI, CISSI)  # ended three years before "now"
    drive.clock.set(drive.clock.now() + timedelta(days=365))
    before = figures(drive.case(old))
    statistics = (reports.per_month(drive.engine), reports.by_phase(drive.engine))
    history_before = queries.case_history(drive.engine, old)

    result = retention.gallra(drive.engine, store)

    assert [plan.case_id for plan in result.cases] == [old]
    text = all_text(drive.engine)
    assert [value for value in values if value in text] == []
    assert [value for value in CISSI.values if value not in text] == []  # the recent case keeps its data
    folder = files_text(store.directory)
    assert ADA.name.encode() not in folder and ADA.phone.encode() not in folder
    assert CISSI.name.encode() in folder
    assert figures(drive.case(old)) == before
    assert (reports.per_month(drive.engine), reports.by_phase(drive.engine)) == statistics
    assert retention.MARKER in str(drive.case(old)["data"]["aktorer"])

    history = queries.case_history(drive.engine, old)
    assert len(history) == len(history_before) + 1
    last = history[-1]
    assert (last["action"], last["actor"]) == ("gallrad", "system")
    assert last["details"]["setting"] == "SAMVERKAN_RETENTION_DAYS" and last["details"]["retention_days"] == 1095
    removed = last["details"]["removed"]
    assert removed["case_data"] >= 6 and removed["history"] >= 6 and removed["attachments"] == 1
    assert removed["drafts"] == 1 and removed["notifications"] == 1
    assert attachments.list_for_case(drive.engine, old) == []
    assert len(attachments.list_for_case(drive.engine, recent)) == 1

    # The log of register extracts keeps who searched and when, not for whom, once as old.
    with drive.engine.write() as conn:
        conn.execute(
            schema.register_searches.insert().values(
                at=drive.clock.now() - FOUR_YEARS, actor="agnes", terms=[ADA.name], found={"count": 1}
            )
        )
    searched = retention.gallra(drive.engine, store)
    assert (searched.cases, searched.searches) == ([], 1) and ADA.name not in all_text(drive.engine)

    # Idempotent: nothing more to do, nothing changes.
    snapshot = all_text(drive.engine)
    assert retention.gallra(drive.engine, store).cases == []
    assert all_text(drive.engine) == snapshot


def test_the_dry_run_lists_and_changes_nothing(drive: Driver, store: attachments.Store) -> None:
    old = filled_case(drive, store, "Ljus på gården", ADA, BO)
    drive.clock.set(drive.clock.now() + FOUR_YEARS)
    snapshot, folder = all_text(drive.engine), files_text(store.directory)

    result = retention.gallra(drive.engine, store, dry_run=True)

    assert [plan.case_id for plan in result.cases] == [old]
    assert result.cases[0].removed["attachments"] == 1 and result.cases[0].removed["case_data"] >= 6
    lines = list(result.lines())
    assert "provkörning" in lines[0] and f"ärende {old}" in lines[1]
    assert (all_text(drive.engine), files_text(store.directory)) == (snapshot, folder)


def test_the_command_gallrar_and_says_what_it_did(
    drive: Driver, store: attachments.Store, database_url: str, tmp_path: Path
) -> None:
    migrate(drive.engine.db)
    drive.clock.set(datetime(2021, 3, 1, 9, tzinfo=UTC))  # the command runs on the real clock, years later
    old = filled_case(drive, store, "Ljus på gården", ADA, BO)

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return samverkan(database_url, store.directory, "gallra", *args, **env)

    dry = run("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "1 skulle gallras (provkörning, inget ändrat)" in dry.stdout and f"ärende {old}" in dry.stdout
    assert ADA.name in all_text(drive.engine)
    done = run()
    assert done.returncode == 0, done.stderr
    assert "1 gallrade" in done.stdout and "1 i bilagor" in done.stdout
    assert ADA.name not in all_text(drive.engine)
    again = run()
    assert "0 gallrade" in again.stdout
    bad = run(SAMVERKAN_RETENTION_DAYS="0")
    assert bad.returncode == 1 and "SAMVERKAN_RETENTION_DAYS" in bad.stderr and len(bad.stderr.splitlines()) == 1


def test_the_worker_gallrar_in_its_daily_run(
    drive: Driver, store: attachments.Store, database_url: str, tmp_path: Path
) -> None:
    migrate(drive.engine.db)
    old = filled_case(drive, store, "Ljus på gården", ADA, BO)
    later = (drive.clock.now() + FOUR_YEARS).isoformat()
    run = samverkan(database_url, store.directory, "worker", "--once", "--now", later)
    assert run.returncode == 0, run.stderr
    assert "gallring: 1 ärenden" in run.stderr
    assert [h["action"] for h in queries.case_history(drive.engine, old)][-1] == "gallrad"
    assert ADA.name not in all_text(drive.engine)


def test_users_deactivated_before_the_cutoff_lose_name_and_email(drive: Driver, store: attachments.Store) -> None:
    accounts.add_user(
        drive.engine, "lotta.gammal", ["kontaktperson"], display_name="Lotta Gammalsdotter", email="lotta@exempel.se"
    )
    accounts.add_user(drive.engine, "mira.ny", ["kontaktperson"], display_name="Mira Nysson", email="mira@exempel.se")
    accounts.add_user(
        drive.engine, "kvar.aktiv", ["kontaktperson"], display_name="Kvar Aktivsson", email="kvar@exempel.se"
    )
    admin.update_user(drive.engine, SYSTEM, "lotta.gammal", {"email": "lotta.ny@exempel.se"})
    admin.update_user(drive.engine, SYSTEM, "lotta.gammal", {"active": False})
    drive.clock.set(drive.clock.now() + FOUR_YEARS)
    admin.update_user(drive.engine, SYSTEM, "mira.ny", {"active": False})  # deactivated today: kept
    before = all_text(drive.engine)

    dry = retention.gallra(drive.engine, store, dry_run=True)
    assert dry.users == 1 and all_text(drive.engine) == before
    result = retention.gallra(drive.engine, store)

    assert result.users == 1 and any("1 användare" in line for line in result.lines())
    text = all_text(drive.engine)
    assert "Lotta Gammalsdotter" not in text and "lotta@exempel.se" not in text and "lotta.ny@exempel.se" not in text
    assert "Mira Nysson" in text and "Kvar Aktivsson" in text and "kvar@exempel.se" in text
    assert "lotta.gammal" in text  # the username stays: the history says who handled a case
    assert retention.gallra(drive.engine, store).users == 0  # idempotent
