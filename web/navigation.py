"""A :class:`engine.continuation.Continuation` as a redirect and one Swedish message."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from engine.continuation import Continuation, Waiting
from engine.roles import ROLES
from web.filters import date_sv


def go(done: Continuation, message: str) -> Response:
    flash(message, "info")
    if done.task is not None:
        return redirect(url_for("tasks.show", task_id=done.task["id"]))
    return redirect(url_for("cases.show", case_id=done.case_id))


def completed_message(task_name: str, done: Continuation) -> str:
    """What the completion did and where the case now waits, in one message."""
    if done.repeated and done.task is not None:
        return (
            f"Uppgifterna i ”{task_name}” är sparade, men ärendet går inte vidare än: uppgiften är öppen igen. "
            "Läs återkopplingen överst i formuläret."
        )
    if done.task is not None:
        taken = " Du har tagit den, så ingen annan börjar på den under tiden." if done.claimed else ""
        return f"”{task_name}” är klar. Nästa steg i ärendet är ”{done.task['name']}”.{taken}"
    return f"”{task_name}” är klar. {where(done)}"


def claimed_message(done: Continuation) -> str:
    name = done.task["name"] if done.task else ""
    return f"Du har tagit uppgiften ”{name}” i ärendet ”{done.case_title}”."


def where(done: Continuation) -> str:
    """Where the case waits, as a sentence."""
    if done.ended is not None:
        return f"Ärendet är avslutat: {done.ended}."
    if not done.waiting:
        return "Ärendet väntar inte på någon uppgift just nu."
    return "Ärendet väntar nu på " + _join([_waiting(w) for w in done.waiting]) + "."


def _waiting(item: Waiting) -> str:
    if item.role is None:
        when = f" den {date_sv(item.due_at)}" if item.due_at else ""
        return f"”{item.name}”{when}"
    who = item.assignee or ROLES.get(item.role, item.role).lower()
    return f"”{item.name}” ({who})"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]
