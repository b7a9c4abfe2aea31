"""What checking the API token in the database costs per request, against the old 30 s cache.

Tokens used to be cached per process for 30 s, so a deleted token kept working that long; now
every request looks the token up (one indexed join with its user). This prints the time of that
lookup on SQLite and PostgreSQL next to a cache hit. Usage: .venv/bin/python bench/token_lookup.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import accounts  # noqa: E402
from engine.context import Samverkan  # noqa: E402
from engine.db import create_schema  # noqa: E402
from engine.expiring import ExpiringCache  # noqa: E402

PG = os.environ.get("SAMVERKAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LOOKUPS = 3000


def _per_lookup_us(engine: Samverkan) -> float:
    create_schema(engine.db)
    accounts.add_user(engine, "kim", ["kontaktperson"])
    tokens = [accounts.new_token(engine, "kim") for _ in range(50)]
    for token in tokens:
        accounts.user_for_token(engine, token)  # warm the pool and the statement cache
    rounds = []
    for _ in range(5):
        began = time.perf_counter()
        for n in range(LOOKUPS):
            assert accounts.user_for_token(engine, tokens[n % len(tokens)]) is not None
        rounds.append((time.perf_counter() - began) / LOOKUPS * 1e6)
    return statistics.median(rounds)


def _cache_hit_us() -> float:
    cache: ExpiringCache[str, str] = ExpiringCache(seconds=30.0)
    cache.put("digest", "kim")
    began = time.perf_counter()
    for _ in range(LOOKUPS * 10):
        cache.get("digest")
    return (time.perf_counter() - began) / (LOOKUPS * 10) * 1e6


def main() -> None:
    figures = {"cache hit, old (µs)": _cache_hit_us()}
    with tempfile.TemporaryDirectory() as folder:
        sqlite = Samverkan.from_url(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        figures["database lookup, SQLite (µs)"] = _per_lookup_us(sqlite)
        sqlite.db.dispose()
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        pg = Samverkan.from_url(f"{PG}?options=-csearch_path%3D{name}")
        figures["database lookup, PostgreSQL (µs)"] = _per_lookup_us(pg)
        pg.db.dispose()
    except Exception as err:  # noqa: BLE001 - PostgreSQL is optional for this figure
        print(f"(PostgreSQL skipped: {err})")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()
    print("| token check | per request |")
    print("|---|---:|")
    for label, value in figures.items():
        print(f"| {label.rsplit(' (', 1)[0]} | {value:.1f} µs |")
    print("RESULT " + json.dumps({"token_lookup": figures}))


if __name__ == "__main__":
    main()
