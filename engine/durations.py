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


def add_duration_times(start: str, duration: str, times: int) -> str:
    """``start`` plus ``times`` × ``duration``, multiplied before adding (31 Jan + 2 × P1M is 31 March)."""
    parts = parse_duration(duration)
    scaled = "P" + "".join(f"{parts[k] * times}{unit}" for k, unit in _DATE_UNITS if parts.get(k))
    time = "".join(f"{parts[k] * times}{unit}" for k, unit in _TIME_UNITS if parts.get(k))
    if time:
        scaled += "T" + time
    return add_duration(start, scaled if scaled != "P" else "P0D")


_DATE_UNITS = (("years", "Y"), ("months", "M"), ("weeks", "W"), ("days", "D"))
_TIME_UNITS = (("hours", "H"), ("minutes", "M"), ("seconds", "S"))


def months_in(duration: str) -> int | None:
    """Whole months of a duration of years and months only (``P1Y6M`` → 18); None for any other duration."""
    parts = parse_duration(duration)
    if set(parts) - {"years", "months"}:
        return None
    return parts.get("years", 0) * 12 + parts.get("months", 0)


def follow_up_dates(period_start: str, period_end: str, interval: str) -> list[str]:
    """The follow-up dates of a support period: ``period_start + k·interval`` for k = 1, 2, …
    while before ``period_end``, then ``period_end`` itself, so every period (the last partial one
    too) is reported once and the last report is never due before the period has ended.

    Dates are ``YYYY-MM-DD``; ``interval`` must be at least one month (``P1M``, ``P1Y6M``).
    """
    start, end = date.fromisoformat(str(period_start)[:10]), date.fromisoformat(str(period_end)[:10])
    if end <= start:
        raise ValueError(f"stödperiodens slut ({end}) måste vara efter dess start ({start})")
    months = months_in(interval)
    if months is None or months < 1:
        raise ValueError(f"uppföljningsintervallet måste vara minst en månad, inte {interval!r}")
    dates = []
    for k in range(1, 10_000):
        moment = date.fromisoformat(add_duration_times(start.isoformat(), interval, k))
        if moment >= end:
            break
        dates.append(moment.isoformat())
    dates.append(end.isoformat())
    return dates


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
