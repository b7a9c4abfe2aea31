"""The task page: a task's form rendered from its JSON Schema, saved as draft or completed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import cases, drafts, queries, reference
from engine.errors import Invalid
from web import forms
from web.attachments import collect
from web.auth import engine, login_required, require_user

bp = Blueprint("tasks", __name__)

SHOW_DATA_LABELS = {
    "aterkoppling": "Återkoppling",
    "begard_komplettering": "Begärd komplettering",
}


def _page(
    task: dict[str, Any],
    values: dict[str, Any],
    details: list[dict[str, Any]] | None = None,
    status: int = 200,
    focus: str | None = None,
) -> tuple[str, int]:
    """Render the task's form with ``values`` and the engine's error ``details``."""
    samverkan = engine()
    schema = task["form"]
    case = queries.get_case(samverkan, task["case_id"])
    errors = forms.error_map(details or [])
    fields = forms.build_fields(schema, values, errors, reference.list_areas(samverkan))
    shown = [
        (SHOW_DATA_LABELS.get(key, key.replace("_", " ").capitalize()), case["data"].get(key))
        for key in schema.get("x-show-data", [])
        if case["data"].get(key)
    ]
    area = values.get("omrade") if "omrade" in schema.get("properties", {}) else None
    draft = drafts.get_draft(samverkan, require_user(), task["id"])
    html = render_template(
        "task.html",
        task=task,
        case=case,
        schema=schema,
        fields=fields,
        summary=_summary(fields, errors),
        shown=shown,
        nearby=_other_cases(case["id"], area),
        area=area,
        area_names={a["id"]: a["name"] for a in reference.list_areas(samverkan)},
        draft=draft,
        focus=focus,
        multipart=forms.has_file_fields(schema),
    )
    return html, status


def _other_cases(case_id: int, area: Any) -> list[dict[str, Any]] | None:
    """Open cases in ``area`` other than this one; None when no area is chosen."""
    if not isinstance(area, str) or not area:
        return None
    return [c for c in queries.list_cases(engine(), area=area, status="active")["items"] if c["id"] != case_id]


def _summary(fields: list[forms.Field], errors: dict[str, str]) -> list[tuple[str, str, str]]:
    placed = [(f.anchor, f.summary_title, errors[f.path]) for f in forms.all_fields(fields) if f.path in errors]
    known = {f.path for f in forms.all_fields(fields)}
    return placed + [("", "", message) for path, message in errors.items() if path not in known]


def _task_for(task_id: str) -> dict[str, Any]:
    task = queries.get_task(engine(), task_id)
    if task["role"] not in require_user().roles:
        abort(403)
    return task


@bp.get("/tasks/<task_id>")
@login_required()
def show(task_id: str) -> Response | tuple[str, int]:
    task = _task_for(task_id)
    if task["state"] != "open":
        flash("Uppgiften är redan slutförd.", "info")
        return redirect(url_for("cases.show", case_id=task["case_id"]))
    draft = drafts.get_draft(engine(), require_user(), task_id)
    return _page(task, draft["data"] if draft else {})


@bp.post("/tasks/<task_id>")
@login_required()
def submit(task_id: str) -> Response | tuple[str, int]:
    task = _task_for(task_id)
    action = request.form.get("action", "complete")
    files, refused = collect(task)
    if refused:
        values = forms.parse(task["form"], request.form, keep_empty=True, files=files)
        return _page(task, values, refused, 422)
    if action in ("draft", "show_cases") or ":" in action:
        values = forms.parse(task["form"], request.form, keep_empty=True, files=files)
        if action == "draft":
            drafts.save_draft(engine(), require_user(), task_id, values)
            flash("Utkastet är sparat. Du kan fortsätta senare.", "info")
            return redirect(url_for("tasks.show", task_id=task_id))
        return _page(task, values, focus=forms.change_rows(values, action))
    data = forms.parse(task["form"], request.form, files=files)
    try:
        cases.complete_task(engine(), require_user(), task_id, data)
    except Invalid as err:
        kept = forms.parse(task["form"], request.form, keep_empty=True, files=files)
        return _page(task, kept, err.details or [{"field": "", "message": err.message}], 422)
    drafts.discard_drafts(engine(), task_id)
    flash(f"Klart! Uppgiften ”{task['name']}” är slutförd.", "info")
    return redirect(url_for("inbox.index"))


@bp.get("/tasks/<task_id>/nearby")
@login_required()
def nearby(task_id: str) -> str:
    """The "other cases in the area" panel alone, for nearby.js when the area select changes."""
    task = _task_for(task_id)
    area = request.args.get("omrade", "")
    return render_template(
        "_nearby.html",
        nearby=_other_cases(task["case_id"], area),
        area=area,
        area_names={a["id"]: a["name"] for a in reference.list_areas(engine())},
    )
