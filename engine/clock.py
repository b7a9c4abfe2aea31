"""One injectable clock for all engine time.

SpiffWorkflow's timer module calls ``datetime.now(timezone.utc)`` directly; ``install_timer_seam``
replaces that module's ``datetime`` with a subclass whose ``now()`` reads the clock active in the
current context, so tests and ``samverkan worker --now`` move time without sleeping.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The real time, always timezone-aware (UTC)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests and catch-up runs."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self._at = at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self._at = self._at + timedelta(**delta)


_active: ContextVar[Clock | None] = ContextVar("samverkan_clock", default=None)


@contextlib.contextmanager
def using(clock: Clock) -> Iterator[None]:
    """Make ``clock`` the one SpiffWorkflow's timers read inside this block."""
    token = _active.set(clock)
    try:
        yield
    finally:
        _active.reset(token)


def current_instant() -> datetime:
    """The instant of the clock active in this context (the running step's), else the real time."""
    clock = _active.get()
    return clock.now() if clock is not None else datetime.now(UTC)


class _ClockDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _ClockDatetime:
        return cls.fromtimestamp(current_instant().timestamp(), tz)


def install_timer_seam() -> None:
    """Point SpiffWorkflow's timer module at the active clock (idempotent)."""
    timer.datetime = _ClockDatetime


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant; it must carry an offset."""
    at = datetime.fromisoformat(text)
    if at.tzinfo is None:
        raise ValueError(f"tidpunkten saknar tidszon: {text}")
    return at
