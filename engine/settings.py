"""Every setting in one frozen object, read from the environment once when a command starts.

The command line builds it (:meth:`Settings.from_environment`) and hands it to the engine,
the web app and the worker; no other module reads the environment. Each setting is one field
below with its variable, default and meaning; the README's settings table lists the same
(a test checks). A new setting is one field here, read where it is needed from
``engine.settings``.

Defaults may name the instance folder as ``{home}``: ``SAMVERKAN_HOME`` (or ``--instance``),
``./instance`` in the working directory when unset, made absolute at start-up so every
command run with the same settings agrees on it wherever it runs.
"""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, Union

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from engine.roles import ROLES
from samverkan_data import FORMS_DIR

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class SettingsError(ValueError):
    """A setting that cannot be used; the message is one Swedish line naming the variable."""


def _setting(env: str, default: str | None, meaning: str, *, secret: bool = False, minimum: int | None = None) -> Any:
    metadata = {"env": env, "default": default, "meaning": meaning, "secret": secret, "minimum": minimum}
    return field(metadata=metadata, repr=not secret)


@dataclass(frozen=True)
class Settings:
    home: Path = _setting(
        "SAMVERKAN_HOME",
        "instance",
        "the instance folder (also `--instance DIR` on the command line): the default SQLite database, "
        "the attachments and the generated cookie key live there; relative to the working directory",
    )
    database_url: str = _setting(
        "DATABASE_URL",
        "sqlite:///{home}/samverkan.sqlite3",
        "SQLAlchemy URL of the database, e.g. `postgresql://samverkan@db.example/samverkan`",
        secret=True,
    )
    secret_key: str | None = _setting(
        "SAMVERKAN_SECRET_KEY",
        None,
        "signs session cookies; unset: generated once into `{home}/secret_key` (mode 0600). "
        "Set the same value on every host when several hosts serve the app",
        secret=True,
    )
    attachments_dir: Path = _setting(
        "SAMVERKAN_ATTACHMENTS_DIR",
        "{home}/attachments",
        "where uploaded files are kept (web servers and workers must see the same folder)",
    )
    forms_dir: Path | None = _setting(
        "SAMVERKAN_FORMS_DIR",
        None,
        "a folder of extra task forms (`<task id>.json`) for processes of your own, searched before the bundled forms",
    )
    smtp_url: str | None = _setting(
        "SAMVERKAN_SMTP_URL", None, "`smtp://host:port` of the mail server; unset: notifications are logged"
    )
    mail_from: str = _setting("SAMVERKAN_MAIL_FROM", "samverkan@localhost", "sender address of notification mail")
    mail_domain: str = _setting(
        "SAMVERKAN_MAIL_DOMAIN",
        "localhost",
        "`username@domain` for users without an e-mail address, and the domain of every `Message-ID`",
    )
    token_days: int = _setting(
        "SAMVERKAN_TOKEN_DAYS", "90", "how many days a new API token (`samverkan token NAME`) works", minimum=1
    )
    retention_days: int = _setting(
        "SAMVERKAN_RETENTION_DAYS",
        "1095",
        "days after a case ended before `samverkan gallra` (and the worker, daily) removes its personal data",
        minimum=1,
    )
    secure_cookies: bool = _setting(
        "SAMVERKAN_SECURE_COOKIES",
        "0",
        "`1`: the session cookie is `Secure`, sent over HTTPS only (on by itself for requests that came by HTTPS); "
        "set it behind a TLS-terminating proxy",
    )
    proxy_hops: int = _setting(
        "SAMVERKAN_PROXY_HOPS",
        "0",
        "how many reverse proxies stand in front: their `X-Forwarded-For/-Proto/-Host/-Port/-Prefix` headers are "
        "trusted (werkzeug's ProxyFix); `0` trusts none",
        minimum=0,
    )
    metrics_token: str | None = _setting(
        "SAMVERKAN_METRICS_TOKEN",
        None,
        "`/metrics` answers requests with `Authorization: Bearer <this>`; unset: only requests from the same "
        "machine that did not pass a proxy (no `X-Forwarded-For`)",
        secret=True,
    )
    accessibility_contact: str = _setting(
        "SAMVERKAN_ACCESSIBILITY_CONTACT",
        "malmo.stad@malmo.se",
        "the e-mail address `/tillganglighet` gives for reporting accessibility problems",
    )
    log_format: Literal["text", "json"] = _setting(
        "SAMVERKAN_LOG_FORMAT", "text", "`json`: one JSON object per log line (with `request_id`); `text`: plain lines"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = _setting(
        "SAMVERKAN_LOG_LEVEL", "INFO", "`DEBUG`, `INFO`, `WARNING` or `ERROR`"
    )
    oidc_issuer: str | None = _setting(
        "SAMVERKAN_OIDC_ISSUER",
        None,
        "the OpenID Connect issuer (e.g. `https://login.malmo.se/realms/stad`); set with the client id and secret, "
        'it turns on single sign-on: `/login` shows "Logga in med Malmö stads konto"',
    )
    oidc_client_id: str | None = _setting("SAMVERKAN_OIDC_CLIENT_ID", None, "Samverkan's client id at the issuer")
    oidc_client_secret: str | None = _setting(
        "SAMVERKAN_OIDC_CLIENT_SECRET", None, "Samverkan's client secret at the issuer", secret=True
    )
    oidc_roles_claim: str = _setting(
        "SAMVERKAN_OIDC_ROLES_CLAIM",
        "groups",
        "the ID token claim (a list or one text) whose values give a user's roles through `SAMVERKAN_OIDC_ROLE_MAP`",
    )
    oidc_role_map: str | None = _setting(
        "SAMVERKAN_OIDC_ROLE_MAP",
        None,
        "which claim value gives which role, e.g. `SG-Samverkan-Kontakt=kontaktperson,SG-Samverkan-Admin=admin` "
        "(a value may give several roles); unset: a value that is a role's name (`chef`) gives that role. "
        "A user with no mapped role is refused",
    )
    local_login: bool = _setting(
        "SAMVERKAN_LOCAL_LOGIN",
        "1",
        "`0`: no password login (the form is gone from `/login` and refused), only single sign-on; "
        "API tokens still work",
    )
    debug: bool = _setting(
        "SAMVERKAN_DEBUG", "0", "`1`: a failing `samverkan` command prints the traceback before its one-line reason"
    )

    def __post_init__(self) -> None:
        oidc = (self.oidc_issuer, self.oidc_client_id, self.oidc_client_secret)
        if any(oidc) and not all(oidc):
            raise SettingsError(
                "SAMVERKAN_OIDC_ISSUER, SAMVERKAN_OIDC_CLIENT_ID och SAMVERKAN_OIDC_CLIENT_SECRET anges tillsammans"
            )
        if not self.local_login and not self.sso_enabled:
            raise SettingsError("SAMVERKAN_LOCAL_LOGIN=0 kräver inloggning med SAMVERKAN_OIDC_ISSUER m.fl.")
        self.oidc_roles()  # an unusable mapping stops the command at start

    @property
    def sso_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)

    def oidc_roles(self) -> dict[str, frozenset[str]]:
        """Claim value -> roles; without a mapping every role's own name gives that role."""
        if not self.oidc_role_map:
            return {role: frozenset({role}) for role in ROLES}
        mapping: dict[str, set[str]] = {}
        for pair in self.oidc_role_map.split(","):
            value, sep, role = pair.partition("=")
            if not sep or not value.strip() or role.strip() not in ROLES:
                raise SettingsError(
                    f"SAMVERKAN_OIDC_ROLE_MAP ska vara värde=roll,… med rollerna {', '.join(ROLES)}, inte {pair!r}"
                )
            mapping.setdefault(value.strip(), set()).add(role.strip())
        return {value: frozenset(roles) for value, roles in mapping.items()}

    @classmethod
    def from_environment(cls, instance: str | Path | None = None) -> Settings:
        """The settings of this process: its environment, ``--instance`` winning over ``SAMVERKAN_HOME``."""
        return cls.from_env(os.environ, instance=instance)

    @classmethod
    def from_env(cls, environ: Mapping[str, str], instance: str | Path | None = None) -> Settings:
        """Settings from ``environ`` (empty values count as unset); ``instance`` names the instance folder."""
        hints = typing.get_type_hints(cls)
        home_text = str(instance) if instance else _given(environ, "SAMVERKAN_HOME") or "instance"
        home = (Path.cwd() / Path(home_text).expanduser()).resolve()
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name == "home":
                values["home"] = home
                continue
            raw = _given(environ, spec.metadata["env"])
            if raw is None and spec.metadata["default"] is not None:
                raw = str(spec.metadata["default"]).replace("{home}", str(home))
            values[spec.name] = _parse(spec.metadata, hints[spec.name], raw)
        return cls(**values)

    @classmethod
    def defaults(cls) -> Settings:
        """Every setting at its default (``./instance``): what tests and scripts get unless told otherwise."""
        return cls.from_env({})

    @property
    def database_label(self) -> str:
        """The database URL as it may be shown: without a password."""
        try:
            return make_url(self.database_url).render_as_string(hide_password=True)
        except ArgumentError:
            return "(ogiltig DATABASE_URL)"

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite database file, or None for PostgreSQL and in-memory databases."""
        try:
            url = make_url(self.database_url)
        except ArgumentError:
            return None
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database).resolve()

    def form_directories(self) -> tuple[Path, ...]:
        """Extra forms first (the first directory that has a form wins), then the bundled ones."""
        return (self.forms_dir, FORMS_DIR) if self.forms_dir else (FORMS_DIR,)


def variables() -> list[tuple[str, str | None, str]]:
    """``(variable, default, meaning)`` of every setting, in the order of the README table."""
    return [(f.metadata["env"], f.metadata["default"], f.metadata["meaning"]) for f in fields(Settings)]


def _given(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _parse(metadata: Mapping[str, Any], hint: Any, raw: str | None) -> Any:
    """``raw`` as the field's type: text, a folder, a whole number, on/off or one of a few words."""
    if raw is None:
        return None
    name = metadata["env"]
    kind = _without_none(hint)
    if kind is bool:
        if raw.lower() not in (*TRUE, *FALSE):
            raise SettingsError(f"{name} ska vara 1 eller 0 (på eller av), inte {raw!r}")
        return raw.lower() in TRUE
    if kind is int:
        minimum = metadata["minimum"]
        if not raw.lstrip("-").isdigit() or (minimum is not None and int(raw) < minimum):
            raise SettingsError(f"{name} ska vara ett heltal som är minst {minimum}, inte {raw!r}")
        return int(raw)
    if kind is Path:
        return (Path.cwd() / Path(raw).expanduser()).resolve()
    choices = typing.get_args(kind) if typing.get_origin(kind) is Literal else ()
    if choices:
        value = raw if raw in choices else raw.lower() if raw.lower() in choices else raw.upper()
        if value not in choices:
            raise SettingsError(f"{name} ska vara något av {', '.join(choices)}, inte {raw!r}")
        return value
    return raw


def _without_none(hint: Any) -> Any:
    if typing.get_origin(hint) in (Union, types.UnionType):
        rest = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return rest[0]
    return hint
