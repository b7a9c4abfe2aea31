"""Every failing ``samverkan`` command prints one line on stderr and exits 1: no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn"


def _run(database_url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("SAMVERKAN_DEBUG", None)
    return subprocess.run(
        [SAMVERKAN, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def _one_line(run: subprocess.CompletedProcess[str], status: int = 1) -> str:
    assert run.returncode == status, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("samverkan"), run.stderr
    return lines[0]


BAD_URLS = {
    "foo://x": "DATABASE_URL är ingen databasadress",
    "inte en adress": "DATABASE_URL är ingen databasadress",
    f"postgresql://postgres@127.0.0.1:5432/saknas_{uuid.uuid4().hex[:8]}": "finns inte på servern",
    "postgresql://postgres@127.0.0.1:1/test": "Databasservern svarar inte",
    "sqlite:////finns/inte/samverkan.sqlite3": "SQLite-filen i DATABASE_URL går inte att öppna",
}


@pytest.mark.parametrize("url", list(BAD_URLS))
def test_a_bad_database_url_is_one_line(tmp_path: Path, url: str) -> None:
    assert BAD_URLS[url] in _one_line(_run(url, tmp_path, "init"))


@pytest.mark.parametrize("command", [["token", "kim"], ["user", "add", "kim", "--role", "admin"]])
def test_every_command_says_so_in_one_line(tmp_path: Path, command: list[str]) -> None:
    assert "finns inte på servern" in _one_line(_run(list(BAD_URLS)[2], tmp_path, *command))
    assert "DATABASE_URL är ingen databasadress" in _one_line(_run("foo://x", tmp_path, *command))


def test_deploy_worker_and_backup_with_a_bad_database_url_are_one_line(tmp_path: Path) -> None:
    assert "DATABASE_URL" in _one_line(_run("foo://x", tmp_path, "deploy", str(MODEL)))
    assert "DATABASE_URL" in _one_line(_run("foo://x", tmp_path, "worker", "--once"))
    assert "DATABASE_URL" in _one_line(_run("foo://x", tmp_path, "backup", str(tmp_path / "k.tar.gz")))
    (tmp_path / "k.tar.gz").write_bytes(b"x")
    assert "DATABASE_URL" in _one_line(_run("foo://x", tmp_path, "restore", str(tmp_path / "k.tar.gz")))


def _create_empty(database_url: str, tmp_path: Path) -> None:
    """An empty SQLite file, as `createdb` makes an empty PostgreSQL database (a missing file is refused)."""
    if database_url.startswith("sqlite"):
        (tmp_path / "test.sqlite3").touch()


def test_an_unmigrated_database_says_run_init(database_url: str, tmp_path: Path) -> None:
    _create_empty(database_url, tmp_path)
    line = _one_line(_run(database_url, tmp_path, "token", "kim"))
    assert line.startswith("samverkan: Databasen saknar tabeller: kör `samverkan init` (databas: ")
    assert _one_line(_run(database_url, tmp_path, "worker", "--once")).startswith("samverkan: ")


def _bpmn_variant(tmp_path: Path, name: str, old: str, new: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(MODEL.read_text(encoding="utf-8").replace(old, new).encode(encoding))
    return str(path)


def test_bpmn_that_crashed_the_validator_is_reported(database_url: str, tmp_path: Path) -> None:
    _create_empty(database_url, tmp_path)
    no_id = _bpmn_variant(tmp_path, "utan_id.bpmn", '<bpmn:process id="samverkansstod"', "<bpmn:process")
    run = _run(database_url, tmp_path, "deploy", no_id)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "Processen saknar id" in run.stderr
    quoted = _bpmn_variant(tmp_path, "citat.bpmn", "f_boende_ja", "f_boende'ja")
    run = _run(database_url, tmp_path, "deploy", quoted)
    assert run.returncode == 1 and "Traceback" not in run.stderr and "f_boende'ja" in run.stderr
    utf16 = _bpmn_variant(tmp_path, "utf16.bpmn", 'encoding="UTF-8"', 'encoding="UTF-16"', "utf-16")
    run = _run(database_url, tmp_path, "deploy", utf16)
    assert (run.returncode, run.stdout.strip()) == (0, "samverkansstod 1"), run.stderr


def test_a_missing_file_and_a_usage_error_are_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ok.sqlite3'}"
    assert "finns inte" in _one_line(_run(url, tmp_path, "deploy", str(tmp_path / "saknas.bpmn")))
    assert "required" in _one_line(_run(url, tmp_path, "user", "add"), status=2)
