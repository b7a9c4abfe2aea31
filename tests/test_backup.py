"""``samverkan backup`` / ``samverkan restore``: cases, history and attachment bytes come back, on both databases."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from engine import attachments, queries
from engine.context import Samverkan
from engine.db import migrate
from tests.conftest import PG_ADMIN_URL
from tests.samverkansstod import INITIERING, USERS, Driver

SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def _run(database_url: str, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "SAMVERKAN_ATTACHMENTS_DIR": str(folder)}
    return subprocess.run(
        [SAMVERKAN, *args], env=env, cwd=folder.parent, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def empty_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind: where a backup is restored after a disaster."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def _state(engine: Samverkan) -> dict[str, Any]:
    listed = queries.list_cases(engine, limit=5000)
    return {
        "cases": [queries.get_case(engine, c["id"]) for c in listed["items"]],
        "history": {c["id"]: queries.case_history(engine, c["id"]) for c in listed["items"]},
        "attachments": {c["id"]: attachments.list_for_case(engine, c["id"]) for c in listed["items"]},
    }


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def filled(drive: Driver, tmp_path: Path) -> tuple[Driver, Path]:
    """Cases at different steps, with history and one attachment on disk."""
    migrate(drive.engine.db)  # as `samverkan init` leaves it: the schema revision recorded
    folder = tmp_path / "bilagor"
    folder.mkdir()
    store = attachments.Store(folder)
    walked = drive.start(title="Torgfest på Möllan")
    drive.walk(walked, *INITIERING)
    drive.start(title="Läxhjälp i Rosengård")
    task = drive.task(walked, "registrera_ansokan")
    attachments.save(drive.engine, store, USERS["kontaktperson"], task["id"], "ansökan.pdf", io.BytesIO(PDF))
    return drive, folder


def test_backup_and_restore_round_trip(
    filled: tuple[Driver, Path], database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    drive, folder = filled
    before, files_before = _state(drive.engine), _files(folder)
    archive = tmp_path / "kopia.tar.gz"
    made = _run(database_url, folder, "backup", str(archive))
    assert made.returncode == 0 and made.stderr == "", made.stderr
    assert "2 ärenden" in made.stdout and "1 bilagor" in made.stdout

    # Into an empty database and an empty folder, as after losing the machine.
    restored_folder = tmp_path / "återställda-bilagor"
    back = _run(empty_database_url, restored_folder, "restore", str(archive))
    assert back.returncode == 0 and back.stderr == "", back.stderr
    restored = Samverkan.from_url(empty_database_url, clock=drive.clock, forms=drive.engine.forms)
    assert _state(restored) == before
    assert _files(restored_folder) == files_before and PDF in files_before.values()

    # The restored system goes on: new cases get new ids, steps work.
    again = Driver(restored, drive.clock)
    new_id = again.start(title="Efter återställningen")
    assert new_id > max(c["id"] for c in before["cases"])
    again.complete(new_id, "registrera_initiativ")
    restored.db.dispose()


def test_restore_replaces_what_changed_since_the_backup(
    filled: tuple[Driver, Path], database_url: str, tmp_path: Path
) -> None:
    drive, folder = filled
    before, files_before = _state(drive.engine), _files(folder)
    archive = tmp_path / "kopia.tar.gz"
    assert _run(database_url, folder, "backup", str(archive)).returncode == 0

    later = drive.start(title="Startad efter kopian")
    drive.complete(later, "registrera_initiativ")
    for path in folder.iterdir():
        path.write_bytes(b"skadad")
    (folder / str(uuid.uuid4())).write_bytes(b"ny fil")

    drive.engine.db.dispose()
    back = _run(database_url, folder, "restore", str(archive))
    assert back.returncode == 0, back.stderr
    assert _state(drive.engine) == before
    assert _files(folder) == files_before


def test_a_damaged_or_foreign_archive_is_refused_in_one_line(
    filled: tuple[Driver, Path], database_url: str, tmp_path: Path
) -> None:
    drive, folder = filled
    before = _state(drive.engine)
    archive = tmp_path / "kopia.tar.gz"
    assert _run(database_url, folder, "backup", str(archive)).returncode == 0
    damaged = tmp_path / "skadad.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("attachments/"):
                data = data[:-1] + b"X"
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    (tmp_path / "inte.tar.gz").write_bytes(b"inte en kopia")
    for bad, expected in ((damaged, "stämmer inte"), (tmp_path / "inte.tar.gz", "ingen säkerhetskopia")):
        run = _run(database_url, folder, "restore", str(bad))
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
        assert len(run.stderr.strip().splitlines()) == 1 and expected in run.stderr
    assert _state(drive.engine) == before


def test_backup_of_a_database_without_tables_says_run_init(tmp_path: Path) -> None:
    (tmp_path / "tom.sqlite3").touch()
    run = _run(f"sqlite:///{tmp_path / 'tom.sqlite3'}", tmp_path / "bilagor", "backup", str(tmp_path / "k.tar.gz"))
    assert run.returncode == 1 and run.stderr.startswith("samverkan: Databasen saknar tabeller: kör `samverkan init`")
    assert len(run.stderr.splitlines()) == 1
    assert not (tmp_path / "k.tar.gz").exists()


def test_a_sqlite_backup_is_not_restored_into_postgresql(tmp_path: Path) -> None:
    from tests.conftest import PG_AVAILABLE

    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL svarar inte på 127.0.0.1:5432")
    sqlite = f"sqlite:///{tmp_path / 'källa.sqlite3'}"
    assert _run(sqlite, tmp_path / "bilagor", "init").returncode == 0
    assert _run(sqlite, tmp_path / "bilagor", "backup", str(tmp_path / "k.tar.gz")).returncode == 0
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        run = _run(
            f"{PG_ADMIN_URL}?options=-csearch_path%3D{name}", tmp_path / "b2", "restore", str(tmp_path / "k.tar.gz")
        )
        assert run.returncode == 1 and "samma slags databas" in run.stderr and "Traceback" not in run.stderr
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()
