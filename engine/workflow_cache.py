"""Deserialized workflows of recently stepped cases, each valid for exactly one lock version.

Loading a case means decoding its JSON state and rebuilding SpiffWorkflow's task objects:
the largest cost of a step after the step itself. A use case takes the workflow out of the
cache (so no two threads share one object) and puts it back only after its transaction
committed; any other writer bumps the lock version, which makes the entry a miss.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow


class WorkflowCache:
    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[int, tuple[int, BpmnWorkflow]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, case_id: int, lock_version: int) -> BpmnWorkflow | None:
        with self._lock:
            entry = self._items.pop(case_id, None)
        if entry is None or entry[0] != lock_version:
            return None
        return entry[1]

    def put(self, case_id: int, lock_version: int, workflow: BpmnWorkflow) -> None:
        with self._lock:
            self._items[case_id] = (lock_version, workflow)
            self._items.move_to_end(case_id)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def moved(self, case_id: int, old_version: int, new_version: int) -> None:
        """The case's lock version moved on without its workflow changing (a claim): keep the entry valid."""
        with self._lock:
            entry = self._items.get(case_id)
            if entry is not None and entry[0] == old_version:
                self._items[case_id] = (new_version, entry[1])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
