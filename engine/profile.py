"""Process profiles: what the product knows of one process beyond its BPMN.

A profile names the vocabulary of one process (its phases, the field that places a case in an
area, the criteria assessment, the fields reports show, the paths every case must take). It is
a TOML file next to the process's BPMN (``samverkan_data/bpmn/<process_id>.toml``) and is handed to every
deployed version of that process through :class:`engine.definitions.Definition`, so generic
engine and web code never names a process's fields. A process without a profile gets
:meth:`ProcessProfile.empty`: no phase list to check, no area, no required passages.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samverkan_data import BPMN_DIR

BUNDLED_DIR = BPMN_DIR


@dataclass(frozen=True)
class Passage:
    """Every path from a start event to ``target`` passes ``before``; ``message`` says why."""

    before: str
    target: str
    message: str


@dataclass(frozen=True)
class Criteria:
    """The form whose fields hold the criteria assessment, those fields in order, and their parts."""

    form: str
    fields: tuple[str, ...]
    verdict: str
    motivation: str


@dataclass(frozen=True)
class FollowUp:
    """The repeated follow-up periods: the phase they run in and the task data fields that say
    which period a task is about (its number from 1, its first and its last day)."""

    phase: str
    number: str
    start: str
    end: str


@dataclass(frozen=True)
class Figures:
    """Where a case's figures are (see engine/figures.py): task ids and the fields they fill in."""

    application: str
    applied_sek: str
    early_involvement: str
    residents_reached: str
    decision: str
    decision_field: str
    granting: tuple[str, ...]
    decision_date: str
    granted_sek: str
    reference: str
    report: str
    report_number: str
    used_sek: str
    activities: str
    target_group: str
    participants: str
    review: str
    approved: str
    actors_form: str
    actors: str
    actor_kind: str

    @property
    def elements(self) -> tuple[str, ...]:
        return (self.application, self.early_involvement, self.decision, self.report, self.review)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Figures:
        values = {name: raw[name] for name in cls.__dataclass_fields__}
        values["granting"] = tuple(str(v) for v in raw["granting"])
        return cls(**values)


@dataclass(frozen=True)
class ProcessProfile:
    process_id: str
    phases: tuple[str, ...] = ()
    area_field: str | None = None
    criteria: Criteria | None = None
    required_passages: tuple[Passage, ...] = ()
    # Report column -> case data field: granted_sek, period_start, period_end.
    report_fields: dict[str, str] = field(default_factory=dict)
    follow_up: FollowUp | None = None
    figures: Figures | None = None

    @classmethod
    def empty(cls, process_id: str) -> ProcessProfile:
        return cls(process_id)

    @classmethod
    def from_toml(cls, text: str) -> ProcessProfile:
        raw: dict[str, Any] = tomllib.loads(text)
        criteria = raw.get("criteria")
        return cls(
            process_id=str(raw["process_id"]),
            phases=tuple(str(p) for p in raw.get("phases", ())),
            area_field=raw.get("area_field"),
            criteria=Criteria(
                str(criteria["form"]), tuple(criteria["fields"]), str(criteria["verdict"]), str(criteria["motivation"])
            )
            if criteria
            else None,
            required_passages=tuple(
                Passage(str(p["before"]), str(p["target"]), str(p["message"])) for p in raw.get("required_passages", ())
            ),
            report_fields={str(k): str(v) for k, v in raw.get("report_fields", {}).items()},
            follow_up=FollowUp(**{k: str(raw["follow_up"][k]) for k in ("phase", "number", "start", "end")})
            if "follow_up" in raw
            else None,
            figures=Figures.from_dict(raw["figures"]) if "figures" in raw else None,
        )

    def area_of(self, data: dict[str, Any]) -> str | None:
        """The area a case's data places it in, if the profile names such a field."""
        value = data.get(self.area_field) if self.area_field else None
        return value if isinstance(value, str) else None

    def report_field(self, column: str) -> str | None:
        return self.report_fields.get(column)


def load_profiles(directory: Path = BUNDLED_DIR) -> dict[str, ProcessProfile]:
    """Every ``*.toml`` profile in ``directory``, by process id."""
    profiles = {}
    for path in sorted(directory.glob("*.toml")):
        profile = ProcessProfile.from_toml(path.read_text(encoding="utf-8"))
        profiles[profile.process_id] = profile
    return profiles
