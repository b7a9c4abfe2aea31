"""`make bench`: run every benchmark under bench/, show each table, then one summary table.

Each script prints its own table and a line `RESULT {json}` with its key figures; this
runner gathers those lines. All figures come from this one run on this machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ORDER = (
    "step_cost",
    "http_complete",
    "http_cpu",
    "memory",
    "history_growth",
    "growth",
    "overview",
    "timer_sweep",
    "document_render",
    "statistics_page",
)
PEER = "spiff-arena, ../shared/notes/peers.md"
"""The nearest peer's figures on this machine kind (measured 2026-11/12, noisy to about ±2×)."""


def _scripts() -> list[Path]:
    # profile_* scripts print call trees for reading, not figures: run them by hand.
    found = {p.stem: p for p in HERE.glob("*.py") if p.stem not in ("run_all", "__init__", "common")}
    found = {name: p for name, p in found.items() if not name.startswith("profile_")}
    return [found[name] for name in ORDER if name in found] + [
        p for name, p in sorted(found.items()) if name not in ORDER
    ]


def main() -> None:
    results: dict[str, Any] = {}
    for script in _scripts():
        print(f"\n== {script.stem} ==", flush=True)
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
        for line in proc.stdout.splitlines():
            if line.startswith("RESULT "):
                results.update(json.loads(line.removeprefix("RESULT ")))
            else:
                print(line)
        if proc.returncode != 0:
            print(proc.stderr[-2000:])
            print(f"(failed with exit code {proc.returncode})")
    _summary(results)


def _row(what: str, value: str, target: str = "") -> None:
    print(f"{what:<60}{value:>18}  {target}")


def _summary(r: dict[str, Any]) -> None:
    print("\n== Summary (one run, this machine) ==")
    _row("figure", "value", "target")
    if "step" in r:
        _step_rows(r["step"])
    for row in r.get("http", []):
        one = row["clients"] == 1
        _row(
            f"HTTP complete, {row['clients']} client(s): p50 / p95 ms",
            f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f}",
            "p50 ≤ 5 at 1 (peer 66–78 SQLite, 120–151 PostgreSQL)" if one else "",
        )
        _row(
            f"HTTP complete, {row['clients']} client(s): completions/s",
            f"{row['per_s']:.0f}",
            "≥ 600 at 4 (peer 7–17)" if row["clients"] == 4 else "",
        )
        if "server_cpu_ms" in row:
            _row(
                f"  server CPU per completion, {row['clients']} client(s) (ms)",
                f"{row['server_cpu_ms']:.2f}",
                "≤ 1.5 (peer 63–130)" if one else "",
            )
    if "http_worker_rss_mb" in r:
        _row("  largest gunicorn worker after the HTTP run (MB)", f"{r['http_worker_rss_mb']:.0f}", "≤ 200")
    _http_cpu_rows(r.get("http_cpu"))
    _memory_rows(r.get("memory"))
    if "growth" in r:
        g = r["growth"]
        _row(f"period {g['periods']} vs 1: step time ratio", f"{g['time_ratio']:.2f}", "≤ 1.2")
        _row(f"period {g['periods']} vs 1: stored state ratio", f"{g['size_ratio']:.2f}", "≤ 1.2")
    _growth_rows(r.get("growth_db", {}), r.get("growth_db_args", {}))
    if "documents" in r:
        d = r["documents"]
        _row("follow-up report PDF: p50 / p95 wall ms", f"{d['p50_ms']:.0f} / {d['p95_ms']:.0f}", "≤ 1000")
        _row("  CPU ms (p50); load average during the run", f"{d['cpu_p50_ms']:.0f}; {d['load']:.1f}")
        _row("  first in a process (imports WeasyPrint, fontconfig) ms", f"{d['cold_ms']:.0f}")
    _migration_rows(r.get("migration"))
    if "statistics" in r:
        st = r["statistics"]
        for row in st["rows"]:
            _row(
                f"statistics {row['path']}, {st['cases']} cases, {row['db']}: p50 / p95 ms",
                f"{row['p50_ms']:.0f} / {row['p95_ms']:.0f}",
                f"≤ {st['target_ms']}" if row["path"] == "/statistik" else "",
            )
        cpu = st["rows"][0]["cpu_p50_ms"]
        _row("  CPU ms of /statistik (p50, SQLite); load average", f"{cpu:.0f}; {st['load']:.1f}")
    shown = (
        "step",
        "http",
        "http_worker_rss_mb",
        "http_cpu",
        "memory",
        "growth",
        "growth_db",
        "growth_db_args",
        "documents",
        "migration",
        "statistics",
    )
    for key, value in r.items():
        if key not in shown and isinstance(value, dict):
            for name, figure in value.items():
                target = "≥ 1000/s (≤ 10 s; peer: none)" if "PostgreSQL 2 worker" in name else ""
                _row(f"{key}: {name}", f"{figure:.1f}" if isinstance(figure, float) else str(figure), target)


def _step_rows(step: dict[str, Any]) -> None:
    raw = step["raw_ms"]
    _row("complete one task, raw SpiffWorkflow in memory (ms)", f"{raw:.2f}")
    floor = step.get("postgresql_floor_ms")
    pg_target = f"≤ floor + 2× raw = {floor + 2 * raw:.2f}" if floor is not None else "≤ floor + 2× raw"
    for key, label, target in (
        ("sqlite", "  durable, SQLite", "≤ 3× (peer 140–270×)"),
        ("sqlite_decoded", "    the same, state decoded (cache miss)", ""),
        ("sqlite_floor", "    SQLite floor: read+write+commit one row", ""),
        ("postgresql", "  durable, PostgreSQL", pg_target),
        ("postgresql_decoded", "    the same, state decoded (cache miss)", ""),
        ("postgresql_floor", "    PostgreSQL floor: read+write+commit one row", ""),
    ):
        if f"{key}_ms" in step:
            ms = step[f"{key}_ms"]
            _row(f"{label} (ms; × raw)", f"{ms:.2f} ({ms / raw:.1f}×)", target)


def _http_cpu_rows(c: dict[str, Any] | None) -> None:
    """bench/http_cpu.py: one completion's server CPU in process, split into its parts."""
    if c is None:
        return
    _row("server CPU of one completion, in process, PostgreSQL (ms)", f"{c['request ms']:.2f}", "≤ 1.5")
    spiff = c["SpiffWorkflow: complete the task ms"] + c["SpiffWorkflow: run to the next wait ms"]
    for label, ms in (
        ("SpiffWorkflow (complete and run)", spiff),
        ("token lookup", c["token lookup ms"]),
        ("load task and case", c["load task and case (query, state decode) ms"]),
        ("save", c["save (state, case row, tasks, timers, history) ms"]),
        ("Flask, hooks, JSON", c["rest (Flask, hooks, JSON) ms"]),
    ):
        _row(f"  of which {label} (ms)", f"{ms:.2f}")
    _row(
        "  psycopg alone: a round trip / a pipelined statement (µs)",
        f"{c['psycopg round trip us']:.0f} / {c['psycopg pipelined statement us']:.0f}",
    )


def _memory_rows(m: dict[str, Any] | None) -> None:
    """bench/memory.py: one gunicorn worker after a completion in each of many cases."""
    if m is None:
        return
    _row(
        f"gunicorn worker (1) after {m['completions']:,} completions in {m['cases']:,} cases (MB)",
        f"{m['rss_mb_after']:.0f}",
        f"≤ {m['target_mb']}",
    )
    state = f"{m['state_bytes_per_case']:,.0f} / {m['state_stored_bytes_per_case']:,.0f}"
    _row("  stored state per case, JSON text / as stored (bytes)", state)
    _row("  database growth per 1,000 of those cases (MB)", f"{m['db_mb_per_1000_cases']:.2f}")


def _growth_rows(figures: dict[str, Any], sizes: dict[str, Any]) -> None:
    """bench/growth.py: the big database against the small one, same active workload."""
    label = f"{sizes.get('big', 0):,} vs {sizes.get('small', 0):,} cases" if sizes else "big vs small"
    for name, figure in figures.items():
        if isinstance(figure, dict) and "ratio" in figure:
            value = f"{figure['big_ms']:.1f} ({figure['ratio']:.2f}×)"
            _row(f"{label}: {name} (ms p50; ratio)", value, "≤ 1.1×")
        elif isinstance(figure, dict):
            target = "p95 ≤ 100" if "tasks=" in name else "≤ 150" if "/overview" in name else ""
            _row(f"{name} p50 / p95 ms", f"{figure['p50_ms']:.1f} / {figure['p95_ms']:.1f}", target)
        else:
            _row(f"database growth: {name}", f"{figure:.2f}", f"(peer: {PEER_GROWTH.get(name[:2], '?')})")


PEER_GROWTH = {"sq": "11.2 MB", "po": "15 MB"}
"""The peer's database growth per 1,000 finished cases, SQLite and PostgreSQL (peers.md)."""


def _migration_rows(m: dict[str, Any] | None) -> None:
    for database in ("SQLite", "PostgreSQL") if m else ():
        if m is not None and database in m:
            figures, pg = m[database], database == "PostgreSQL"
            _row(f"migration, {m['cases']:,} cases, {database}: preview s", f"{figures['preview_s']:.2f}", "≤ 5")
            _row(f"  {database}: cases moved/s", f"{figures['cases_per_s']:.0f}", "≥ 500" if pg else "")


if __name__ == "__main__":
    main()
