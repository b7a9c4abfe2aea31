"""The engine object: database, clock, SpiffWorkflow runtime and caches, built once per app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from engine import schema
from engine.clock import Clock, SystemClock
from engine.db import autocommit_twin, make_engine, writer
from engine.definitions import Definition, DefinitionReader
from engine.errors import NotFound
from engine.expiring import ExpiringCache
from engine.forms import FormLibrary
from engine.profile import ProcessProfile, load_profiles
from engine.runtime import Runtime
from engine.settings import Settings
from engine.workflow_cache import WorkflowCache


@dataclass(frozen=True)
class User:
    """Who acts; roles come from the user row, read once per request or token."""

    username: str
    roles: frozenset[str]
    display_name: str = ""

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


SYSTEM = User("system", frozenset({"admin"}), "Systemet")


_AFTER_COMMIT = "samverkan_after_commit"


@dataclass
class Samverkan:
    """Everything a use case needs; handed to the web app and the worker.

    ``clock`` is the one source of time: a use case reads :meth:`now` once and hands that
    instant to everything it runs. ``profiles`` say what the product knows of each process
    beyond its BPMN (see :mod:`engine.profile`); the first is the product's main process.
    """

    db: Engine
    clock: Clock = field(default_factory=SystemClock)
    forms: FormLibrary = field(default_factory=FormLibrary)
    profiles: dict[str, ProcessProfile] = field(default_factory=load_profiles)
    settings: Settings = field(default_factory=Settings.defaults)

    def __post_init__(self) -> None:
        self.runtime = Runtime()
        self._writer = writer(self.db)
        # One statement needs no transaction: on PostgreSQL that saves the BEGIN and the ROLLBACK
        # round trips of a plain connection. (SQLite begins its own transactions, see engine.db.)
        self._single = autocommit_twin(self.db) if self.db.dialect.name == "postgresql" else self.db
        self.reader = DefinitionReader(self.forms, self.profiles)
        self._versions: dict[tuple[str, int], Definition] = {}
        self.workflows = WorkflowCache()
        # The area list may be seen this late; it saves a query per form check. (Token users are
        # not cached: a deleted token must stop working at once in every process.)
        self.reference_cache: ExpiringCache[str, frozenset[str]] = ExpiringCache(seconds=60.0)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Samverkan:
        return cls(db=make_engine(url), **kwargs)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> Samverkan:
        """The engine of a command: its database, forms and every other setting from ``settings``."""
        forms = FormLibrary(*settings.form_directories())
        return cls(db=make_engine(settings.database_url), forms=forms, settings=settings, **kwargs)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction (a use case): committed on success, rolled back on error.

        Callbacks registered with :meth:`after_commit` run once the commit succeeded, never
        after a rollback (they keep in-process caches in step with what was committed).
        """
        pending: list[Callable[[], None]] = []
        with self._writer.connect() as conn:
            conn.info[_AFTER_COMMIT] = pending
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop(_AFTER_COMMIT, None)
        for callback in pending:
            callback()

    def single_read(self) -> Connection:
        """A connection for one read statement (who is logged in, on every request): no transaction around it."""
        return self._single.connect()

    @staticmethod
    @contextmanager
    def savepoint(conn: Connection) -> Iterator[Connection]:
        """A part of a write transaction that rolls back alone on error (then re-raises).

        Callbacks registered with :meth:`after_commit` inside it are dropped with it.
        """
        pending = conn.info[_AFTER_COMMIT]
        mark = len(pending)
        try:
            with conn.begin_nested():
                yield conn
        except BaseException:
            del pending[mark:]
            raise

    @staticmethod
    def after_commit(conn: Connection, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the write transaction of ``conn`` has committed."""
        conn.info[_AFTER_COMMIT].append(callback)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def main_process_id(self) -> str:
        """The process new cases start in and the overview shows (the first profile's)."""
        return next(iter(self.profiles), "")

    def profile(self, process_id: str) -> ProcessProfile:
        return self.reader.profile(process_id)

    def definition(self, conn: Connection, process_id: str, version: int) -> Definition:
        """The parsed spec of one process version, parsed once per process lifetime."""
        key = (process_id, version)
        cached = self._versions.get(key)
        if cached is None:
            xml = conn.execute(
                select(schema.process_versions.c.xml).where(
                    schema.process_versions.c.process_id == process_id,
                    schema.process_versions.c.version == version,
                )
            ).scalar_one_or_none()
            if xml is None:
                raise NotFound(f"Processen {process_id} version {version} finns inte.", code="not_found")
            cached = self.reader.load(xml.encode("utf-8"))
            self._versions[key] = cached
        return cached
