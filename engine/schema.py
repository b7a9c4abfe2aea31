"""Relational schema: process versions, cases, the task and timer indexes, history, users, attachments."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData()

TITLE_LENGTH = 400
"""Longest case title; PostgreSQL refuses longer text in the column (see engine.inputs)."""


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware instants stored as UTC; SQLite gives them back naive, so re-attach UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC).replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


process_versions = Table(
    "process_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("process_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", String(400), nullable=False),
    Column("xml", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("deployed_at", UtcDateTime(), nullable=False),
    Column("deployed_by", String(200), nullable=False),
    Column("comment", Text, nullable=False, default=""),
    # A roll-back: the earlier version whose XML this version deployed again (engine.rollback).
    Column("based_on", Integer),
    UniqueConstraint("process_id", "version", name="uq_process_version"),
    UniqueConstraint("process_id", "sha256", name="uq_process_sha256"),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(TITLE_LENGTH), nullable=False),
    Column("process_id", String(200), nullable=False),
    Column("process_version", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("end_event", String(200)),
    Column("area", String(100)),
    Column("phase", String(100)),
    Column("start_event", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("lock_version", Integer, nullable=False),
    Column("state", JSON, nullable=False),
    Column("data", JSON, nullable=False),
    Column("active_elements", JSON, nullable=False),
    Column("incident", JSON),
    Column("is_demo", Boolean, nullable=False, default=False),
    # The responsible official (handläggare): a username, set at registration, changed by chef/admin.
    Column("handlaggare", String(200)),
    Index("ix_cases_status_area", "status", "area"),
    Index("ix_cases_status_phase", "status", "phase"),
    # The overview's cases started per month reads only its window (engine.reports.per_month).
    Index("ix_cases_created_at", "created_at"),
    # Joins from tasks to their cases that need only these columns read this index, never the wide
    # rows with the stored state (bench/growth.py --scale). Its first users, the overview's and the
    # inbox's counts, no longer join (migration 0014): see pg_stat_user_indexes before dropping it.
    Index("ix_cases_id_status", "id", "status", "process_id", "area"),
    # The overview leaves out the active cases of other processes (engine.reports.element_counts).
    Index("ix_cases_status_process", "status", "process_id"),
)

OPEN_TASK = text("state = 'open'")
"""The condition of the partial indexes over open tasks (write it as a literal in queries that use them)."""
OPEN_CLAIMED = text("state = 'open' AND assignee IS NOT NULL")
"""Open and claimed: ``assignee = :name`` implies the second half, for SQLite and PostgreSQL alike."""

OPEN_ROLE_DUE = ("role", "due_at", "created_at", "id", "case_id", "phase", "assignee", "area", "state")
"""Columns of the covering partial index ``ix_tasks_open_role_due`` (``state`` last: SQLite covers with it)."""

tasks = Table(
    "tasks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("element_id", String(200), nullable=False),
    Column("name", String(400), nullable=False),
    Column("role", String(50), nullable=False),
    Column("phase", String(100)),
    Column("assignee", String(200)),
    Column("due_at", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("state", String(20), nullable=False, default="open"),
    Column("closed_at", UtcDateTime()),
    Column("closed_by", String(200)),
    # What the task's page shows and prefills, from the task's own data when it opened.
    Column("context", JSON),
    # The case's area while the task is open (the step keeps it), so that the inbox counts and
    # filters its tasks by area without reading 50,000 case rows (migration 0014).
    Column("area", String(100)),
    Index("ix_tasks_state_role", "state", "role"),
    Index("ix_tasks_case", "case_id"),
    Index("ix_tasks_element", "element_id"),
    # Overview counts per element (covering, so SQLite never reads the rows) and per-case
    # lookups of open tasks (area view, case lists); see bench/overview.py.
    Index("ix_tasks_state_element_due", "state", "element_id", "case_id", "due_at"),
    Index("ix_tasks_state_case", "state", "case_id"),
    Index("ix_tasks_assignee", "assignee"),
    # The inbox: open tasks of the user's roles OR assigned to them. Partial indexes hold only
    # open tasks, so their size (and the planner's estimate) stays that of the live work however
    # many finished cases pile up; the query says ``state = 'open'`` as a literal to use them.
    # By role: ``ix_tasks_open_role_due`` below (a narrower one by role alone, 0011-0013, led
    # PostgreSQL to read 100,000 task rows for the overview instead of covering indexes).
    # Only claimed open tasks: most open tasks are unclaimed (NULL), and with them in the index
    # SQLite's statistics say one name matches every open task, so it scanned instead (migration 0013).
    Index("ix_tasks_open_assignee", "assignee", sqlite_where=OPEN_CLAIMED, postgresql_where=OPEN_CLAIMED),
    # Covering for the inbox's counts and page (by role, in due order) and the overview's overdue
    # tasks per role: with tens of thousands of open tasks no task row is read.
    Index(
        "ix_tasks_open_role_due",
        *OPEN_ROLE_DUE,
        sqlite_where=OPEN_TASK,
        postgresql_where=OPEN_TASK,
    ),
)

timers = Table(
    "timers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("element_id", String(200), nullable=False),
    Column("attached_to", String(200)),
    Column("action", String(20)),
    Column("due_at", UtcDateTime(), nullable=False),
    Column("state", String(20), nullable=False, default="waiting"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime()),
    Column("last_error", Text),
    Column("claimed_by", String(64)),
    Column("claimed_at", UtcDateTime()),
    Index("ix_timers_due", "state", "due_at"),
    Index("ix_timers_case", "case_id"),
    Index("ix_timers_attached_element", "attached_to", "element_id", "case_id"),
)

history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(30), nullable=False),
    Column("element_id", String(200)),
    Column("details", JSON, nullable=False),
    Index("ix_history_case", "case_id", "id"),
    Index("ix_history_action_at", "action", "at"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("recipient", String(200), info={"personal": True}),  # a username (engine.personal)
    Column("role", String(50)),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("task_element_id", String(200)),
    Column("reason", String(30), nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime()),
    Column("read_at", UtcDateTime()),
    # The mail outbox (engine.notifications.deliver_pending): tries, why the last one failed,
    # when to try again, a permanent failure, and which worker is sending it right now.
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    Column("last_error", Text),
    Column("next_attempt_at", UtcDateTime()),
    Column("failed_at", UtcDateTime()),
    Column("claimed_by", String(100)),
    Column("claimed_at", UtcDateTime()),
    Index("ix_notifications_recipient", "recipient", "read_at"),
    Index("ix_notifications_role", "role", "read_at"),
    Index("ix_notifications_outbox", "sent_at", "failed_at", "id"),
    Index("ix_notifications_case", "case_id"),  # gallring and a case's removal read by case
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    # Personal data (engine.personal); officials' usernames elsewhere (history.actor, tasks.assignee)
    # record who handled a case, which stays part of the public record.
    Column("username", String(200), nullable=False, unique=True, info={"personal": True}),
    Column("display_name", String(400), nullable=False, info={"personal": True}),
    Column("email", String(320), info={"personal": True}),
    Column("password_hash", String(400)),
    Column("roles", JSON, nullable=False),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # A deactivated user's sessions and tokens are deleted and no new ones are given (engine.admin).
    Column("active", Boolean, nullable=False, default=True, server_default=true()),
    # Single sign-on users are known by their issuer and subject, never by a name the issuer sends.
    Column("oidc_issuer", String(400)),
    Column("oidc_subject", String(255), info={"personal": True}),
    Index("ux_users_oidc", "oidc_issuer", "oidc_subject", unique=True),
)

admin_events = Table(
    "admin_events",
    metadata,
    # Who changed which user or area, and what: one row per change made on /admin or its API.
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target_kind", String(20), nullable=False),
    Column("target", String(200), nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_admin_events_at", "at"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
)

login_sessions = Table(
    "login_sessions",
    metadata,
    # The cookie carries a random session id; only its hash is stored, and logging out deletes the
    # row, so a cookie copied before logout is worthless after it.
    Column("id_sha256", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_login_sessions_user", "user_id"),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    # One row per password tried for a (username, address) key, hashed; rows older than the
    # limiter's window are pruned. Shared by every server process (engine.login_limit).
    Column("id", Integer, primary_key=True),
    Column("key_sha256", String(64), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Index("ix_login_attempts_key_at", "key_sha256", "at"),
    Index("ix_login_attempts_at", "at"),
)

areas = Table(
    "areas",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("is_example", Boolean, nullable=False, default=True),
    Column("active", Boolean, nullable=False, default=True),
    # The area's local coordinator (seed 003: a meeting place with a coordinator and a team).
    # Name and contact are personal data: retention work finds them by info["personal"].
    Column("coordinator_name", String(200), info={"personal": True}),
    Column("coordinator_forvaltning", String(200)),
    Column("coordinator_contact", String(400), info={"personal": True}),
    Column("meeting_place", String(400)),
)

area_efforts = Table(
    "area_efforts",
    metadata,
    # The city's other efforts in an area (seeds 001/002: CTC, områdeslyft, Trygg Malmö, BID …),
    # so parallel processes in one area are seen together.
    Column("id", Integer, primary_key=True),
    Column("area_id", String(100), ForeignKey("areas.id", ondelete="CASCADE"), nullable=False),
    Column("programme", String(200), nullable=False),
    Column("forvaltning", String(200), nullable=False, default=""),
    Column("contact", String(400), nullable=False, default="", info={"personal": True}),
    Column("period", String(100), nullable=False, default=""),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_area_efforts_area", "area_id", "id"),
)

drafts = Table(
    "drafts",
    metadata,
    Column("task_id", String(36), primary_key=True),
    Column("username", String(200), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("saved_at", UtcDateTime(), nullable=False),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("task_id", String(36), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(200), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_by", String(200), nullable=False),
    Column("uploaded_at", UtcDateTime(), nullable=False),
    Index("ix_attachments_case", "case_id"),
)

worker_heartbeats = Table(
    "worker_heartbeats",
    metadata,
    # One row per running `samverkan worker`, updated after each sweep: the health check and
    # /metrics say when the timers were last swept, from any host that shares the database.
    Column("id", String(64), primary_key=True),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("last_sweep_at", UtcDateTime(), nullable=False),
    Column("interval_seconds", Integer, nullable=False),
    Column("sweeps", Integer, nullable=False),
    Column("timers_fired", Integer, nullable=False),
    Column("notifications_sent", Integer, nullable=False),
    Index("ix_worker_heartbeats_last_sweep", "last_sweep_at"),
)

case_figures = Table(
    "case_figures",
    metadata,
    # One row per case with what the statistics count (engine/figures.py), kept up to date in the
    # transaction of each step that changes them, so /statistik never reads the history. The
    # public marking (engine/publication.py) lives here too: what a case shows outside.
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("applied_sek", Integer),
    Column("granted_sek", Integer),
    Column("decision", String(50)),
    Column("decided_on", String(10)),  # ISO date (Stockholm): the nämnd's meeting, else when recorded
    Column("first_report_on", String(10)),
    Column("used_sek", Integer, nullable=False, default=0),
    Column("residents_reached", Integer),
    Column("participants", JSON, nullable=False),  # target group -> participants, approved reports
    Column("report_numbers", JSON, nullable=False),  # follow-up numbers whose report has come in
    Column("reports_submitted", Integer, nullable=False, default=0),
    Column("reports_late", Integer, nullable=False, default=0),
    Column("figures_state", JSON, nullable=False),  # the running tally (engine.figures.apply)
    Column("public_at", UtcDateTime()),
    Column("public_by", String(200)),
    Column("public_organisations", JSON),  # organisation names the kontaktperson chose to show
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_case_figures_public", "public_at"),
)

register_searches = Table(
    "register_searches",
    metadata,
    # The log of register extracts (engine.register_extract): who searched for whom, when, and what
    # was found (counts and case ids). The terms are personal data themselves; gallring blanks them.
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("terms", JSON, nullable=False, info={"personal": True}),
    Column("found", JSON, nullable=False),
    Index("ix_register_searches_at", "at"),
)
