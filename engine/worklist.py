"""The officials' inbox: open tasks for a user's roles with their case's title and area."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine import schema
from engine.context import Samverkan, User
from engine.queries import task_view

SORTS = ("due", "case", "task", "area", "created")


def inbox(engine: Samverkan, user: User, sort: str = "due") -> list[dict[str, Any]]:
    """Open tasks for ``user``'s roles (or assigned to them): theirs first, then by ``sort``.

    Each task carries ``case_title``, ``area_name``, ``mine`` and ``overdue``.
    """
    t, c, a = schema.tasks, schema.cases, schema.areas
    query = (
        select(
            t,
            c.c.title.label("case_title"),
            c.c.area.label("area_id"),
            c.c.handlaggare.label("handlaggare"),
            a.c.name.label("area_name"),
        )
        .join(c, c.c.id == t.c.case_id)
        .outerjoin(a, a.c.id == c.c.area)
        .where(t.c.state == "open", (t.c.role.in_(sorted(user.roles))) | (t.c.assignee == user.username))
    )
    now = engine.now()
    items = []
    for row in _rows(engine, query):
        view = task_view(row)
        view.update(
            case_title=row.case_title,
            area=row.area_id,
            area_name=row.area_name or row.area_id or "",
            mine=row.assignee == user.username,
            handlaggare=row.handlaggare,
            overdue=row.due_at is not None and row.due_at < now,
        )
        items.append(view)
    key = _SORT_KEYS.get(sort, _SORT_KEYS["due"])
    items.sort(key=lambda item: (not item["mine"], *key(item)))
    return items


def _rows(engine: Samverkan, query: Any) -> list[Any]:
    with engine.db.connect() as conn:
        return list(conn.execute(query).all())


def _due(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item["due_at"] is None, item["due_at"] or "", item["created_at"] or "")


def _by(field: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    return lambda item: (str(item[field] or "").casefold(), *_due(item))


_SORT_KEYS: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {
    "due": _due,
    "case": _by("case_title"),
    "task": _by("name"),
    "area": _by("area_name"),
    "created": _by("created_at"),
}


WHO = ("mine", "unclaimed")


@dataclass(frozen=True)
class InboxFilter:
    """The inbox's filters, as they live in the URL: area id, phase, overdue, ``mine``/``unclaimed``."""

    area: str = ""
    phase: str = ""
    overdue: bool = False
    who: str = ""

    def matches(self, item: dict[str, Any], skip: str = "") -> bool:
        """Whether ``item`` passes every filter but ``skip`` (counts show what choosing one would give)."""
        return (
            (skip == "area" or not self.area or item["area"] == self.area)
            and (skip == "phase" or not self.phase or item["phase"] == self.phase)
            and (skip == "overdue" or not self.overdue or item["overdue"])
            and (skip == "who" or not self.who or _who(item, self.who))
        )


def _who(item: dict[str, Any], who: str) -> bool:
    return bool(item["mine"]) if who == "mine" else item["assignee"] is None


@dataclass(frozen=True)
class FilteredInbox:
    items: list[dict[str, Any]]
    total: int
    counts: dict[str, Counter[str]]


def filtered_inbox(engine: Samverkan, user: User, chosen: InboxFilter, sort: str = "due") -> FilteredInbox:
    """The inbox narrowed by ``chosen``, with counts per filter value.

    Each count says how many tasks choosing that value would show, the other filters kept.
    """
    return narrow(inbox(engine, user, sort), chosen)


def narrow(everything: list[dict[str, Any]], chosen: InboxFilter) -> FilteredInbox:
    """``everything`` narrowed by ``chosen``, with the counts per filter value (see :func:`filtered_inbox`)."""
    counts: dict[str, Counter[str]] = {"area": Counter(), "phase": Counter(), "overdue": Counter(), "who": Counter()}
    for item in everything:
        if chosen.matches(item, skip="area"):
            counts["area"][item["area"] or ""] += 1
        if chosen.matches(item, skip="phase"):
            counts["phase"][item["phase"] or ""] += 1
        if chosen.matches(item, skip="overdue") and item["overdue"]:
            counts["overdue"]["true"] += 1
        if chosen.matches(item, skip="who"):
            counts["who"].update(w for w in WHO if _who(item, w))
            counts["who"][""] += 1
    items = [item for item in everything if chosen.matches(item)]
    return FilteredInbox(items, len(everything), counts)
