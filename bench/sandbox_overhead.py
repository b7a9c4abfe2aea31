"""What the sandbox's time and memory guards cost per condition and script.

Runs the model's own conditions and scripts (and one loop over 100 rows, the worst case for the
per-iteration tick) twice in one run: compiled by RestrictedPython's plain policy without the
budget (how the sandbox ran before the bounds), and through :class:`engine.sandbox.Sandbox`
as it runs now. Prints µs per evaluation and the ratio. A durable step costs 1–3 ms (see
bench/step_cost.py), so a few µs per evaluation do not show there.
Usage: .venv/bin/python bench/sandbox_overhead.py
"""

from __future__ import annotations

import json
import operator
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from RestrictedPython import compile_restricted_eval, compile_restricted_exec  # noqa: E402
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter  # noqa: E402
from RestrictedPython.Guards import (  # noqa: E402
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

from engine import sandbox  # noqa: E402
from engine.clock import FixedClock, parse_instant, using  # noqa: E402

# A case's data around the follow-up year: the size a condition really sees.
DATA: dict[str, Any] = {
    "belopp": 250_000,
    "beskrivning": "Trygghetsvandring och boendedialog i Holma och Kroksbäck " * 4,
    "omrade": "holma",
    "antal_boende": 40,
    "rekommendation": "tillstyrk",
    "beslut": "beviljat",
    "period_start": "2027-03-01",
    "period_slut": "2028-08-31",
    "uppfoljningsintervall": "P6M",
    "uppfoljningar": ["2027-09-01", "2028-03-01", "2028-08-31"],
    "antal_uppfoljningar": 3,
    "uppfoljning_nr": 1,
    "nasta_uppfoljning": "2028-03-01",
    "godkanda_uppfoljningar": 1,
    "godkand": True,
    "rader": [{"post": f"post {n}", "belopp": 1000 + n} for n in range(100)],
    **{f"falt_{n}": f"värde {n}" for n in range(20)},
}

CONDITIONS = {
    "cond: antal_boende > 0": "antal_boende > 0",
    "cond: beslut in (…)": 'beslut in ("beviljat", "delvis_beviljat")',
    "cond: uppfoljning_nr < antal": "uppfoljning_nr < antal_uppfoljningar",
}
SCRIPTS = {
    "script: oppna_uppfoljning": (
        "uppfoljningsdatum = nasta_uppfoljning\n"
        "uppfoljning_nr = uppfoljning_nr + 1\n"
        'rapport_senast = add_duration(uppfoljningsdatum, "P30D")\n'
        "if uppfoljning_nr < antal_uppfoljningar:\n"
        "    nasta_uppfoljning = uppfoljningar[uppfoljning_nr]\n"
        "else:\n"
        '    nasta_uppfoljning = ""\n'
    ),
    "script: berakna_uppfoljningar": (
        "try:\n"
        '    uppfoljningsintervall = uppfoljningsintervall or "P12M"\n'
        "except NameError:\n"
        '    uppfoljningsintervall = "P12M"\n'
        "uppfoljningar = follow_up_dates(period_start, period_slut, uppfoljningsintervall)\n"
        "antal_uppfoljningar = len(uppfoljningar)\n"
    ),
    "script: loop over 100 rows": (
        "total = 0\nfor rad in rader:\n    if rad['belopp'] > 0:\n        total += rad['belopp']\n"
    ),
}


class Unguarded:
    """The sandbox before the bounds: RestrictedPython's own policy, no budget, no data check."""

    def __init__(self) -> None:
        self.helpers = sandbox.helper_functions()

    def _globals(self, data: dict[str, Any]) -> dict[str, Any]:
        scope: dict[str, Any] = dict(data)
        scope.update(self.helpers)
        scope.update(
            {
                "__builtins__": sandbox._BUILTINS,
                "_getattr_": safer_getattr,
                "_getitem_": default_guarded_getitem,
                "_getiter_": default_guarded_getiter,
                "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
                "_unpack_sequence_": guarded_unpack_sequence,
                "_write_": full_write_guard,
                "_inplacevar_": lambda op, a, b: {"+=": operator.add, "-=": operator.sub}[op](a, b),
            }
        )
        return scope

    def evaluate(self, source: str, data: dict[str, Any]) -> Any:
        code = _compiled(source, "eval")
        return eval(code, self._globals(data))  # noqa: S307 - benchmark of restricted code

    def execute(self, source: str, data: dict[str, Any]) -> None:
        scope = self._globals(data)
        exec(_compiled(source, "exec"), scope)  # noqa: S102 - benchmark of restricted code
        for key, value in scope.items():
            if not (key.startswith("_") or key in self.helpers or callable(value)):
                data[key] = value


_CODE: dict[tuple[str, str], Any] = {}


def _compiled(source: str, mode: str) -> Any:
    key = (source, mode)
    if key not in _CODE:
        compile_ = compile_restricted_eval if mode == "eval" else compile_restricted_exec
        _CODE[key] = compile_(source.strip() if mode == "eval" else source).code
    return _CODE[key]


def _per_call_us(run: Callable[[], Any], n: int) -> float:
    for _ in range(50):
        run()
    rounds = []
    for _ in range(7):
        began = time.perf_counter()
        for _ in range(n):
            run()
        rounds.append((time.perf_counter() - began) / n * 1e6)
    return statistics.median(rounds)


def main() -> None:
    plain, guarded = Unguarded(), sandbox.Sandbox()
    rows: dict[str, dict[str, float]] = {}
    with using(FixedClock(parse_instant("2027-03-01T09:00:00+01:00"))):
        cases: list[tuple[str, str, bool]] = [(k, v, False) for k, v in CONDITIONS.items()]
        cases += [(k, v, True) for k, v in SCRIPTS.items()]
        for label, source, is_script in cases:
            n = 300 if "loop" in label or "berakna" in label else 3000
            timings = {}
            # Alternate so that load on the machine hits both alike.
            for name, engine in (("before", plain), ("now", guarded), ("before", plain), ("now", guarded)):
                if is_script:
                    took = _per_call_us(lambda e=engine, s=source: e.execute(s, dict(DATA)), n)
                else:
                    took = _per_call_us(lambda e=engine, s=source: e.evaluate(s, DATA), n)
                timings[name] = min(timings.get(name, took), took)
            rows[label] = {"before_us": timings["before"], "now_us": timings["now"]}
    print(f"{'evaluation':<48}{'before µs':>11}{'guarded µs':>12}{'ratio':>8}")
    for label, row in rows.items():
        print(f"{label:<48}{row['before_us']:>11.1f}{row['now_us']:>12.1f}{row['now_us'] / row['before_us']:>8.2f}")
    print("(one run; the machine may be shared, compare the ratio)")
    summary = {
        f"{label} (µs)": f"{r['before_us']:.1f} → {r['now_us']:.1f} ({r['now_us'] / r['before_us']:.2f}×)"
        for label, r in rows.items()
    }
    print("RESULT " + json.dumps({"sandbox": summary}))


if __name__ == "__main__":
    main()
