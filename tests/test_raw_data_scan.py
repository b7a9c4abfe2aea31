"""No raw data where a person reads: every page of the demo, as every role, over real HTTP.

The demo's twelve cases stand at every point of the process (three years of follow-ups, two
assessments after a komplettering, escalations), so their pages show every kind of case data.
Each role's pages are crawled from "Att göra" by following the links on them; the visible text
of each (tags, scripts and styles removed) must hold no Python repr (``{'``, ``['``), no ``=>``,
no ISO date and no enum code of the forms (those with an underscore, never Swedish prose).
"""

from __future__ import annotations

import html
import io
import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from engine import processes, queries
from engine.attachments import Store
from engine.clock import STOCKHOLM
from engine.context import SYSTEM, Samverkan
from engine.forms import FORMS_DIR
from samverkan_cli.demo import run_demo
from tests.browserless import Visitor
from tests.samverkansstod import MODEL

NOW = datetime(2027, 3, 10, 14, 0, tzinfo=STOCKHOLM)
ROLES = ("kontaktperson", "namndsekreterare", "chef", "processagare", "admin")
# Links that are files or data, not pages a person reads.
NOT_PAGES = re.compile(
    r"^/(static|login|logout|api)\b|/documents/.|/attachments/|[./](json|bpmn|csv|pdf|docx|xml|xlsx|zip)$|/export"
    r"|/arkiv$"  # the archive package (a ZIP) of a finished case
)
RAW = re.compile(r"\{'|\['|=>|\b\d{4}-\d{2}-\d{2}\b")


def _enum_codes() -> set[str]:
    """Every enum value of the product's forms that is a code (has an underscore), at any depth."""
    codes: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            codes.update(v for v in node.get("enum", []) if isinstance(v, str) and "_" in v)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for path in FORMS_DIR.glob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return codes


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def problems_in(text: str, codes: re.Pattern[str]) -> list[str]:
    found = [m for pattern in (RAW, codes) for m in pattern.finditer(text)]
    return [" ".join(text[max(0, m.start() - 60) : m.end() + 30].split()) for m in found]


def _crawl(visitor: Visitor, codes: re.Pattern[str], start: list[str]) -> tuple[int, list[str]]:
    seen: set[str] = set()
    todo = list(start)
    problems: list[str] = []
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        page = visitor.get(path)
        if page.status != 200:
            assert page.status in (302, 403), (path, page.status)  # a page for other roles
            continue
        problems += [f"{path}: {p}" for p in problems_in(visible_text(page.text), codes)]
        for link in re.findall(r'href="(/[^"#?]*)', page.text):
            if not NOT_PAGES.search(link) and link not in seen:
                todo.append(link)
    return len(seen), problems


def test_the_scan_sees_raw_data() -> None:
    codes = re.compile(r"\b(delvis_beviljat)\b")
    assert problems_in("K1 => {'bedomning': 'uppfyllt'}", codes) != []
    assert problems_in("['a', 'b']", codes) != []
    assert problems_in("Beslut: delvis_beviljat", codes) != []
    assert problems_in("Nästa uppföljning 2027-04-01", codes) != []
    assert problems_in("Beslut: Delvis beviljat, 1 apr 2027", codes) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_page_of_the_demo_shows_raw_data(engine: Samverkan, live_server: str, tmp_path: Path) -> None:
    processes.deploy(engine, SYSTEM, MODEL.read_bytes())
    run_demo(engine, store=Store(tmp_path / "bilagor"), now=NOW, out=io.StringIO(), progress=io.StringIO())
    codes = re.compile(r"\b(" + "|".join(sorted(_enum_codes())) + r")\b")
    case_ids = [c["id"] for c in queries.list_cases(engine)["items"]]
    assert len(case_ids) == 12
    start = [p for i in case_ids for p in (f"/cases/{i}", f"/cases/{i}/documents")] + ["/"]
    counted = {}
    problems: list[str] = []
    for role in ROLES:
        visitor = Visitor(live_server)
        assert visitor.log_in(role, "demo").status == 302
        counted[role], found = _crawl(visitor, codes, start)
        problems += [f"{role} {p}" for p in found]
    assert problems == [], "\n".join(problems)
    # Every role saw its inbox, the twelve case pages and their documents pages, and more.
    assert all(n > len(start) for n in counted.values()), counted
