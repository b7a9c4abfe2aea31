"""``samverkan`` command: init, demo, serve, worker, user add, token, deploy, backup, restore.

Exit status 0 on success; otherwise non-zero with a one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import os
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
from samverkan_cli.errors import describe_database_error
from samverkan_data import BPMN_DIR


def _engine() -> Samverkan:
    return Samverkan.from_url()


def init(engine: Samverkan) -> None:
    """Create or upgrade the schema (Alembic migrations), deploy bundled BPMN, load reference data (idempotent)."""
    migrate(engine.db)
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        processes.deploy(engine, SYSTEM, path.read_bytes(), comment=f"Levererad med produkten ({path.name})")
    reference.load_example_areas(engine)


def cmd_init(args: argparse.Namespace) -> int:
    init(_engine())
    print("Databasen är klar.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from samverkan_cli.demo import run_demo

    engine = _engine()
    init(engine)
    run_demo(engine)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from werkzeug.serving import run_simple

    from web import create_app

    engine = _engine()
    init(engine)
    run_simple(args.host, args.port, create_app(engine=engine), threaded=True)
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    engine = _engine()
    migrate(engine.db)
    accounts.add_user(engine, args.name, args.role, args.password, email=args.email)
    print(f"Användaren {args.name} skapad med roller: {', '.join(args.role)}")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    print(accounts.new_token(_engine(), args.name))
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    engine = _engine()
    migrate(engine.db)
    path = Path(args.file)
    if not path.is_file():
        return _fail(f"filen {path} finns inte")
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
    from engine import attachments, backup

    target = Path(args.file)
    summary = backup.backup(_engine(), attachments.default_directory(), target)
    print(f"Säkerhetskopian {target} är skriven: {summary.describe()}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from engine import attachments, backup

    source = Path(args.file)
    if not source.is_file():
        return _fail(f"filen {source} finns inte")
    summary = backup.restore(_engine(), attachments.default_directory(), source)
    print(f"Återställt från {source}: {summary.describe()}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from samverkan_cli.worker import run_worker

    return run_worker(args.once, args.now, args.interval)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr like every other failure."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message} (se {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog="samverkan", description="Samverkan: arbetsflöde för samverkansstöd")
    sub = root.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="skapa/uppgradera databasen, driftsätt BPMN, läs in referensdata").set_defaults(
        func=cmd_init
    )
    sub.add_parser("demo", help="init plus demoanvändare och demoärenden").set_defaults(func=cmd_demo)
    serve = sub.add_parser("serve", help="starta webbappen och API:t")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="avfyra förfallna timrar (eget process, körs med jämna mellanrum)")
    worker.add_argument("--once", action="store_true", help="ett svep som avfyrar allt som förfallit, sedan avsluta")
    worker.add_argument("--now", help="agera som om klockan vore denna tidpunkt (ISO 8601 med tidszon)")
    worker.add_argument("--interval", type=float, default=30.0, help="sekunder mellan svepen (standard 30)")
    worker.set_defaults(func=cmd_worker)
    user = sub.add_parser("user", help="användare").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="skapa en användare")
    add.add_argument("name")
    add.add_argument("--role", action="append", required=True, choices=sorted(ROLES))
    add.add_argument("--password")
    add.add_argument("--email", help="e-postadress för påminnelser (annars namn@SAMVERKAN_MAIL_DOMAIN)")
    add.set_defaults(func=cmd_user_add)
    token = sub.add_parser("token", help="skriv ut en ny API-token för användaren")
    token.add_argument("name")
    token.set_defaults(func=cmd_token)
    deploy = sub.add_parser("deploy", help="validera och driftsätt en BPMN-fil")
    deploy.add_argument("file")
    deploy.add_argument("--comment", default="")
    deploy.set_defaults(func=cmd_deploy)
    saving = sub.add_parser("backup", help="säkerhetskopiera databasen och bilagorna till en fil (.tar.gz)")
    saving.add_argument("file")
    saving.set_defaults(func=cmd_backup)
    restoring = sub.add_parser("restore", help="ersätt databasen och bilagorna med en säkerhetskopias")
    restoring.add_argument("file")
    restoring.set_defaults(func=cmd_restore)
    return root


def _fail(message: str) -> int:
    if os.environ.get("SAMVERKAN_DEBUG") == "1":
        traceback.print_exc()
    print(f"samverkan: {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except DomainError as err:
        return _fail(err.message)
    except SQLAlchemyError as err:
        return _fail(describe_database_error(err))
    except OSError as err:
        return _fail(f"{err.strerror or err}{f': {err.filename}' if err.filename else ''}")
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # the contract: one line on stderr, never a traceback
        return _fail(f"oväntat fel ({type(err).__name__}: {err}); SAMVERKAN_DEBUG=1 visar hela felet")


if __name__ == "__main__":
    raise SystemExit(main())
