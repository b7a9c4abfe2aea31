"""The task page as use cases: what the page shows, and what one press of its buttons does.

The web layer parses the posted form into values (files as :class:`Upload` or :class:`Kept`
placeholders) and calls :func:`submit`, which does the whole press in one transaction: the new
attachment rows, and then completing the task or saving the draft. Files are written to the
store before that transaction and removed again if it fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Connection

from engine import attachments, cases, drafts, queries, reference
from engine.attachments import Store, StoredFile
from engine.context import Samverkan, User
from engine.errors import Invalid
from engine.form_checks import form_errors
from engine.step import Step
from engine.task_access import open_task_for
from engine.task_context import prefill


@dataclass(frozen=True)
class Kept:
    """A file stored by an earlier press of the same form, named by its attachment id (never trusted)."""

    attachment_id: str


@dataclass(frozen=True)
class Upload:
    """A file chosen in a file field of the form, not yet stored; ``fallback`` is the field's earlier file."""

    filename: str
    stream: IO[bytes]
    fallback: Kept | None = None


@dataclass
class TaskPage:
    """Everything the task page shows."""

    task: dict[str, Any]
    case: dict[str, Any]
    values: dict[str, Any]
    draft: dict[str, Any] | None
    areas: list[dict[str, Any]]
    area_field: str | None
    area: str | None
    nearby: list[dict[str, Any]] | None
    # (field, title, value) of the case data the form shows above it, from the task's own data.
    shown: list[tuple[str, str, Any]]
    # The task's own data (see engine.task_context): what the shown values are compared with.
    context: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Submitted:
    """What a press did: ``completed`` (with the case after it), ``draft_saved``, or ``form``.

    For ``form`` (show the form again), ``page`` is the page with the values and the errors.
    """

    outcome: str
    task_name: str
    errors: list[dict[str, Any]]
    case: dict[str, Any] | None = None
    page: TaskPage | None = None
    element_id: str = ""


def open_page(
    engine: Samverkan, user: User, task_id: str, values: dict[str, Any] | None = None, area: str | None = None
) -> TaskPage:
    """The page of an open task the user may work on, with ``values`` (else their draft) in the form.

    ``area`` overrides the area chosen in the form (the "other cases in the area" panel alone).
    """
    task = queries.get_task(engine, task_id)
    with engine.db.connect() as conn:
        open_task_for(conn, user, task_id)
    case = queries.get_case(engine, task["case_id"])
    draft = drafts.get_draft(engine, user, task_id)
    form = task["form"]
    own = {**case["data"], **task["context"]}  # the task's own data wins over the merged case data
    if values is None:
        values = draft["data"] if draft else prefill(form, task["context"])
    area_field = next(
        (name for name, spec in form.get("properties", {}).items() if spec.get("x-reference") == "areas"), None
    )
    chosen = area if area is not None else values.get(area_field) if area_field else None
    return TaskPage(
        task=task,
        case=case,
        values=values,
        draft=draft,
        areas=reference.list_areas(engine),
        area_field=area_field,
        area=chosen if isinstance(chosen, str) else None,
        nearby=_other_cases(engine, case["id"], chosen),
        shown=_shown(engine, form, own),
        context=own,
    )


def _other_cases(engine: Samverkan, case_id: int, area: Any) -> list[dict[str, Any]] | None:
    """Active cases in ``area`` other than this one; None when no area is chosen."""
    if not isinstance(area, str) or not area:
        return None
    return [c for c in queries.list_cases(engine, area=area, status="active")["items"] if c["id"] != case_id]


def _shown(engine: Samverkan, form: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The data the form asks to show above it (``x-show-data``), labelled by the forms' titles."""
    titles = {**engine.forms.field_titles(), **form.get("x-data-titles", {})}
    shown = form.get("x-show-data", [])
    return [(key, str(titles.get(key, key)), data[key]) for key in shown if data.get(key) not in (None, "", [])]


def submit(
    engine: Samverkan,
    store: Store,
    user: User,
    task_id: str,
    action: str,
    values: dict[str, Any],
    data: dict[str, Any],
) -> Submitted:
    """One press of the task form's buttons.

    ``action`` is ``complete``, ``draft``, or anything else for a press that only shows the form
    again (add or remove a row, show cases nearby). ``values`` is the form as typed (for showing
    again and for drafts), ``data`` the form as submitted for completion; files in either are
    :class:`Upload` or :class:`Kept`. A refused upload or invalid data shows the form again with
    the errors (stored uploads kept); nothing else changes.
    """
    now = engine.now()
    with engine.db.connect() as conn:
        task = open_task_for(conn, user, task_id)
    stored: dict[int, StoredFile] = {}
    refused: list[dict[str, Any]] = []

    def store_upload(path: str, upload: Upload) -> Any:
        if id(upload) not in stored:
            try:
                stored[id(upload)] = attachments.store_file(store, upload.filename, upload.stream)
            except Invalid as err:
                refused.append({"field": path, "message": err.message})
                return upload.fallback
        return stored[id(upload)].form_value()

    try:
        values = _with_files(values, store_upload, "")
        data = _with_files(data, store_upload, "")
        with engine.write() as conn:
            attachments.insert_rows(conn, now, task.case_id, task_id, user, list(stored.values()))
            kept = attachments.form_values(conn, task.case_id, _kept_ids(values) | _kept_ids(data))
            values, data = _resolve_kept(values, kept), _resolve_kept(data, kept)
            if refused or action not in ("draft", "complete"):
                problems = refused
            elif action == "draft":
                drafts.write_draft(conn, now, user, task_id, values)
                return Submitted("draft_saved", task.name, [])
            else:
                problems, case = _complete(engine, conn, now, user, task_id, data)
                if case is not None:
                    return Submitted("completed", task.name, [], case, element_id=task.element_id)
    except BaseException:
        for file in stored.values():
            store.path(file.id).unlink(missing_ok=True)
        raise
    page = open_page(engine, user, task_id, values)
    page.errors = problems
    return Submitted("form", task.name, problems, page=page)


def _complete(
    engine: Samverkan, conn: Connection, now: datetime, user: User, task_id: str, data: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Complete the task in the press's transaction: ``(problems, None)`` or ``([], the case after it)``.

    Invalid data changes nothing, so the transaction then commits only the new attachments.
    """
    task, step = Step.for_task(engine, conn, task_id, now)
    cases.check_may_complete(task, user)
    problems = form_errors(engine, conn, step.definition.form_of(task.element_id), data, task.case_id)
    if problems:
        return problems, None
    step.complete(task_id, data, user.username)
    saved = step.save(user.username)
    return [], cases.case_after(conn, task, step.case_id, saved)


def _with_files(value: Any, store_upload: Callable[[str, Upload], Any], path: str) -> Any:
    """``value`` with every :class:`Upload` stored and replaced by its form value (refused ones dropped)."""
    if isinstance(value, Upload):
        return store_upload(path, value)
    if isinstance(value, dict):
        replaced = {k: _with_files(v, store_upload, f"{path}.{k}" if path else k) for k, v in value.items()}
        return {k: v for k, v in replaced.items() if v is not None or not isinstance(value[k], Upload)}
    if isinstance(value, list):
        return [_with_files(v, store_upload, f"{path}.{i}") for i, v in enumerate(value)]
    return value


def _kept(value: Any) -> Iterator[Kept]:
    if isinstance(value, Kept):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from _kept(child)
    elif isinstance(value, list):
        for child in value:
            yield from _kept(child)


def _kept_ids(value: Any) -> set[str]:
    return {k.attachment_id for k in _kept(value)}


def _resolve_kept(value: Any, found: dict[str, dict[str, Any]]) -> Any:
    """Kept files replaced by their stored form value; ids not of this case are dropped."""
    if isinstance(value, Kept):
        return found.get(value.attachment_id)
    if isinstance(value, dict):
        resolved = {k: _resolve_kept(v, found) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not None or not isinstance(value[k], Kept)}
    if isinstance(value, list):
        return [_resolve_kept(v, found) for v in value]
    return value
