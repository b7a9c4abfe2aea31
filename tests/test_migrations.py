"""`samverkan init` builds the schema through Alembic migrations: the same schema as the code's."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from engine.db import create_schema, make_engine, migrate
from engine.schema import metadata


def test_migrations_build_the_schema_the_code_declares(database_url: str) -> None:
    db = make_engine(database_url)
    migrate(db)
    migrate(db)  # idempotent
    with db.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
    db.dispose()


def test_a_database_made_before_migrations_is_adopted(database_url: str) -> None:
    db = make_engine(database_url)
    create_schema(db)
    migrate(db)
    with db.connect() as conn:
        assert "alembic_version" in inspect(conn).get_table_names()
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    db.dispose()


def test_upgrading_an_older_database_keeps_its_rows(database_url: str) -> None:
    from datetime import UTC, datetime

    from alembic import command

    from engine.db import _alembic_config

    db = make_engine(database_url)
    with db.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
    with db.begin() as conn:
        conn.execute(
            text("INSERT INTO users (username, display_name, roles, is_demo, created_at) VALUES (:u, :d, :r, :x, :c)"),
            {"u": "kim", "d": "Kim", "r": '["kontaktperson"]', "x": False, "c": datetime(2027, 1, 1, tzinfo=UTC)},
        )
    migrate(db)
    with db.connect() as conn:
        row = conn.execute(text("SELECT username, email FROM users")).one()
    assert tuple(row) == ("kim", None)
    db.dispose()


def test_0005_keeps_tokens_working_and_notifications_unsent(database_url: str) -> None:
    from datetime import UTC, datetime, timedelta

    from alembic import command

    from engine.db import _alembic_config

    db = make_engine(database_url)
    with db.begin() as conn:
        command.upgrade(_alembic_config(conn), "0003")
    created = datetime(2027, 1, 1, tzinfo=UTC)
    with db.begin() as conn:
        conn.execute(
            text("INSERT INTO users (username, display_name, roles, is_demo, created_at) VALUES (:u, :d, :r, :x, :c)"),
            {"u": "kim", "d": "Kim", "r": '["kontaktperson"]', "x": False, "c": created},
        )
        conn.execute(
            text("INSERT INTO api_tokens (user_id, token_sha256, created_at) VALUES (1, :t, :c)"),
            {"t": "a" * 64, "c": created},
        )
        conn.execute(
            text(
                "INSERT INTO cases (title, process_id, process_version, status, start_event, created_at, updated_at,"
                " created_by, lock_version, state, data, active_elements, is_demo)"
                " VALUES ('T', 'p', 1, 'active', 's', :c, :c, 'kim', 0, '{}', '{}', '[]', :x)"
            ),
            {"c": created, "x": False},
        )
        conn.execute(
            text(
                "INSERT INTO notifications (case_id, recipient, reason, message, created_at)"
                " VALUES (1, 'kim', 'reminder', 'Påminnelse', :c)"
            ),
            {"c": created},
        )
    migrate(db)
    with db.connect() as conn:
        expires = conn.execute(text("SELECT expires_at FROM api_tokens")).scalar_one()
        note = conn.execute(text("SELECT attempts, sent_at, failed_at FROM notifications")).one()
    if isinstance(expires, str):  # SQLite gives the text back
        expires = datetime.fromisoformat(expires).replace(tzinfo=UTC)
    assert expires > datetime.now(UTC) + timedelta(days=89)
    assert tuple(note) == (0, None, None)
    db.dispose()
