"""One Swedish line for what made a command fail: a bad ``DATABASE_URL``, a database without
tables, a server that does not answer. Printed instead of a traceback (``SAMVERKAN_DEBUG=1``
shows the traceback too)."""

from __future__ import annotations

import re

from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

INIT_HINT = "kör `samverkan init`"
BAD_URL = (
    "DATABASE_URL är ingen databasadress som går att använda "
    "(t.ex. sqlite:///instance/samverkan.sqlite3 eller postgresql://användare@värd/databas)"
)


class CommandError(Exception):
    """A command that cannot run as asked; the message is its one line on stderr."""


def _first_line(err: BaseException) -> str:
    text = str(getattr(err, "orig", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _known(err: SQLAlchemyError, message: str) -> str | None:
    """The message for errors people meet when setting up; None for anything else."""
    sqlstate = getattr(getattr(err, "orig", None), "sqlstate", None)
    missing_database = re.search(r'database "([^"]+)" does not exist', message)
    if "no such table" in message or sqlstate == "42P01" or re.search(r'relation "[^"]+" does not exist', message):
        return f"Databasen saknar tabeller: {INIT_HINT}"
    if "no such column" in message or sqlstate == "42703":
        return f"Databasen har en äldre struktur: {INIT_HINT} för att uppgradera den"
    if missing_database:
        name = missing_database.group(1)
        return f"Databasen {name} finns inte på servern: skapa den (createdb {name}) eller rätta DATABASE_URL"
    if "unable to open database file" in message:
        return "SQLite-filen i DATABASE_URL går inte att öppna: finns mappen, och får du skriva där?"
    if isinstance(err, OperationalError) and "connect" in message.lower():
        return f"Databasservern svarar inte: kontrollera DATABASE_URL och att servern är igång ({message})"
    return None


def describe_database_error(err: SQLAlchemyError, database: str | None = None) -> str:
    """One line; ``database`` (the URL without password) is named so a wrong one stands out."""
    message = _first_line(err)
    if isinstance(err, NoSuchModuleError | ArgumentError):
        return f"{BAD_URL}: {message}"
    described = _known(err, message) or f"Databasfel: {message}"
    return f"{described} (databas: {database})" if database else described
