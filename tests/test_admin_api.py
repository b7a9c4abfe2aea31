"""The admin API: users and areas, each change one admin event; a deactivated user is out at once."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select, text
from werkzeug.serving import make_server

from engine import accounts, reference, schema
from engine import admin as admin_module
from engine.context import Samverkan
from engine.db import make_engine
from engine.errors import Conflict
from tests.http import ApiClient


def events(engine: Samverkan) -> list[tuple[str, str, str]]:
    e = schema.admin_events
    with engine.db.connect() as conn:
        return [(r.actor, r.action, r.target) for r in conn.execute(select(e).order_by(e.c.id))]


def counts(engine: Samverkan) -> tuple[int, int, int]:
    with engine.db.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (schema.users, schema.areas, schema.admin_events)
        )


@pytest.fixture
def second_server(engine: Samverkan) -> Iterator[str]:
    """Another app on the same database with an engine (and connection pool) of its own."""
    from web import create_app

    other = Samverkan(db=make_engine(str(engine.db.url.render_as_string(hide_password=False))), clock=engine.clock)
    server = make_server("127.0.0.1", 0, create_app({"TESTING": True, "SECRET_KEY": "x"}, engine=other), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    other.db.dispose()


def test_users_are_created_listed_and_changed(api: ApiClient, engine: Samverkan) -> None:
    admin = api.as_user("ada", "admin")
    created = admin.post(
        "/users", {"username": "kim", "display_name": "Kim Berg", "email": "kim@malmo.se", "roles": ["chef"]}
    )
    assert created.status == 201
    assert created.body | {"created_at": None} == {
        "username": "kim",
        "display_name": "Kim Berg",
        "email": "kim@malmo.se",
        "roles": ["chef"],
        "active": True,
        "sso": False,
        "is_demo": False,
        "created_at": None,
    }
    listed = admin.get("/users")
    assert listed.status == 200 and [u["username"] for u in listed.body] == ["ada", "kim"]
    changed = admin.request("PATCH", "/users/kim", {"roles": ["chef", "kontaktperson"], "email": None})
    assert (
        changed.status == 200 and changed.body["roles"] == ["chef", "kontaktperson"] and changed.body["email"] is None
    )
    assert admin.request("PATCH", "/users/kim", {"roles": ["chef", "kontaktperson"]}).status == 200  # no change
    assert events(engine) == [("ada", "user_created", "kim"), ("ada", "user_changed", "kim")]
    history = admin.get("/admin/events").body
    assert history[0]["details"] == {
        "before": {"roles": ["chef"], "email": "kim@malmo.se"},
        "after": {"roles": ["chef", "kontaktperson"], "email": None},
    }
    # A password given on creation works on the login form (checked through the engine here).
    admin.post("/users", {"username": "lo", "display_name": "Lo", "roles": ["chef"], "password": "långt-nog-1"})
    assert accounts.authenticate(engine, "lo", "långt-nog-1") is not None


def test_a_deactivated_user_is_out_at_once_on_every_server(
    api: ApiClient, engine: Samverkan, second_server: str
) -> None:
    admin = api.as_user("ada", "admin")
    kim = api.as_user("kim", "kontaktperson")
    on_other = ApiClient(second_server, engine, accounts, kim.token)
    assert kim.get("/tasks").status == 200 and on_other.get("/tasks").status == 200
    session = accounts.start_session(engine, "kim")
    assert accounts.user_for_session(engine, session) is not None

    assert admin.request("PATCH", "/users/kim", {"active": False}).body["active"] is False
    assert kim.get("/tasks").status == 401
    assert on_other.get("/tasks").status == 401
    assert accounts.user_for_session(engine, session) is None
    assert accounts.authenticate(engine, "kim", "lösenord-123") is None
    with pytest.raises(Conflict, match="inaktiverad"):
        accounts.new_token(engine, "kim")  # `samverkan token kim` says so instead of a token that never works
    kim_id = select(schema.users.c.id).where(schema.users.c.username == "kim").scalar_subquery()
    with engine.db.connect() as conn:
        tokens = select(func.count()).select_from(schema.api_tokens).where(schema.api_tokens.c.user_id == kim_id)
        assert conn.execute(tokens).scalar_one() == 0
    # Active again: the password works again, old tokens stay revoked.
    admin.request("PATCH", "/users/kim", {"active": True})
    assert accounts.authenticate(engine, "kim", "lösenord-123") is not None
    assert kim.get("/tasks").status == 401
    assert [a for _, a, _ in events(engine)] == ["user_deactivated", "user_activated"]


def test_areas_are_added_renamed_and_deactivated(api: ApiClient, engine: Samverkan) -> None:
    admin = api.as_user("ada", "admin")
    added = admin.post("/areas", {"name": "Hyllie"})
    assert added.status == 201 and added.body == {"id": "hyllie", "name": "Hyllie", "is_example": False, "active": True}
    assert admin.post("/areas", {"name": "hyllie"}).status == 409
    renamed = admin.request("PATCH", "/areas/hyllie", {"name": "Hyllie centrum"})
    assert renamed.status == 200 and renamed.body["name"] == "Hyllie centrum" and renamed.body["id"] == "hyllie"
    assert admin.request("PATCH", "/areas/hyllie", {"name": "Sofielund"}).status == 409  # another area's name
    assert admin.request("PATCH", "/areas/hyllie", {"active": False}).body["active"] is False
    public = {a["id"]: a for a in admin.get("/areas").body}
    assert "hyllie" not in public and public["sofielund"]["is_example"] is True
    # Forms no longer offer it: this process's area cache was emptied by the commit.
    with engine.db.connect() as conn:
        assert "hyllie" not in reference.active_area_ids(engine, conn)
        assert "sofielund" in reference.active_area_ids(engine, conn)
    assert [a for _, a, _ in events(engine)] == ["area_added", "area_renamed", "area_deactivated"]


BAD_BODIES: list[tuple[str, str, Any, int]] = [
    ("POST", "/users", {"username": "kim"}, 422),
    ("POST", "/users", {"username": "kim", "display_name": "K", "roles": ["kung"]}, 422),
    ("POST", "/users", {"username": "k i m", "display_name": "K", "roles": ["chef"]}, 422),
    ("POST", "/users", {"username": "kim", "display_name": "K", "roles": ["chef"], "email": "inte-en-adress"}, 422),
    ("POST", "/users", {"username": "kim", "display_name": "K", "roles": ["chef"], "password": "kort"}, 422),
    ("POST", "/users", {"username": "ada", "display_name": "A", "roles": ["chef"]}, 409),
    ("POST", "/users", {"username": "kim", "display_name": "K", "roles": "chef"}, 422),
    ("POST", "/users", {"username": "kim", "display_name": "K", "roles": ["chef"], "is_admin": True}, 422),
    ("POST", "/users", [1, 2], 400),
    ("PATCH", "/users/ada", {"active": False}, 409),  # not yourself
    ("PATCH", "/users/ada", {"roles": ["chef"]}, 409),  # nor your own admin role
    ("PATCH", "/users/ada", {"active": "nej"}, 422),
    ("PATCH", "/users/ingen", {"active": False}, 404),
    ("POST", "/areas", {"name": ""}, 422),
    ("POST", "/areas", {"name": "---"}, 422),
    ("POST", "/areas", {"name": "x" * 201}, 422),
    ("POST", "/areas", {"namn": "Hyllie"}, 422),
    ("PATCH", "/areas/ingen", {"name": "X"}, 404),
    ("PATCH", "/areas/sofielund", {"name": None}, 422),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), BAD_BODIES)
def test_bad_input_is_a_4xx_with_json_and_changes_nothing(
    api: ApiClient, engine: Samverkan, method: str, path: str, body: Any, status: int
) -> None:
    admin = api.as_user("ada", "admin")
    before = counts(engine)
    answer = admin.request(method, path, body)
    assert answer.status == status, answer.body
    assert set(answer.body["error"]) >= {"code", "message"}
    assert counts(engine) == before


def test_only_admins(api: ApiClient) -> None:
    chef = api.as_user("kim", "chef")
    assert chef.get("/users").status == 403
    assert chef.post("/users", {"username": "x", "display_name": "X", "roles": ["chef"]}).status == 403
    assert chef.request("PATCH", "/users/kim", {"roles": ["admin"]}).status == 403
    assert chef.post("/areas", {"name": "Hyllie"}).status == 403
    assert chef.request("PATCH", "/areas/sofielund", {"active": False}).status == 403
    assert chef.get("/admin/events").status == 403


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=60))
def test_any_area_name_is_added_or_refused_with_a_4xx(api: ApiClient, engine: Samverkan, name: str) -> None:
    if accounts.get_user(engine, "ada") is None:
        accounts.add_user(engine, "ada", ["admin"])
    admin = ApiClient(api.base, engine, accounts, accounts.new_token(engine, "ada"))
    answer = admin.post("/areas", {"name": name})
    assert answer.status in (201, 400, 409, 422), (name, answer.status)
    if answer.status == 201:
        listed = {a["id"]: a["name"] for a in admin.get("/areas").body}
        assert listed[answer.body["id"]] == name.strip()


USER_COLUMNS = "username, display_name, roles, is_demo, created_at"


def test_the_migration_keeps_users_tokens_and_sessions(database_url: str) -> None:
    """sso_admin adds columns in place: a copy of ``users`` would cascade away every token on SQLite."""
    from alembic import command

    from engine.db import _alembic_config, migrate

    db = make_engine(database_url)
    with db.begin() as conn:
        command.upgrade(_alembic_config(conn), "worker_heartbeats")
    created = datetime(2027, 1, 1, tzinfo=UTC)
    with db.begin() as conn:
        conn.execute(
            text(f"INSERT INTO users ({USER_COLUMNS}) VALUES ('kim', 'Kim', :r, :x, :c)"),
            {"r": '["chef"]', "x": False, "c": created},
        )
        conn.execute(
            text("INSERT INTO api_tokens (user_id, token_sha256, created_at, expires_at) VALUES (1, :t, :c, :e)"),
            {"t": hashlib.sha256(b"token").hexdigest(), "c": created, "e": created + timedelta(days=3650)},
        )
        conn.execute(
            text("INSERT INTO login_sessions (id_sha256, user_id, created_at) VALUES (:s, 1, :c)"),
            {"s": hashlib.sha256(b"session").hexdigest(), "c": created},
        )
    migrate(db)
    engine = Samverkan(db=db)
    assert accounts.user_for_token(engine, "token") is not None
    assert accounts.user_for_session(engine, "session") is not None
    assert admin_module.list_users(engine)[0]["active"] is True
    db.dispose()


def test_the_migration_goes_down_and_up_again(database_url: str) -> None:
    from alembic import command

    from engine.db import _alembic_config, migrate

    db = make_engine(database_url)
    migrate(db)
    with db.begin() as conn:
        command.downgrade(_alembic_config(conn), "worker_heartbeats")
    with db.connect() as conn:
        assert "active" not in {c["name"] for c in inspect(conn).get_columns("users")}
    migrate(db)
    with db.connect() as conn:
        assert "active" in {c["name"] for c in inspect(conn).get_columns("users")}
    db.dispose()
