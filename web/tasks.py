"""The task page: a task's form rendered from its JSON Schema, saved as draft or completed.

Views parse the posted form, call one engine use case (:mod:`engine.task_form`) and render.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import continuation, queries, task_form
from engine.errors import Conflict
from web import display, forms, navigation
from web.attachments import file_placeholders, store
from web.auth import engine, login_required, require_user

bp = Blueprint("tasks", __name__)


def _render(page: task_form.TaskPage, status: int = 200, focus: str | None = None) -> tuple[str, int]:
    schema = page.task["form"]
    errors = forms.error_map(page.errors)
    fields = forms.build_fields(schema, page.values, errors, page.areas)
    area_names = {a["id"]: a["name"] for a in page.areas}
    html = render_template(
        "task.html",
        task=page.task,
        case=page.case,
        schema=schema,
        fields=fields,
        summary=_summary(fields, errors),
        shown=display.shown_entries(engine().forms, page.shown, page.context, area_names),
        nearby=page.nearby,
        area=page.area,
        area_field=page.area_field,
        area_names=area_names,
        draft=page.draft,
        focus=focus,
        multipart=forms.has_file_fields(schema),
    )
    return html, status


def _summary(fields: list[forms.Field], errors: dict[str, str]) -> list[tuple[str, str, str]]:
    placed = [(f.anchor, f.summary_title, errors[f.path]) for f in forms.all_fields(fields) if f.path in errors]
    known = {f.path for f in forms.all_fields(fields)}
    return placed + [("", "", message) for path, message in errors.items() if path not in known]


@bp.get("/tasks/<task_id>")
@login_required()
def show(task_id: str) -> Response | tuple[str, int]:
    try:
        page = task_form.open_page(engine(), require_user(), task_id)
    except Conflict:
        flash("Uppgiften är redan slutförd.", "info")
        return redirect(url_for("cases.show", case_id=queries.get_task(engine(), task_id)["case_id"]))
    return _render(page)


@bp.post("/tasks/<task_id>")
@login_required()
def submit(task_id: str) -> Response | tuple[str, int]:
    user = require_user()
    schema = queries.get_task(engine(), task_id)["form"]
    action = request.form.get("action", "complete")
    files = file_placeholders(schema)
    values = forms.parse(schema, request.form, keep_empty=True, files=files)
    data = forms.parse(schema, request.form, files=files)
    done = task_form.submit(engine(), store(), user, task_id, action, values, data)
    if done.outcome == "completed":
        assert done.case is not None
        after = continuation.after_complete(engine(), user, done.element_id, done.case["id"])
        return navigation.go(after, navigation.completed_message(done.task_name, after))
    if done.outcome == "draft_saved":
        flash("Utkastet är sparat. Du kan fortsätta senare.", "info")
        return redirect(url_for("tasks.show", task_id=task_id))
    assert done.page is not None
    focus = forms.change_rows(done.page.values, action) if ":" in action and not done.errors else None
    return _render(done.page, 422 if done.errors else 200, focus)


@bp.get("/tasks/<task_id>/nearby")
@login_required()
def nearby(task_id: str) -> str:
    """The "other cases in the area" panel alone, for nearby.js when the area select changes."""
    page = task_form.open_page(engine(), require_user(), task_id, area=request.args.get("area", ""))
    return render_template(
        "_nearby.html", nearby=page.nearby, area=page.area, area_names={a["id"]: a["name"] for a in page.areas}
    )
