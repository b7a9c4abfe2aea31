"""Shared helpers for browser tests: Chromium from the system, log in through the real form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from engine import accounts
from engine.context import Samverkan

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "lösenord-123"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """System Chromium (never `playwright install`), quiet and sandbox-free for containers."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """For test modules that import it: SQLite only. What their pages do is tested on both databases elsewhere."""
    return f"sqlite:///{tmp_path / 'browser.sqlite3'}"


@pytest.fixture(scope="session")
def base_url() -> None:
    """Replaces pytest-base-url's fixture, which warns (an error here) under pytest 9."""
    return None


def log_in(page: Page, base_url: str, engine: Samverkan, username: str, *roles: str) -> None:
    if accounts.get_user(engine, username) is None:
        accounts.add_user(engine, username, list(roles), PASSWORD, display_name=username.title())
    page.goto(f"{base_url}/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def inject_axe(page: Page) -> None:
    """Load axe-core through the DevTools protocol: a ``<script>`` tag with inline code (what
    ``add_script_tag`` makes) is refused by our Content-Security-Policy, as it should be."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")


def axe_violations(page: Page, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    inject_axe(page)
    context = {"exclude": [[sel] for sel in exclude or []]}
    result: dict[str, Any] = page.evaluate("(ctx) => axe.run(ctx.exclude.length ? ctx : document)", context)
    violations: list[dict[str, Any]] = result["violations"]
    return violations
