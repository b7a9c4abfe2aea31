"""Demo data: one user per role (cases come with the samverkansstöd model)."""

from __future__ import annotations

from engine import accounts
from engine.context import Samverkan
from engine.errors import Conflict
from engine.roles import ROLES

DEMO_PASSWORD = "demo"


def run_demo(engine: Samverkan) -> None:
    for role in ROLES:
        try:
            accounts.add_user(engine, role, [role], DEMO_PASSWORD, display_name=f"{ROLES[role]} (demo)", is_demo=True)
        except Conflict:
            pass
    print("Demoanvändare (lösenord «demo»): " + ", ".join(ROLES))
