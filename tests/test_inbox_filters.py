"""The inbox's counts: each says exactly how many tasks choosing that value would show."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from engine.worklist import WHO, InboxFilter, narrow

AREAS = ("", "sofielund", "rosengard")
PHASES = ("Initiering", "Beslut")

tasks = st.lists(
    st.fixed_dictionaries(
        {
            "area": st.sampled_from(AREAS),
            "phase": st.sampled_from(PHASES),
            "overdue": st.booleans(),
            "mine": st.booleans(),
            "assignee": st.sampled_from([None, "kim", "bo"]),
        }
    ).map(lambda t: t | {"assignee": "kim"} if t["mine"] else t),
    max_size=25,
)
filters = st.builds(
    InboxFilter,
    area=st.sampled_from(AREAS),
    phase=st.sampled_from(("", *PHASES)),
    overdue=st.booleans(),
    who=st.sampled_from(("", *WHO)),
)


@given(tasks, filters)
def test_every_count_is_what_choosing_it_shows(items: list[dict[str, Any]], chosen: InboxFilter) -> None:
    found = narrow(items, chosen)
    assert found.total == len(items)
    assert all(chosen.matches(item) for item in found.items)
    assert len(found.items) == sum(1 for item in items if chosen.matches(item))
    for area in AREAS[1:]:
        assert found.counts["area"][area] == len(narrow(items, replace(chosen, area=area)).items)
    for phase in PHASES:
        assert found.counts["phase"][phase] == len(narrow(items, replace(chosen, phase=phase)).items)
    assert found.counts["overdue"]["true"] == len(narrow(items, replace(chosen, overdue=True)).items)
    for who in ("", *WHO):
        assert found.counts["who"][who] == len(narrow(items, replace(chosen, who=who)).items)
