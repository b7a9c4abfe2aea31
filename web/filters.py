"""Jinja filters that show dates and durations the Swedish way (Europe/Stockholm)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from engine.attachments import size_label
from engine.clock import STOCKHOLM

MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _parse(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.astimezone(STOCKHOLM) if moment.tzinfo else moment


def date_sv(value: str | datetime | None) -> str:
    moment = _parse(value)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}" if moment else ""


def datetime_sv(value: str | datetime | None) -> str:
    moment = _parse(value)
    return f"{date_sv(moment)} kl. {moment:%H:%M}" if moment else ""


def iso_date(value: str | datetime | None) -> str:
    moment = _parse(value)
    return moment.date().isoformat() if moment else ""


def days_between(start: str | datetime | None, end: datetime) -> int:
    moment = _parse(start)
    if moment is None:
        return 0
    return max(0, (end.astimezone(STOCKHOLM).date() - moment.date()).days)


def days_sv(days: int) -> str:
    if days == 0:
        return "i dag"
    return "1 dag" if days == 1 else f"{days} dagar"


def register(app: Flask) -> None:
    app.add_template_filter(date_sv, "date_sv")
    app.add_template_filter(datetime_sv, "datetime_sv")
    app.add_template_filter(iso_date, "iso_date")
    app.add_template_filter(days_sv, "days_sv")
    app.add_template_filter(size_label, "filesize_sv")
    app.add_template_global(days_between, "days_between")
