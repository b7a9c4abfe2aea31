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
    "history_growth",
    "overview",
    "timer_sweep",
    "document_render",
    "statistics_page",
)


def _scripts() -> list[Path]:
    # profile_* scripts print call trees for reading, not figures: run them by hand.
    found = {p.stem: p for p in HERE.glob("*.py") if p.stem not in ("run_all", "__init__")}
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
        step = r["step"]
        _row("complete one task, raw SpiffWorkflow in memory (ms)", f"{step['raw_ms']:.2f}")
        for key, label, target in (
            ("sqlite", "  durable, SQLite", "≤ 3×"),
            ("sqlite_decoded", "    the same, state decoded (cache miss)", ""),
            ("sqlite_floor", "    SQLite floor: read+write+commit one row", ""),
            ("postgresql", "  durable, PostgreSQL", "≤ 3×"),
            ("postgresql_decoded", "    the same, state decoded (cache miss)", ""),
            ("postgresql_floor", "    PostgreSQL floor: read+write+commit one row", ""),
        ):
            if f"{key}_ms" in step:
                ms = step[f"{key}_ms"]
                _row(f"{label} (ms; × raw)", f"{ms:.2f} ({ms / step['raw_ms']:.1f}×)", target)
    for row in r.get("http", []):
        _row(
            f"HTTP complete, {row['clients']} client(s): p50 / p95 ms",
            f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f}",
            "p50 ≤ 10, p95 ≤ 25 at 1" if row["clients"] == 1 else "",
        )
        _row(f"HTTP complete, {row['clients']} client(s): completions/s", f"{row['per_s']:.0f}", "≥ 200 at best")
    if "growth" in r:
        g = r["growth"]
        _row(f"period {g['periods']} vs 1: step time ratio", f"{g['time_ratio']:.2f}", "≤ 1.2")
        _row(f"period {g['periods']} vs 1: stored state ratio", f"{g['size_ratio']:.2f}", "≤ 1.2")
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
    for key, value in r.items():
        if key not in ("step", "http", "growth", "documents", "migration", "statistics") and isinstance(value, dict):
            for name, figure in value.items():
                _row(f"{key}: {name}", f"{figure:.1f}" if isinstance(figure, float) else str(figure))


def _migration_rows(m: dict[str, Any] | None) -> None:
    for database in ("SQLite", "PostgreSQL") if m else ():
        if m is not None and database in m:
            figures, pg = m[database], database == "PostgreSQL"
            _row(f"migration, {m['cases']:,} cases, {database}: preview s", f"{figures['preview_s']:.2f}", "≤ 5")
            _row(f"  {database}: cases moved/s", f"{figures['cases_per_s']:.0f}", "≥ 500" if pg else "")


if __name__ == "__main__":
    main()
