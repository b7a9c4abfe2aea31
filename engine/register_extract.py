"""Register extract (registerutdrag): everything held about a person, found by name or e-mail.

Every case (its data), task submission (the data a completed step carried), other history row,
draft, notification, attachment name and user account whose text contains one of the terms
(case-insensitive) is listed with where the value sits: the table, the row, and the field path
in the data (``aktorer[0].kontakt``) with the form field's Swedish title. The whole value is
shown: text that also names somebody else must be checked by the official before the extract is
handed out (the PDF says so). Each search is logged in ``register_searches`` in the same
transaction: who searched, when, for which terms and what was found (counts and case ids).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from engine import schema
from engine.context import Samverkan, User
from engine.errors import Invalid
from engine.forms import FormLibrary

MIN_TERM = 3
"""Shortest term searched for: shorter ones match nearly everything."""
MAX_TERMS = 10

KIND_LABELS = {
    "case": "Ärendeuppgifter",
    "submission": "Inskickat i en uppgift",
    "history": "Historik",
    "draft": "Utkast",
    "notification": "Notis",
    "attachment": "Bilaga",
    "user": "Användarkonto",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    where: str  # table and row, e.g. "history 42"
    path: str  # the field path inside the row, e.g. "data.aktorer[0].kontakt"
    field: str  # the Swedish title of the field, when a form names it
    value: str
    at: str | None = None
    element_id: str | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class CaseFindings:
    id: int
    title: str
    status: str
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Extract:
    terms: list[str]
    made_at: datetime
    made_by: str
    cases: list[CaseFindings] = field(default_factory=list)
    other: list[Finding] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(c.findings) for c in self.cases) + len(self.other)

    def as_json(self) -> dict[str, Any]:
        return {
            "terms": self.terms,
            "made_at": self.made_at.isoformat(),
            "made_by": self.made_by,
            "count": self.count,
            "cases": [
                {"id": c.id, "title": c.title, "status": c.status, "findings": [asdict(f) for f in c.findings]}
                for c in self.cases
            ],
            "other": [asdict(f) for f in self.other],
        }


def clean_terms(terms: list[str]) -> list[str]:
    """The terms to search for, or ``Invalid`` with a Swedish message (nothing is logged then)."""
    kept = list(dict.fromkeys(t.strip() for t in terms if t and t.strip()))
    if not kept:
        raise Invalid(
            "Ange ett namn eller en e-postadress.", details=[{"field": "terms", "message": "Fältet måste fyllas i."}]
        )
    if len(kept) > MAX_TERMS:
        message = f"Sök på högst {MAX_TERMS} namn eller adresser åt gången."
        raise Invalid(message, details=[{"field": "terms", "message": message}])
    short = [t for t in kept if len(t) < MIN_TERM]
    if short:
        message = f"Ange minst {MIN_TERM} tecken att söka på."
        raise Invalid(message, details=[{"field": "terms", "message": message}])
    if any(len(t) > 320 for t in kept):
        raise Invalid("Söktermen är för lång.", details=[{"field": "terms", "message": "Högst 320 tecken."}])
    return kept


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) of every text leaf of a JSON value, with list positions (``aktorer[0].namn``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def _title(forms: FormLibrary, path: str) -> str:
    """The form field's title for a data path like ``aktorer[0].kontakt`` (empty when no form names it)."""
    parts = [p.split("[")[0] for p in path.split(".")]
    if parts[0] == "data" and len(parts) > 1:
        parts = parts[1:]  # a history row's details carry the submitted data under "data"
    spec = forms.field_spec(parts[0])
    titles = []
    for part in parts[1:]:
        if spec is None:
            break
        titles.append(str(spec.get("title", "")))
        holder = spec.get("items", spec) if spec.get("type") == "array" else spec
        spec = holder.get("properties", {}).get(part)
    if spec is not None:
        titles.append(str(spec.get("title", "")))
    return " › ".join(t for t in titles if t)


class _Matcher:
    def __init__(self, terms: list[str], forms: FormLibrary) -> None:
        self.folded = [t.casefold() for t in terms]
        self.forms = forms

    def hits(self, text: str | None) -> bool:
        folded = (text or "").casefold()
        return any(term in folded for term in self.folded)

    def in_data(self, value: Any, prefix: str, **where: Any) -> list[Finding]:
        """A finding per text of ``value`` that contains a term; ``where``: kind, row, time, element."""
        return [
            Finding(path=f"{prefix}{path}", field=_title(self.forms, path) if path else "", value=text, **where)
            for path, text in _strings(value)
            if self.hits(text)
        ]


def search(engine: Samverkan, user: User, terms: list[str]) -> Extract:
    """Every place the terms occur, and one ``register_searches`` row saying this search was made."""
    cleaned = clean_terms(terms)
    now = engine.now()
    extract = Extract(cleaned, now, user.username)
    match = _Matcher(cleaned, engine.forms)
    with engine.write() as conn:
        by_case = _collect(conn, match, extract)
        extract.cases = [by_case[k] for k in sorted(by_case) if by_case[k].findings]
        found = {"count": extract.count, "cases": [c.id for c in extract.cases], "other": len(extract.other)}
        conn.execute(schema.register_searches.insert().values(at=now, actor=user.username, terms=cleaned, found=found))
    return extract


Found = Iterator[tuple[int | None, Finding]]
"""(case id, or None for what belongs to no case, and the finding)."""

c, h, t, d = schema.cases, schema.history, schema.tasks, schema.drafts
n, a, u = schema.notifications, schema.attachments, schema.users


def _collect(conn: Connection, match: _Matcher, extract: Extract) -> dict[int, CaseFindings]:
    by_case: dict[int, CaseFindings] = {}
    for source in (_in_cases, _in_history, _in_drafts, _in_notifications, _in_attachments, _in_users):
        for case_id, finding in source(conn, match):
            if case_id is None:
                extract.other.append(finding)
                continue
            if case_id not in by_case:
                row = conn.execute(select(c.c.title, c.c.status).where(c.c.id == case_id)).one()
                by_case[case_id] = CaseFindings(case_id, row.title, row.status)
            by_case[case_id].findings.append(finding)
    return by_case


def _in_cases(conn: Connection, match: _Matcher) -> Found:
    for row in conn.execute(select(c.c.id, c.c.title, c.c.data, c.c.updated_at).order_by(c.c.id)):
        where = f"cases {row.id}"
        if match.hits(row.title):
            yield row.id, Finding("case", where, "title", "Ärendets titel", row.title)
        for finding in match.in_data(row.data, "data.", kind="case", where=where, at=row.updated_at.isoformat()):
            yield row.id, finding


def _in_history(conn: Connection, match: _Matcher) -> Found:
    query = select(h.c.id, h.c.case_id, h.c.at, h.c.actor, h.c.action, h.c.element_id, h.c.details).order_by(h.c.id)
    for row in conn.execute(query):
        kind = "submission" if row.action in ("completed", "retried") else "history"
        where, at = f"history {row.id}", row.at.isoformat()
        for finding in match.in_data(row.details, "details.", kind=kind, where=where, at=at, element_id=row.element_id):
            yield row.case_id, finding
        if match.hits(row.actor):
            yield row.case_id, Finding("history", where, "actor", "Utförd av", row.actor, at, row.element_id)


def _in_drafts(conn: Connection, match: _Matcher) -> Found:
    query = select(d.c.task_id, d.c.username, d.c.data, d.c.saved_at, t.c.case_id, t.c.element_id).join(
        t, t.c.id == d.c.task_id
    )
    for row in conn.execute(query):
        where, at = f"drafts {row.task_id}/{row.username}", row.saved_at.isoformat()
        for finding in match.in_data(row.data, "data.", kind="draft", where=where, at=at, element_id=row.element_id):
            yield row.case_id, finding


def _in_notifications(conn: Connection, match: _Matcher) -> Found:
    for row in conn.execute(select(n).order_by(n.c.id)):
        for column, label in (("recipient", "Mottagare"), ("message", "Meddelande")):
            value = getattr(row, column)
            if match.hits(value):
                at = row.created_at.isoformat()
                yield row.case_id, Finding("notification", f"notifications {row.id}", column, label, value, at)


def _in_attachments(conn: Connection, match: _Matcher) -> Found:
    for row in conn.execute(select(a).order_by(a.c.uploaded_at, a.c.id)):
        if match.hits(row.filename):
            at = row.uploaded_at.isoformat()
            yield row.case_id, Finding("attachment", f"attachments {row.id}", "filename", "Filnamn", row.filename, at)


def _in_users(conn: Connection, match: _Matcher) -> Found:
    for row in conn.execute(select(u.c.id, u.c.username, u.c.display_name, u.c.email, u.c.created_at).order_by(u.c.id)):
        for column, label in (("username", "Användarnamn"), ("display_name", "Namn"), ("email", "E-post")):
            value = getattr(row, column)
            if match.hits(value):
                yield None, Finding("user", f"users {row.id}", column, label, value, row.created_at.isoformat())
