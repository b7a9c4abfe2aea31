"""``samverkan serve --workers N``: the production server, gunicorn with N worker processes.

Run through gunicorn's Python API (a ``BaseApplication``), with the command's settings:

- The cookie key is settled in the master before the workers start (``SAMVERKAN_SECRET_KEY``,
  else the one kept in the instance folder, made on first start), so every worker signs with
  the same key. Several hosts need the same ``SAMVERKAN_SECRET_KEY``.
- Each worker builds its own engine (its own database pool) after the fork: nothing opened in
  the master is shared.
- Prometheus counters of all workers go to one fresh folder (``PROMETHEUS_MULTIPROC_DIR``, set
  here before anything imports prometheus_client, removed when the server stops); ``/metrics``
  adds them up.
- The schema must be current: after an upgrade, ``samverkan init`` migrates first.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.workers.base import Worker

from engine import logs
from engine.context import Samverkan
from engine.db import MIGRATIONS, make_engine
from engine.settings import Settings
from samverkan_cli.errors import INIT_HINT, CommandError
from web import secret_key

log = logging.getLogger("samverkan.server")

METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"


class Server(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
    def __init__(self, settings: Settings, options: dict[str, Any], metrics_dir: Path) -> None:
        self.settings, self.options, self.metrics_dir = settings, options, metrics_dir
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """In each worker, after the fork: its own engine and app."""
        from web import create_app

        engine = Samverkan.from_settings(self.settings)
        return create_app({"PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir)}, engine=engine)


def _child_exit(_arbiter: Arbiter, worker: Worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call] # its live gauges go; its counters stay counted


def check_schema(settings: Settings) -> None:
    """Refuse to serve a database whose schema is older (or newer) than this version's."""
    db = make_engine(settings.database_url)
    try:
        with db.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    finally:
        db.dispose()
    config = _script_config()
    newest = set(ScriptDirectory.from_config(config).get_heads())
    if current != newest:
        message = f"Databasens struktur är inte den här versionens: {INIT_HINT}"
        raise CommandError(f"{message} (databas: {settings.database_label})")


def _script_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def serve(settings: Settings, host: str, port: int, workers: int) -> int:
    logs.configure(settings)
    check_schema(settings)
    key = settings.secret_key or secret_key.load_or_create(settings.home / "secret_key")
    if not settings.secret_key and settings.sqlite_file is None:
        log.warning(
            "cookienyckeln finns i %s: sätt SAMVERKAN_SECRET_KEY (samma på alla servrar) om flera delar databasen",
            settings.home / "secret_key",
        )
    settings = dataclasses.replace(settings, secret_key=key)
    metrics_dir = Path(tempfile.mkdtemp(prefix="samverkan-metrics-"))
    os.environ[METRICS_ENV] = str(metrics_dir)  # read by prometheus_client when each worker imports it
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "proc_name": "samverkan",
        "logconfig_dict": logs.dict_config(settings),
        "accesslog": None,  # the app logs each request itself, with its request id
        "child_exit": _child_exit,
        # X-Forwarded-* are trusted by the app alone (SAMVERKAN_PROXY_HOPS), not by gunicorn too.
        "forwarded_allow_ips": "",
        "graceful_timeout": 30,
        "control_socket_disable": True,  # two servers on one host would share its default path
    }
    print(
        f"Samverkan: {workers} processer på http://{host}:{port}, databas {settings.database_label} "
        f"(instansmapp {settings.home})",
        flush=True,
    )
    try:
        Server(settings, options, metrics_dir).run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0
