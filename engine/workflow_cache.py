"""Deserialized workflows of recently stepped cases, each valid for exactly one lock version.

Loading a case means decoding its JSON state and rebuilding SpiffWorkflow's task objects:
the largest cost of a step after the step itself. A use case takes the workflow out of the
cache (so no two threads share one object) and puts it back only after its transaction
committed; any other writer bumps the lock version, which makes the entry a miss.

The cache is bounded by count and by size: a workflow's size is its number of task objects
(what its memory grows with: each holds its spec reference, state and data), and the oldest
entries go once the sum passes ``max_tasks``. A follow-up year with many periods costs more
room than a case at its start, so many large cases cannot grow a worker without bound.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

MAX_TASKS = 20_000
"""Task objects all cached workflows may hold together (a case at `bedomning` has about 25, a
long follow-up year a few hundred): some tens of MB per process."""


class WorkflowCache:
    def __init__(self, size: int = 256, max_tasks: int = MAX_TASKS) -> None:
        self._size = size
        self._max_tasks = max_tasks
        self._tasks = 0
        self._items: OrderedDict[int, tuple[int, BpmnWorkflow, int]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, case_id: int, lock_version: int) -> BpmnWorkflow | None:
        with self._lock:
            entry = self._items.pop(case_id, None)
            if entry is not None:
                self._tasks -= entry[2]
        if entry is None or entry[0] != lock_version:
            return None
        return entry[1]

    def put(self, case_id: int, lock_version: int, workflow: BpmnWorkflow) -> None:
        weight = len(workflow.tasks)
        with self._lock:
            old = self._items.pop(case_id, None)
            if old is not None:
                self._tasks -= old[2]
            self._items[case_id] = (lock_version, workflow, weight)
            self._tasks += weight
            while self._items and (len(self._items) > self._size or self._tasks > self._max_tasks):
                self._tasks -= self._items.popitem(last=False)[1][2]

    def moved(self, case_id: int, old_version: int, new_version: int) -> None:
        """The case's lock version moved on without its workflow changing (a claim): keep the entry valid."""
        with self._lock:
            entry = self._items.get(case_id)
            if entry is not None and entry[0] == old_version:
                self._items[case_id] = (new_version, entry[1], entry[2])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._tasks = 0

    @property
    def tasks(self) -> int:
        """Task objects held by the cached workflows (what the size bound counts)."""
        return self._tasks
