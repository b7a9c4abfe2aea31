"""``samverkan`` command: init, demo, serve, worker, user add, token, deploy, gallra, export, backup, restore.

Exit status 0 on success; otherwise non-zero with a one-line reason on stderr. The settings
(:class:`engine.settings.Settings`) are read once, here, and handed to every command.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from engine import accounts, processes, reference
from engine.context import SYSTEM, Samverkan
from engine.db import migrate
from engine.errors import DomainError
from engine.roles import ROLES
from engine.settings import Settings, SettingsError
from samverkan_cli.errors import CommandError, describe_database_error
from samverkan_data import BPMN_DIR


def _engine(args: argparse.Namespace, create: bool = False) -> Samverkan:
    """The engine on the configured database; ``create``: make the instance folder (init, demo).

    Other commands need a database that exists: a SQLite file that is not there is refused, not
    silently created empty (SQLite would), so a command run in the wrong folder says so.
    """
    settings: Settings = args.settings
    if create:
        settings.home.mkdir(parents=True, exist_ok=True)
        settings.attachments_dir.mkdir(parents=True, exist_ok=True)
    else:
        _require_database(settings)
    return Samverkan.from_settings(settings)


def _require_database(settings: Settings) -> None:
    database = settings.sqlite_file
    if database is None or database.exists():
        return
    where = "ange instansmappen med --instance DIR eller SAMVERKAN_HOME, eller kör `samverkan init`"
    if database.parent == settings.home and not settings.home.is_dir():
        raise CommandError(f"Det finns ingen instans i {settings.home}: {where}")
    raise CommandError(f"Databasen {database} finns inte: {where}")


def _tell_database(args: argparse.Namespace) -> None:
    settings: Settings = args.settings
    print(f"Databas: {settings.database_label} (instansmapp {settings.home})")


def init(engine: Samverkan) -> None:
    """Create or upgrade the schema (Alembic migrations), deploy bundled BPMN, load reference data (idempotent)."""
    migrate(engine.db)
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        processes.deploy(engine, SYSTEM, path.read_bytes(), comment=f"Levererad med produkten ({path.name})")
    reference.load_example_areas(engine)


def cmd_init(args: argparse.Namespace) -> int:
    engine = _engine(args, create=True)
    _tell_database(args)
    init(engine)
    print("Databasen är klar.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from engine.clock import parse_instant
    from samverkan_cli.demo import run_demo
    from samverkan_cli.demo_plan import DemoError

    try:
        now = parse_instant(args.now) if args.now else None
    except ValueError:
        return _fail(f"ogiltig tidpunkt för --now: {args.now} (ange t.ex. 2027-06-01T08:00:00+02:00)")
    engine = _engine(args, create=True)
    _tell_database(args)
    init(engine)
    try:
        run_demo(engine, now=now, reset=args.reset)
    except DemoError as err:
        return _fail(f"demoärendena kunde inte byggas, inget har sparats: {err}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    if args.workers is not None:
        from samverkan_cli.server import serve  # gunicorn; it names the metrics folder before prometheus is imported

        _require_database(args.settings)
        return serve(args.settings, args.host, args.port, args.workers)

    from werkzeug.serving import run_simple

    from engine import logs
    from web import create_app

    engine = _engine(args)
    _tell_database(args)
    init(engine)  # the demo server: migrations and the bundled models first, as `samverkan demo` left them
    logs.configure(args.settings)  # werkzeug's own request lines give way to ours (with request ids)
    print(f"Samverkan: http://{args.host}:{args.port} (demoservern; produktion: serve --workers N)", flush=True)
    run_simple(args.host, args.port, create_app(engine=engine), threaded=True)
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    engine = _engine(args)
    _tell_database(args)
    migrate(engine.db)
    accounts.add_user(engine, args.name, args.role, args.password, email=args.email)
    print(f"Användaren {args.name} skapad med roller: {', '.join(args.role)}")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    print(accounts.new_token(_engine(args), args.name))
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"filen {path} finns inte")
    engine = _engine(args)
    migrate(engine.db)
    try:
        deployed = processes.deploy(engine, SYSTEM, path.read_bytes(), comment=args.comment)
    except DomainError as err:
        print(f"samverkan: {err.message}", file=sys.stderr)
        for detail in err.details:
            print(f"  {detail.get('element_id') or '-'}: {detail.get('message')}", file=sys.stderr)
        return 1
    print(f"{deployed.process_id} {deployed.version}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from engine import backup

    target = Path(args.file)
    engine = _engine(args)
    _tell_database(args)
    summary = backup.backup(engine, args.settings.attachments_dir, target)
    print(f"Säkerhetskopian {target} är skriven: {summary.describe()}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from engine import backup

    source = Path(args.file)
    if not source.is_file():
        raise CommandError(f"filen {source} finns inte")
    engine = _engine(args, create=True)  # restoring onto a new machine is what a backup is for
    _tell_database(args)
    summary = backup.restore(engine, args.settings.attachments_dir, source)
    print(f"Återställt från {source}: {summary.describe()}")
    return 0


def cmd_gallra(args: argparse.Namespace) -> int:
    from engine import attachments, retention

    engine = _engine(args)
    _tell_database(args)
    result = retention.gallra(engine, attachments.Store(args.settings.attachments_dir), dry_run=args.dry_run)
    for line in result.lines():
        print(line)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from engine import attachments
    from web.archive import package  # the documents (PDF/A) are made by the web layer's renderer

    engine = _engine(args)
    _tell_database(args)
    _, content = package(engine, attachments.Store(args.settings.attachments_dir), args.case_id)
    target = Path(args.file)
    target.write_bytes(content)
    print(f"Arkivpaketet för ärende {args.case_id} är skrivet till {target} ({len(content)} byte)")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from samverkan_cli.worker import run_worker

    engine = _engine(args)
    return run_worker(engine, args.once, args.now, args.interval)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr like every other failure."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message} (se {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"ska vara ett heltal större än 0, inte {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    instance_help = "instansmappen (databasen, bilagorna, nyckeln); standard SAMVERKAN_HOME, annars ./instance"
    root = _Parser(prog="samverkan", description="Samverkan: arbetsflöde för samverkansstöd")
    root.add_argument("--instance", metavar="DIR", help=instance_help)
    # Also after the command (`samverkan serve --instance DIR`); given there, it wins.
    common = _Parser(add_help=False)
    common.add_argument("--instance", metavar="DIR", default=argparse.SUPPRESS, help=instance_help)
    sub = root.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "init", parents=[common], help="skapa/uppgradera databasen, driftsätt BPMN, läs in referensdata"
    ).set_defaults(func=cmd_init)
    demo = sub.add_parser(
        "demo", parents=[common], help="init plus demoanvändare och demoärenden (finns de redan ändras inget)"
    )
    demo.add_argument("--reset", action="store_true", help="ta bort demoärendena och allt som hör till dem, bygg om")
    demo.add_argument("--now", help="bygg demon fram till denna tidpunkt i stället för nu (ISO 8601 med tidszon)")
    demo.set_defaults(func=cmd_demo)
    serve = sub.add_parser("serve", parents=[common], help="starta webbappen och API:t")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument(
        "--workers", type=_positive, help="produktionsservern: gunicorn med så många processer (utan: demoservern)"
    )
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser(
        "worker", parents=[common], help="avfyra förfallna timrar (egen process, körs med jämna mellanrum)"
    )
    worker.add_argument("--once", action="store_true", help="ett svep som avfyrar allt som förfallit, sedan avsluta")
    worker.add_argument("--now", help="agera som om klockan vore denna tidpunkt (ISO 8601 med tidszon)")
    worker.add_argument("--interval", type=float, default=30.0, help="sekunder mellan svepen (standard 30)")
    worker.set_defaults(func=cmd_worker)
    user = sub.add_parser("user", help="användare").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", parents=[common], help="skapa en användare")
    add.add_argument("name")
    add.add_argument("--role", action="append", required=True, choices=sorted(ROLES))
    add.add_argument("--password")
    add.add_argument("--email", help="e-postadress för påminnelser (annars namn@SAMVERKAN_MAIL_DOMAIN)")
    add.set_defaults(func=cmd_user_add)
    token = sub.add_parser("token", parents=[common], help="skriv ut en ny API-token för användaren")
    token.add_argument("name")
    token.set_defaults(func=cmd_token)
    deploy = sub.add_parser("deploy", parents=[common], help="validera och driftsätt en BPMN-fil")
    deploy.add_argument("file")
    deploy.add_argument("--comment", default="")
    deploy.set_defaults(func=cmd_deploy)
    gallra = sub.add_parser(
        "gallra",
        parents=[common],
        help="ta bort personuppgifter i ärenden som avslutades för längre sedan än SAMVERKAN_RETENTION_DAYS dagar",
    )
    gallra.add_argument("--dry-run", action="store_true", help="visa vad som skulle tas bort, ändra inget")
    gallra.set_defaults(func=cmd_gallra)
    export = sub.add_parser(
        "export", parents=[common], help="skriv ett avslutat ärende som arkivpaket (ZIP för e-arkivet) till FILE"
    )
    export.add_argument("case_id", type=_positive, metavar="CASE_ID")
    export.add_argument("file", metavar="FILE")
    export.set_defaults(func=cmd_export)
    saving = sub.add_parser(
        "backup", parents=[common], help="säkerhetskopiera databasen och bilagorna till en fil (.tar.gz)"
    )
    saving.add_argument("file")
    saving.set_defaults(func=cmd_backup)
    restoring = sub.add_parser(
        "restore", parents=[common], help="ersätt databasen och bilagorna med en säkerhetskopias"
    )
    restoring.add_argument("file")
    restoring.set_defaults(func=cmd_restore)
    return root


def _fail(message: str, debug: bool = False) -> int:
    if debug:
        traceback.print_exc()
    print(f"samverkan: {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.settings = Settings.from_environment(args.instance)
    except SettingsError as err:
        return _fail(str(err))
    func: Callable[[argparse.Namespace], int] = args.func
    return _run(func, args, args.settings.debug)


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace, debug: bool) -> int:
    try:
        return func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # the contract: one line on stderr, never a traceback
        return _fail(_reason(err, args.settings), debug)


def _reason(err: Exception, settings: Settings) -> str:
    if isinstance(err, CommandError):
        return str(err)
    if isinstance(err, DomainError):
        return err.message
    if isinstance(err, SQLAlchemyError):
        return describe_database_error(err, settings.database_label)
    if isinstance(err, OSError):
        return f"{err.strerror or err}{f': {err.filename}' if err.filename else ''}"
    return f"oväntat fel ({type(err).__name__}: {err}); SAMVERKAN_DEBUG=1 visar hela felet"


if __name__ == "__main__":
    raise SystemExit(main())
