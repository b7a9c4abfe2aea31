"""Files attached to a task's form: checked, stored under a random name, listed per case.

The form data keeps ``{id, namn, storlek}``; the bytes live in ``Store.directory`` under the
attachment's id (a random UUID), never under the name the uploader gave. A file is accepted
only if its extension is on the allow-list and its first bytes look like that kind of file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, select

from engine import schema
from engine.context import Samverkan, User
from engine.errors import Invalid, NotFound
from engine.task_access import open_task_for

MAX_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

ZIP = b"PK\x03\x04"


def _text(head: bytes) -> bool:
    return b"\x00" not in head


def _opendocument(kind: str) -> Callable[[bytes], bool]:
    # ODF puts an uncompressed "mimetype" entry first in the zip, readable at offset 30.
    marker = b"mimetypeapplication/vnd.oasis.opendocument." + kind.encode()
    return lambda head: head.startswith(ZIP) and head[30 : 30 + len(marker)] == marker


KINDS: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head: head.startswith(ZIP),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", lambda head: head.startswith(ZIP)),
    "odt": ("application/vnd.oasis.opendocument.text", _opendocument("text")),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _opendocument("spreadsheet")),
    "png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "csv": ("text/csv", _text),
    "txt": ("text/plain", _text),
}
ALLOWED_LABEL = "PDF, Word (docx), Excel (xlsx), OpenDocument (odt, ods), PNG, JPG, CSV eller text (txt)"


@dataclass(frozen=True)
class Store:
    """Where attachment bytes are kept and how large one may be."""

    directory: Path
    max_bytes: int = MAX_BYTES

    def path(self, attachment_id: str) -> Path:
        if not re.fullmatch(UUID_PATTERN, attachment_id):
            raise NotFound("Bilagan finns inte.", code="not_found")
        return self.directory / attachment_id


UNUSED_AFTER = timedelta(days=7)
"""How long a file uploaded to a task that then closed without it is kept before removal."""


def remove_unused(engine: Samverkan, store: Store, older_than: timedelta = UNUSED_AFTER) -> int:
    """Remove files uploaded to tasks that closed without using them; returns how many.

    A file counts as used when its id appears in the data submitted with any completed step of
    its case (history keeps that data) or in the case data. Rows go in one transaction; the
    bytes are deleted only after it committed.
    """
    a, t, h, c = schema.attachments, schema.tasks, schema.history, schema.cases
    unused: list[str] = []
    with engine.write() as conn:
        candidates = conn.execute(
            select(a.c.id, a.c.case_id)
            .join(t, t.c.id == a.c.task_id)
            .where(a.c.uploaded_at < engine.now() - older_than, t.c.state != "open")
        ).all()
        for case_id in sorted({row.case_id for row in candidates}):
            submitted = conn.execute(
                select(h.c.details).where(h.c.case_id == case_id, h.c.action == "completed")
            ).scalars()
            texts = [json.dumps(details) for details in submitted]
            texts.append(json.dumps(conn.execute(select(c.c.data).where(c.c.id == case_id)).scalar()))
            unused += [r.id for r in candidates if r.case_id == case_id and not any(r.id in x for x in texts)]
        if unused:
            conn.execute(a.delete().where(a.c.id.in_(unused)))
    for attachment_id in unused:
        store.path(attachment_id).unlink(missing_ok=True)
    return len(unused)


def clean_filename(name: str) -> str:
    """The uploader's file name without folders or control characters, at most 200 characters."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = stem[: 199 - len(ext)] + dot + ext if dot and len(ext) <= 10 else base[:200]
    return base or "bilaga"


def kind_of(filename: str) -> str:
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def size_label(size: int) -> str:
    """``12 kB``, ``3,4 MB``: the size as people read it."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes.is_integer() else f"{megabytes:.1f} MB".replace(".", ",")


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def _write(store: Store, attachment_id: str, stream: IO[bytes], extension: str) -> tuple[int, str]:
    """Copy ``stream`` to the store, checking size and first bytes; returns (size, sha256)."""
    store.directory.mkdir(parents=True, exist_ok=True)
    target = store.path(attachment_id)
    partial = target.with_suffix(".part")
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with partial.open("xb") as out:
            for chunk in _chunks(stream):
                if len(head) < 4096:
                    head += chunk[: 4096 - len(head)]
                size += len(chunk)
                if size > store.max_bytes:
                    raise Invalid(
                        f"Filen är för stor. Den får vara högst {size_label(store.max_bytes)}.", code="too_large"
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Invalid("Filen är tom.", code="empty_file")
        if not KINDS[extension][1](head):
            raise Invalid(
                f"Filens innehåll stämmer inte med filtypen .{extension}. Kontrollera att du valt rätt fil.",
                code="wrong_type",
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return size, digest.hexdigest()


@dataclass(frozen=True)
class StoredFile:
    """An upload written to the store, before its row is inserted."""

    id: str
    filename: str
    content_type: str
    size: int
    sha256: str

    def form_value(self) -> dict[str, Any]:
        return {"id": self.id, "namn": self.filename, "storlek": self.size}


def store_file(store: Store, filename: str, stream: IO[bytes]) -> StoredFile:
    """Write an upload to the store under a new id; :class:`Invalid` (in Swedish) if it is refused.

    Refused: a type not on the allow-list, too large, empty, or first bytes that do not match.
    """
    name = clean_filename(filename)
    extension = kind_of(name)
    if extension not in KINDS:
        raise Invalid(f"Filtypen är inte tillåten. Välj en fil av typen {ALLOWED_LABEL}.", code="wrong_type")
    attachment_id = str(uuid.uuid4())
    size, sha256 = _write(store, attachment_id, stream, extension)
    return StoredFile(attachment_id, name, KINDS[extension][0], size, sha256)


def insert_rows(
    conn: Connection, now: datetime, case_id: int, task_id: str, user: User, files: list[StoredFile]
) -> None:
    """The rows of files stored for a task, in the caller's transaction."""
    if not files:
        return
    conn.execute(
        schema.attachments.insert(),
        [
            {
                "id": f.id,
                "case_id": case_id,
                "task_id": task_id,
                "filename": f.filename,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
                "uploaded_by": user.username,
                "uploaded_at": now,
            }
            for f in files
        ],
    )


def save(engine: Samverkan, store: Store, user: User, task_id: str, filename: str, stream: IO[bytes]) -> dict[str, Any]:
    """Store one upload for an open task the user may work on; returns the form value ``{id, namn, storlek}``.

    Raises :class:`Invalid` (in Swedish) for a file that is too large, empty or of a type not allowed.
    """
    with engine.db.connect() as conn:
        task = open_task_for(conn, user, task_id)
    stored = store_file(store, filename, stream)
    try:
        with engine.write() as conn:
            insert_rows(conn, engine.now(), task.case_id, task_id, user, [stored])
    except BaseException:
        store.path(stored.id).unlink(missing_ok=True)
        raise
    return stored.form_value()


def _view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "case_id": row.case_id,
        "task_id": row.task_id,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": row.uploaded_at.isoformat(),
    }


def get(engine: Samverkan, attachment_id: str) -> dict[str, Any]:
    """One attachment's row; :class:`NotFound` if there is none."""
    a = schema.attachments
    with engine.db.connect() as conn:
        row = conn.execute(select(a).where(a.c.id == attachment_id)).first()
    if row is None:
        raise NotFound("Bilagan finns inte.", code="not_found")
    return _view(row)


def form_value(engine: Samverkan, attachment_id: str, case_id: int) -> dict[str, Any] | None:
    """``{id, namn, storlek}`` for an attachment of this case (to keep it on a re-rendered form), else None."""
    with engine.db.connect() as conn:
        return form_values(conn, case_id, {attachment_id}).get(attachment_id)


def form_values(conn: Connection, case_id: int, attachment_ids: set[str]) -> dict[str, dict[str, Any]]:
    """``{id: {id, namn, storlek}}`` for those of ``attachment_ids`` that are attachments of this case."""
    if not attachment_ids:
        return {}
    a = schema.attachments
    rows = conn.execute(
        select(a.c.id, a.c.filename, a.c.size).where(a.c.id.in_(sorted(attachment_ids)), a.c.case_id == case_id)
    )
    return {r.id: {"id": r.id, "namn": r.filename, "storlek": r.size} for r in rows}


def list_for_case(engine: Samverkan, case_id: int) -> list[dict[str, Any]]:
    """The case's attachments, oldest first, each with ``task_name`` and ``task_state``."""
    a, t = schema.attachments, schema.tasks
    with engine.db.connect() as conn:
        rows = conn.execute(
            select(a, t.c.name.label("task_name"), t.c.state.label("task_state"))
            .outerjoin(t, t.c.id == a.c.task_id)
            .where(a.c.case_id == case_id)
            .order_by(a.c.uploaded_at, a.c.filename)
        ).all()
    return [{**_view(r), "task_name": r.task_name or "", "task_state": r.task_state or ""} for r in rows]


def _file_values(spec: dict[str, Any], value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if spec.get("x-widget") == "file":
        yield path, value
    elif spec.get("type") == "object" and isinstance(value, dict):
        for key, child in spec.get("properties", {}).items():
            if key in value:
                yield from _file_values(child, value[key], f"{path}.{key}" if path else key)
    elif spec.get("type") == "array" and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _file_values(spec.get("items", {}), item, f"{path}.{i}")


def reference_errors(
    conn: Connection, form: dict[str, Any], data: dict[str, Any], case_id: int
) -> list[dict[str, str]]:
    """``{field, message}`` for every file value in ``data`` that is not an attachment of this case."""
    problems = []
    a = schema.attachments
    for path, value in _file_values(form, data, ""):
        attachment_id = value.get("id") if isinstance(value, dict) else None
        if not isinstance(attachment_id, str):
            continue  # the form's own schema reports the wrong shape
        found = conn.execute(select(a.c.id).where(a.c.id == attachment_id, a.c.case_id == case_id)).first()
        if found is None:
            problems.append({"field": path, "message": "Bilagan finns inte i ärendet. Ladda upp filen igen."})
    return problems
