"""``samverkan demo``: one user per role and the twelve collaborations of the brief, marked as demo.

The collaborations (samverkan_cli/demo_cases/) are replayed through the engine over the last
three years up to today (samverkan_cli/demo_replay.py). A second run leaves an existing demo
as it is; ``--reset`` removes the demo cases and everything on them, then builds them again.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

from engine import accounts, demo_data
from engine.attachments import Store
from engine.clock import STOCKHOLM, SystemClock
from engine.context import Samverkan
from engine.errors import Conflict
from engine.roles import ROLES
from samverkan_cli.demo_areas import add_demo_coordination
from samverkan_cli.demo_cases import CASES
from samverkan_cli.demo_plan import DemoCase
from samverkan_cli.demo_replay import Replay, demo_users, settle_notifications

DEMO_PASSWORD = "demo"


class ProgressBar:
    """A bar on a terminal; on anything else (a log, a pipe) a line at the start and at the end."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.live:
            filled = self.WIDTH * done // total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r[{bar}] {done}/{total} {label[:48]:<48}")
        elif done == 1:
            self.stream.write(f"Bygger demoärendena ({total} steg) …\n")
        if done == total:
            self.stream.write("\n" if self.live else f"Klart: {total} steg.\n")
        self.stream.flush()


def run_demo(
    engine: Samverkan,
    *,
    store: Store | None = None,
    now: datetime | None = None,
    reset: bool = False,
    demo_cases: Sequence[DemoCase] = CASES,
    out: TextIO = sys.stdout,
    progress: TextIO = sys.stderr,
) -> None:
    """Demo users, then the demo cases unless they exist (``reset``: remove them first)."""
    store = store or Store(engine.settings.attachments_dir)
    now = now or SystemClock().now()
    _add_users(engine)
    add_demo_coordination(engine)
    if reset:
        removed = demo_data.remove_demo_cases(engine, store)
        out.write(f"Demodata borttagen: {removed.cases} ärenden och {removed.files} bilagor.\n")
    existing = demo_data.count_demo_cases(engine)
    if existing:
        out.write(
            f"Demoärendena finns redan ({existing} st); inget har ändrats. "
            "Kör `samverkan demo --reset` för att börja om.\n"
        )
    else:
        _build(engine, store, now, demo_cases, ProgressBar(progress))
        day = now.astimezone(STOCKHOLM).date().isoformat()
        out.write(f"{len(demo_cases)} demoärenden skapade, med händelser de senaste tre åren fram till {day}.\n")
    out.write(f"Demoanvändare (lösenord ”{DEMO_PASSWORD}”): {', '.join(ROLES)}\n")
    out.write("Logga in på http://127.0.0.1:5000/login\n")


def _add_users(engine: Samverkan) -> None:
    for role, user in demo_users().items():
        try:
            accounts.add_user(engine, role, [role], DEMO_PASSWORD, display_name=user.display_name, is_demo=True)
        except Conflict:
            pass  # already there (an earlier demo, or a real account of that name: left as it is)


def _build(
    engine: Samverkan, store: Store, now: datetime, demo_cases: Sequence[DemoCase], progress: ProgressBar
) -> None:
    """Replay the cases; on any failure remove what was built, so no half demo is left behind."""
    try:
        case_ids = Replay(engine, store, now, demo_cases).run(progress)
        settle_notifications(engine, case_ids, now)
    except BaseException:
        demo_data.remove_demo_cases(engine, store)
        raise
