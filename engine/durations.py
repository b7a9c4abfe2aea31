"""ISO 8601 durations on dates, and Swedish working days."""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, datetime, timedelta

import holidays

from engine.clock import STOCKHOLM

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


def parse_duration(text: str) -> dict[str, int]:
    """Parse an ISO 8601 duration like ``P1Y6M`` or ``P14D`` into its parts."""
    match = _DURATION.match(str(text).strip().upper())
    if not match:
        raise ValueError(f"ogiltig varaktighet: {text!r} (t.ex. P12M, P14D)")
    return {k: int(v) for k, v in match.groupdict().items() if v}


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def add_duration(start: str, duration: str) -> str:
    """``start`` (a date or ISO datetime) plus ``duration``; a date gives a date."""
    parts = parse_duration(duration)
    text = str(start)
    months = parts.get("years", 0) * 12 + parts.get("months", 0)
    delta = timedelta(
        weeks=parts.get("weeks", 0),
        days=parts.get("days", 0),
        hours=parts.get("hours", 0),
        minutes=parts.get("minutes", 0),
        seconds=parts.get("seconds", 0),
    )
    if len(text) == 10:
        day = _add_months(date.fromisoformat(text), months) + delta
        return day.isoformat()
    moment = datetime.fromisoformat(text)
    moment = datetime.combine(_add_months(moment.date(), months), moment.timetz()) + delta
    return moment.isoformat()


@functools.lru_cache(maxsize=64)
def _swedish_closed_days(year: int) -> frozenset[date]:
    # "de_facto" adds midsommarafton, julafton and nyårsafton, when Swedish offices are closed.
    days = holidays.country_holidays("SE", years=year, language="sv", categories=("public", "de_facto"))
    return frozenset(days.keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _swedish_closed_days(day.year)


def next_working_moment(moment: datetime) -> datetime:
    """Move ``moment`` to the same local time on the next Swedish working day if needed."""
    local = moment.astimezone(STOCKHOLM)
    day = local.date()
    if is_working_day(day):
        return moment
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, local.time(), STOCKHOLM).astimezone(moment.tzinfo)
