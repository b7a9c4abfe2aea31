"""The workflow cache stays within its count and its size (task objects), whatever is put and taken."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from engine.workflow_cache import WorkflowCache

OPS = st.lists(
    st.tuples(st.sampled_from(["put", "take"]), st.integers(1, 8), st.integers(0, 3), st.integers(0, 40)),
    max_size=60,
)


def _workflow(tasks: int) -> Any:
    return SimpleNamespace(tasks=dict.fromkeys(range(tasks)))


@given(OPS)
def test_the_cache_holds_at_most_its_count_and_its_tasks(ops: list[tuple[str, int, int, int]]) -> None:
    cache = WorkflowCache(size=4, max_tasks=60)
    model: dict[int, tuple[int, Any]] = {}  # what a cache without bounds would hold
    for op, case_id, version, tasks in ops:
        if op == "put":
            workflow = _workflow(tasks)
            cache.put(case_id, version, workflow)
            model[case_id] = (version, workflow)
        else:
            found = cache.take(case_id, version)
            expected = model.pop(case_id, None)
            # Never a workflow of another version or another put; a miss only by eviction.
            assert found is None or (expected is not None and expected == (version, found))
        held = cache._items
        assert len(held) <= 4
        assert cache.tasks == sum(len(entry[1].tasks) for entry in held.values()) <= 60


def test_large_workflows_push_out_the_oldest() -> None:
    cache = WorkflowCache(size=100, max_tasks=100)
    for case_id in range(1, 5):
        cache.put(case_id, 1, _workflow(30))
    assert cache.tasks == 90  # three of four fit: the first went
    assert cache.take(1, 1) is None
    assert cache.take(4, 1) is not None
    assert cache.tasks == 60
