"""The vocabulary the demo collaborations are written in (samverkan_cli/demo_cases/).

A demo case is a list of steps, each on a day given relative to the day the demo is built
(``Ago``, ``MonthStart``, …) or on a calendar day some years back (``Cal``), so the demo always
lies in the past three years whatever day it is built. Form data may hold the same date
expressions and a few markers (``ON``, ``Diarie``, ``File``) that the replay fills in.
"""

from __future__ import annotations

import calendar
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from engine.durations import is_working_day


class DemoError(RuntimeError):
    """The demo content and the process disagree (steps out of order, a step finds no open task, …)."""


# --------------------------------------------------------------------------- dates


class When(ABC):
    """A day, given relative to ``today`` (the day the demo is built)."""

    @abstractmethod
    def on(self, today: date) -> date: ...

    def __add__(self, days: int) -> When:
        return Shifted(self, days)

    def __sub__(self, days: int) -> When:
        return Shifted(self, -days)


@dataclass(frozen=True)
class Ago(When):
    """``days`` days before today (negative: after)."""

    days: int

    def on(self, today: date) -> date:
        return today - timedelta(days=self.days)


@dataclass(frozen=True)
class Cal(When):
    """A calendar day ``years_back`` years before this year: for cases long closed."""

    years_back: int
    month: int
    day: int

    def on(self, today: date) -> date:
        return date(today.year - self.years_back, self.month, self.day)


def _month(today: date, months_back: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - months_back
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class MonthStart(When):
    """The first day of the month ``months_back`` months before this one (negative: ahead)."""

    months_back: int

    def on(self, today: date) -> date:
        year, month = _month(today, self.months_back)
        return date(year, month, 1)


@dataclass(frozen=True)
class MonthEnd(When):
    """The last day of the month ``months_back`` months before this one (negative: ahead)."""

    months_back: int

    def on(self, today: date) -> date:
        year, month = _month(today, self.months_back)
        return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Shifted(When):
    base: When
    days: int

    def on(self, today: date) -> date:
        return self.base.on(today) + timedelta(days=self.days)


@dataclass(frozen=True)
class OnOrAfter(When):
    """The first ``month``-``day`` on or after ``base``: a summer event in a period that starts any month."""

    base: When
    month: int
    day: int

    def on(self, today: date) -> date:
        start = self.base.on(today)
        found = date(start.year, self.month, self.day)
        return found if found >= start else date(start.year + 1, self.month, self.day)


@dataclass(frozen=True)
class Latest(When):
    """The latest of several days: keeps a recent step recent whatever the day of the month."""

    options: tuple[When, ...]

    def on(self, today: date) -> date:
        return max(option.on(today) for option in self.options)


def working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class Workday(When):
    """``base``, or the last Swedish working day before it: a nämnd meets on working days."""

    base: When

    def on(self, today: date) -> date:
        return working_day_on_or_before(self.base.on(today))


# --------------------------------------------------------------------------- markers in form data


class _StepDay:
    def __repr__(self) -> str:
        return "ON"


ON = _StepDay()
"""In form data: the day of the step itself."""


@dataclass(frozen=True)
class Diarie:
    """A deterministic diarienummer: ``TN-<year of the meeting>-<serial>``."""

    serial: int
    meeting: When

    def on(self, today: date) -> str:
        return f"TN-{self.meeting.on(today).year}-{self.serial}"


@dataclass(frozen=True)
class File:
    """An attachment uploaded to the task before it is completed: ``{beskrivning, fil}`` in the list."""

    description: str
    filename: str
    text: str


def resolve(value: Any, today: date, step_day: date, upload: Callable[[File], dict[str, Any]]) -> Any:
    """``value`` with every date expression and marker replaced by what the form takes."""
    if isinstance(value, Mapping):
        return {key: resolve(item, today, step_day, upload) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [resolve(item, today, step_day, upload) for item in value]
    return _marker(value, today, step_day, upload)


def _marker(value: Any, today: date, step_day: date, upload: Callable[[File], dict[str, Any]]) -> Any:
    if isinstance(value, When):
        return value.on(today).isoformat()
    if value is ON:
        return step_day.isoformat()
    if isinstance(value, Diarie):
        return value.on(today)
    if isinstance(value, File):
        return {"beskrivning": value.description, "fil": upload(value)}
    return value


# --------------------------------------------------------------------------- steps and cases


@dataclass(frozen=True)
class Do:
    """Complete the open task ``element`` on day ``at`` with ``data``."""

    element: str
    at: When
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    """Take the open task ``element`` (someone is working on it)."""

    element: str
    at: When


@dataclass(frozen=True)
class Draft:
    """Save a draft of the open task ``element``: work begun, not finished."""

    element: str
    at: When
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Publish:
    """The kontaktperson shows the granted collaboration on the public page, with these organisations."""

    at: When
    organisations: tuple[str, ...]


Step = Do | Claim | Draft | Publish


@dataclass(frozen=True)
class DemoCase:
    """One demo collaboration: where it starts, what happens to it, and where it should stand.

    ``expected`` is where the case stands once the demo has reached today: the end event it
    reached, or the BPMN ids it waits in (open tasks and waiting timers). The replay checks it.
    """

    title: str
    area: str
    start_event: str
    started: When
    steps: tuple[Step, ...]
    expected: frozenset[str]

    def days(self, today: date) -> list[date]:
        """The day of the start and of every step, in the order they happen.

        Officials work on working days: a step that would fall on a weekend or a public holiday
        is done on the working day before.
        """
        whens = [self.started, *(step.at for step in self.steps)]
        return [working_day_on_or_before(when.on(today)) for when in whens]


def check_order(case: DemoCase, today: date) -> None:
    """Every step on or after the one before it and before today; DemoError naming the case if not."""
    days = case.days(today)
    for before, after in zip(days, days[1:], strict=False):
        if after < before:
            raise DemoError(f"{case.title}: ett steg {after} ligger före steget innan ({before})")
    if days[-1] >= today:
        raise DemoError(f"{case.title}: steget {days[-1]} ligger inte före i dag ({today})")
