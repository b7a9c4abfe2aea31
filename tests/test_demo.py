"""`samverkan demo` spreads the twelve collaborations of the brief over the flow."""

from __future__ import annotations

from collections import Counter

from engine import queries, reference
from engine.context import Samverkan
from engine.db import make_engine
from samverkan_cli.demo import run_demo
from samverkan_cli.main import init


def test_demo_cases_cover_the_flow(database_url: str, capsys: object) -> None:
    engine = Samverkan(db=make_engine(database_url))
    init(engine)
    reference.load_example_areas(engine)
    run_demo(engine)
    run_demo(engine)  # idempotent: no second set
    cases = queries.list_cases(engine)["items"]
    assert len(cases) == 12 and all(c["is_demo"] for c in cases)
    ends = Counter(c["end_event"] for c in cases if c["status"] == "completed")
    assert ends == {"slut_utan_beslut": 1, "slut_avstyrkt": 1, "slut_avslutat": 1}
    phases = {c["phase"] for c in cases if c["status"] == "active"}
    assert phases >= {"Initiering", "Ansökan och bedömning", "Beslut", "Samarbete", "Genomförande och uppföljning"}
    follow_ups = sorted(c["data"].get("godkanda_uppfoljningar") or 0 for c in cases)
    assert 1 in follow_ups and 2 in follow_ups
    assert queries.overview(engine)["overdue"] >= 1
    engine.db.dispose()
