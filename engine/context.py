"""The engine object: database, clock, SpiffWorkflow runtime and caches, built once per app."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, select

from engine import schema
from engine.clock import Clock, SystemClock
from engine.db import make_engine, writer
from engine.definitions import Definition, DefinitionReader
from engine.errors import NotFound
from engine.expiring import ExpiringCache
from engine.forms import FormLibrary
from engine.runtime import Runtime
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


@dataclass
class Samverkan:
    """Everything a use case needs; handed to the web app and the worker."""

    db: Engine
    clock: Clock = field(default_factory=SystemClock)
    forms: FormLibrary = field(default_factory=FormLibrary)

    def __post_init__(self) -> None:
        self.runtime = Runtime(self.clock)
        self._writer = writer(self.db)
        self.reader = DefinitionReader(self.forms)
        self._versions: dict[tuple[str, int], Definition] = {}
        self.workflows = WorkflowCache()
        # The area list may be seen this late; it saves a query per form check. (Token users are
        # not cached: a deleted token must stop working at once in every process.)
        self.reference_cache: ExpiringCache[str, frozenset[str]] = ExpiringCache(seconds=60.0)

    @classmethod
    def from_url(cls, url: str | None = None, **kwargs: Any) -> Samverkan:
        return cls(db=make_engine(url), **kwargs)

    def write(self) -> AbstractContextManager[Connection]:
        """One write transaction (a use case): committed on success, rolled back on error."""
        return self._writer.begin()

    def now(self) -> Any:
        return self.clock.now()

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
