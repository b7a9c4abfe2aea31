"""One settings object from the environment; the instance folder every command agrees on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.context import Samverkan
from engine.settings import Settings, SettingsError, variables
from samverkan_data import FORMS_DIR

ROOT = Path(__file__).resolve().parent.parent
SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
# The one module that reads the environment; server.py only writes the metrics folder for gunicorn's workers.
READS_ENVIRONMENT = {"engine/settings.py"}


def test_defaults_live_in_the_instance_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    home = tmp_path / "instance"
    assert settings.home == home
    assert settings.database_url == f"sqlite:///{home}/samverkan.sqlite3"
    assert settings.sqlite_file == home / "samverkan.sqlite3"
    assert settings.attachments_dir == home / "attachments"
    assert (settings.token_days, settings.secure_cookies, settings.proxy_hops, settings.log_format) == (
        90,
        False,
        0,
        "text",
    )
    assert settings.secret_key is None and settings.smtp_url is None and settings.metrics_token is None
    assert settings.form_directories() == (FORMS_DIR,)


def test_the_environment_and_the_instance_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    environ = {
        "SAMVERKAN_HOME": "hem",
        "DATABASE_URL": "postgresql://samverkan:hemligt@db.example/samverkan",
        "SAMVERKAN_TOKEN_DAYS": "7",
        "SAMVERKAN_SECURE_COOKIES": "yes",
        "SAMVERKAN_LOG_FORMAT": "JSON",
        "SAMVERKAN_FORMS_DIR": "egna-formular",
        "SAMVERKAN_SMTP_URL": "   ",  # blank counts as unset
    }
    settings = Settings.from_env(environ)
    assert settings.home == tmp_path / "hem"
    assert settings.attachments_dir == tmp_path / "hem" / "attachments"
    assert settings.database_label == "postgresql://samverkan:***@db.example/samverkan"
    assert "hemligt" not in repr(settings)  # secrets are not in the repr (logs, tracebacks)
    assert settings.sqlite_file is None
    assert (settings.token_days, settings.secure_cookies, settings.log_format, settings.smtp_url) == (
        7,
        True,
        "json",
        None,
    )
    assert settings.form_directories() == (tmp_path / "egna-formular", FORMS_DIR)
    assert Settings.from_env(environ, instance="annan").home == tmp_path / "annan"  # --instance wins


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SAMVERKAN_TOKEN_DAYS", "0"),
        ("SAMVERKAN_TOKEN_DAYS", "nittio"),
        ("SAMVERKAN_SECURE_COOKIES", "kanske"),
        ("SAMVERKAN_PROXY_HOPS", "-1"),
        ("SAMVERKAN_LOG_FORMAT", "xml"),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_no_module_but_settings_reads_the_environment() -> None:
    readers = set()
    for folder in ("engine", "web", "samverkan_cli", "samverkan_data"):
        for path in (ROOT / folder).rglob("*.py"):
            code = path.read_text(encoding="utf-8")
            if re.search(r"getenv|environ\.get|environ\[[^]]+\](?!\s*=[^=])|\benviron\b(?!\[)", code):
                readers.add(str(path.relative_to(ROOT)))
    assert readers == READS_ENVIRONMENT


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([A-Z_]+)` \| ([^|]+) \|", readme, flags=re.MULTILINE))
    for name, default, _meaning in variables():
        assert name in rows, name
        if default is not None:
            assert default.replace("{home}", "SAMVERKAN_HOME") in rows[name], (name, rows[name])


def test_importing_the_command_line_leaves_prometheus_for_the_server_to_set_up() -> None:
    """``serve --workers`` names the metrics folder before prometheus_client is imported."""
    code = "import sys, samverkan_cli.main; assert 'prometheus_client' not in sys.modules, 'imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


def _run(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SAMVERKAN_") and k != "DATABASE_URL"}
    return subprocess.run(
        [SAMVERKAN, *args],
        cwd=cwd,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_command_without_an_instance_says_so_in_one_line(tmp_path: Path) -> None:
    add = ["user", "add", "a", "--role", "admin"]
    commands = (["token", "kim"], ["worker", "--once"], ["serve", "--workers", "2"], add)
    for command in commands:
        run = _run(tmp_path, *command)
        assert run.returncode == 1, run.stderr
        assert run.stderr == (
            f"samverkan: Det finns ingen instans i {tmp_path / 'instance'}: ange instansmappen med --instance DIR "
            "eller SAMVERKAN_HOME, eller kör `samverkan init`\n"
        )
    assert not (tmp_path / "instance").exists()  # nothing was created on the way


def test_a_setting_that_cannot_be_used_stops_a_command_in_one_line(tmp_path: Path) -> None:
    run = _run(tmp_path, "init", SAMVERKAN_TOKEN_DAYS="nittio")
    assert (run.returncode, run.stderr) == (
        1,
        "samverkan: SAMVERKAN_TOKEN_DAYS ska vara ett heltal som är minst 1, inte 'nittio'\n",
    )


def test_the_production_server_refuses_a_schema_that_is_not_this_versions(
    engine: Samverkan, database_url: str, tmp_path: Path
) -> None:
    """Made without migrations (as the test fixtures make theirs): `samverkan init` must run first."""
    run = _run(tmp_path, "serve", "--workers", "2", "--port", "1", DATABASE_URL=database_url)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.startswith(
        "samverkan: Databasens struktur är inte den här versionens: kör `samverkan init` (databas: "
    ) and len(run.stderr.splitlines()) == 1, run.stderr


def test_commands_run_anywhere_agree_on_the_instance(tmp_path: Path) -> None:
    home = tmp_path / "srv" / "samverkan"
    elsewhere = tmp_path / "någon-annanstans"
    elsewhere.mkdir()
    init = _run(tmp_path, "--instance", str(home), "init")
    assert init.returncode == 0, init.stderr
    assert f"Databas: sqlite:///{home}/samverkan.sqlite3 (instansmapp {home})" in init.stdout
    added = _run(elsewhere, "user", "add", "kim", "--role", "admin", SAMVERKAN_HOME=str(home))
    assert added.returncode == 0, added.stderr
    token = _run(elsewhere, "token", "kim", "--instance", str(home))
    assert token.returncode == 0 and re.fullmatch(r"[A-Za-z0-9_-]{43}\n", token.stdout), token.stderr
    assert {"attachments", "samverkan.sqlite3"} <= {p.name for p in home.iterdir()}
    assert not (elsewhere / "instance").exists() and not (tmp_path / "instance").exists()
