"""``samverkan backup FILE`` / ``samverkan restore FILE``: the database and the attachments in one archive.

The archive is a gzipped tar with ``samverkan-backup.json`` (format, database kind, schema
revision, row counts, every attachment's SHA-256) and

- SQLite: ``database.sqlite3``, a consistent copy made with SQLite's online backup API while
  the application may keep running;
- PostgreSQL: ``database/<table>.jsonl``, a logical export of every table read in one
  ``REPEATABLE READ`` snapshot, restored through SQLAlchemy, so neither ``pg_dump`` nor
  ``pg_restore`` (nor matching versions of them) is needed;
- ``attachments/<id>``: the uploaded files.

Restore replaces what the configured database and attachments folder hold. PostgreSQL is
restored in one transaction (tables dropped, recreated at the archive's schema revision, rows
loaded, sequences moved past the ids, then migrated to the newest revision); SQLite is copied
back page by page with the backup API, then migrated. Files are unpacked and checked against
their hashes before the database is touched, and swapped into place after it is restored.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, DateTime, MetaData, Table, inspect, select, text

from engine.attachments import UUID_PATTERN
from engine.context import Samverkan
from engine.db import MIGRATIONS, _alembic_config, dumps, migrate
from engine.errors import DomainError
from engine.schema import metadata

FORMAT = 1
MANIFEST = "samverkan-backup.json"
SQLITE_FILE = "database.sqlite3"
CHUNK = 1000


class BackupError(DomainError):
    """The database or the archive is not in a state to back up or restore."""


@dataclass(frozen=True)
class Summary:
    database: str
    revision: str
    rows: dict[str, int]
    attachments: int

    def describe(self) -> str:
        cases, users = self.rows.get("cases", 0), self.rows.get("users", 0)
        kind = "SQLite" if self.database == "sqlite" else "PostgreSQL"
        return f"{cases} ärenden, {users} användare, {self.attachments} bilagor ({kind}, schema {self.revision})"


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def _head() -> str:
    return str(_scripts().get_current_head())


def _known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def _revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _attachment_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and re.fullmatch(UUID_PATTERN, p.name))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


# --- backup -----------------------------------------------------------------------------------


def backup(engine: Samverkan, attachments_dir: Path, target: Path) -> Summary:
    """Write the archive to ``target`` (via a temporary file beside it, so it is whole or absent)."""
    dialect = engine.db.dialect.name
    with engine.db.connect() as conn:
        revision = _revision(conn)
    if revision is None:
        with engine.db.connect() as conn:
            has_tables = "cases" in inspect(conn).get_table_names()
        raise BackupError(
            "Databasen saknar schemaversion: kör `samverkan init`"
            if has_tables
            else "Databasen saknar tabeller: kör `samverkan init`"
        )
    if revision != _head():
        raise BackupError(f"Databasen har schema {revision}, inte {_head()}: kör `samverkan init` först")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".samverkan-backup-") as folder:
        work = Path(folder)
        rows = _copy_sqlite(engine, work / SQLITE_FILE) if dialect == "sqlite" else _export(engine, work / "database")
        files = _attachment_files(attachments_dir)
        manifest = {
            "format": FORMAT,
            "made_by": "samverkan",
            "made_at": datetime.now(UTC).isoformat(),
            "database": dialect,
            "revision": revision,
            "rows": rows,
            "attachments": {p.name: _sha256(p) for p in files},
        }
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            if dialect == "sqlite":
                archive.add(work / SQLITE_FILE, SQLITE_FILE)
            else:
                for table in sorted((work / "database").iterdir()):
                    archive.add(table, f"database/{table.name}")
            for path in files:
                archive.add(path, f"attachments/{path.name}")
        partial.replace(target)
    return Summary(dialect, revision, rows, len(files))


def _copy_sqlite(engine: Samverkan, destination: Path) -> dict[str, int]:
    """SQLite's online backup: a consistent copy even while other connections write."""
    raw = engine.db.raw_connection()
    copy = sqlite3.connect(destination, isolation_level=None)
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        count = 'SELECT count(*) FROM "{}"'
        return {t.name: int(copy.execute(count.format(t.name)).fetchone()[0]) for t in metadata.sorted_tables}
    finally:
        copy.close()
        raw.close()


def _export(engine: Samverkan, folder: Path) -> dict[str, int]:
    """Every table as JSON lines (one list of column values per row), all from one snapshot."""
    folder.mkdir()
    rows: dict[str, int] = {}
    with engine.db.connect() as plain:
        conn = plain.execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        conn.execute(text("SET TRANSACTION READ ONLY"))
        for table in metadata.sorted_tables:
            header = {"columns": [c.name for c in table.columns]}
            count = 0
            with (folder / f"{table.name}.jsonl").open("w", encoding="utf-8") as out:
                out.write(json.dumps(header) + "\n")
                result = conn.execution_options(yield_per=CHUNK).execute(
                    select(table).order_by(*table.primary_key.columns)
                )
                for row in result:
                    out.write(dumps([v.isoformat() if isinstance(v, datetime) else v for v in row]) + "\n")
                    count += 1
            rows[table.name] = count
        conn.rollback()
    return rows


# --- restore ----------------------------------------------------------------------------------


_MEMBER = re.compile(
    rf"{re.escape(MANIFEST)}|{re.escape(SQLITE_FILE)}|database/[a-z_]+\.jsonl|attachments/[0-9a-f-]{{36}}"
)


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
        file = archive.extractfile(member)
        manifest: dict[str, Any] = json.load(file) if file is not None else {}
    except (KeyError, ValueError) as err:
        raise BackupError("Filen är ingen säkerhetskopia från Samverkan (samverkan-backup.json saknas).") from err
    if manifest.get("made_by") != "samverkan" or manifest.get("format") != FORMAT:
        raise BackupError(f"Säkerhetskopians format ({manifest.get('format')}) kan inte läsas av den här versionen.")
    if manifest.get("revision") not in _known_revisions():
        raise BackupError(f"Säkerhetskopian har schema {manifest.get('revision')}, som den här versionen inte känner.")
    return manifest


def _unpack(archive: tarfile.TarFile, folder: Path) -> None:
    """Only the regular files an archive of ours holds, each to a path we choose."""
    for member in archive.getmembers():
        if not member.isfile() or not _MEMBER.fullmatch(member.name):
            raise BackupError(f"Säkerhetskopian innehåller något oväntat: {member.name[:100]}")
        source = archive.extractfile(member)
        assert source is not None
        destination = folder / member.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with destination.open("wb") as out:
            shutil.copyfileobj(source, out)


def restore(engine: Samverkan, attachments_dir: Path, source: Path) -> Summary:
    """Replace the database and the attachments folder with the archive's."""
    dialect = engine.db.dialect.name
    try:
        archive = tarfile.open(source, "r:gz")
    except tarfile.TarError as err:
        raise BackupError(f"{source} är ingen säkerhetskopia från Samverkan (inte en tar.gz-fil).") from err
    with archive, tempfile.TemporaryDirectory(prefix=".samverkan-restore-") as folder:
        manifest = _read_manifest(archive)
        if manifest["database"] != dialect:
            raise BackupError(
                f"Säkerhetskopian är från {manifest['database']}; återställ den till samma slags databas, "
                f"inte {dialect}."
            )
        work = Path(folder)
        _unpack(archive, work)
        files = _checked_attachments(work / "attachments", manifest["attachments"])
        staged = _stage(files, attachments_dir)
        try:
            if dialect == "sqlite":
                _restore_sqlite(engine, work / SQLITE_FILE)
            else:
                _restore_logical(engine, work / "database", manifest["revision"])
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        _swap(staged, attachments_dir)
    return Summary(dialect, manifest["revision"], dict(manifest["rows"]), len(files))


def _checked_attachments(folder: Path, expected: dict[str, str]) -> list[Path]:
    files = _attachment_files(folder)
    found = {p.name: _sha256(p) for p in files}
    if found != expected:
        damaged = sorted(set(found.items()) ^ set(expected.items()))
        raise BackupError(f"Säkerhetskopians bilagor stämmer inte med dess innehållsförteckning ({damaged[0][0]}).")
    return files


def _stage(files: list[Path], attachments_dir: Path) -> Path:
    """The restored folder, complete, beside the live one (same file system: the swap is a rename)."""
    attachments_dir.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(dir=attachments_dir.parent, prefix=f".{attachments_dir.name}-restore-"))
    for path in files:
        shutil.copy2(path, staged / path.name)
    return staged


def _swap(staged: Path, attachments_dir: Path) -> None:
    old = attachments_dir.with_name(f".{attachments_dir.name}-replaced-{staged.name.rsplit('-', 1)[-1]}")
    if attachments_dir.exists():
        attachments_dir.rename(old)
    staged.rename(attachments_dir)
    shutil.rmtree(old, ignore_errors=True)


def _restore_sqlite(engine: Samverkan, copy: Path) -> None:
    source = sqlite3.connect(copy)
    raw = engine.db.raw_connection()
    try:
        target = raw.driver_connection
        assert isinstance(target, sqlite3.Connection)
        source.backup(target)
    finally:
        raw.close()
        source.close()
    engine.db.dispose()  # pooled connections may hold pages of the replaced database
    migrate(engine.db)


def _rows(path: Path) -> Iterator[tuple[list[str], list[Any]]]:
    with path.open(encoding="utf-8") as lines:
        columns: list[str] = json.loads(next(lines))["columns"]
        for line in lines:
            yield columns, json.loads(line)


def _restore_logical(engine: Samverkan, folder: Path, revision: str) -> None:
    """One transaction: drop our tables, recreate them at the archive's revision, load, migrate."""
    tables = sorted(p.stem for p in folder.glob("*.jsonl"))
    with engine.db.begin() as conn:
        quote = conn.dialect.identifier_preparer.quote
        names = sorted({*tables, *metadata.tables, "alembic_version"})
        conn.execute(text("DROP TABLE IF EXISTS " + ", ".join(quote(n) for n in names) + " CASCADE"))
        command.upgrade(_alembic_config(conn), revision)
        reflected = MetaData()
        reflected.reflect(conn, only=tables)
        for table in reflected.sorted_tables:
            _load(conn, table, folder / f"{table.name}.jsonl")
            _move_sequence(conn, table)
        command.upgrade(_alembic_config(conn), "head")


def _load(conn: Connection, table: Table, path: Path) -> None:
    instants = {c.name for c in table.columns if isinstance(c.type, DateTime)}
    batch: list[dict[str, Any]] = []
    for columns, values in _rows(path):
        row = dict(zip(columns, values, strict=True))
        for name in instants & row.keys():
            if row[name] is not None:
                row[name] = datetime.fromisoformat(row[name])
        batch.append(row)
        if len(batch) >= CHUNK:
            conn.execute(table.insert(), batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)


def _move_sequence(conn: Connection, table: Table) -> None:
    """Rows came with their ids: the serial must continue after the largest."""
    keys = list(table.primary_key.columns)
    if len(keys) != 1:
        return
    key = keys[0].name
    sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": key}).scalar()
    if sequence:
        quote = conn.dialect.identifier_preparer.quote
        conn.execute(
            text(f"SELECT setval(:s, COALESCE((SELECT MAX({quote(key)}) FROM {quote(table.name)}), 0) + 1, false)"),
            {"s": sequence},
        )
