"""Keep a long-running case's live state small.

SpiffWorkflow keeps every finished task in its tree, each with a copy of the case data, so a
case going round the follow-up loop grows by a few kB per period and every step gets slower.
Finished history is already kept in the history table (and the case row keeps the data), so
the tree only needs its recent part: we cut the chain of finished tasks above the point where
all live tasks meet, keeping ``KEEP_DEPTH`` levels so joins still find their splits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

# Levels of finished ancestors kept above the live tasks' common ancestor. A join looks back to
# its split; in our models that is a few levels (boundary events, gateways), far below this.
KEEP_DEPTH = 30


def _chain(task: Any) -> list[Any]:
    """The path from the root to ``task``, root first."""
    path = []
    node = task
    while node is not None:
        path.append(node)
        node = node.parent
    path.reverse()
    return path


def _common_prefix(paths: Iterable[list[Any]]) -> list[Any]:
    paths = list(paths)
    prefix: list[Any] = []
    for level in zip(*paths, strict=False):
        if any(node.id != level[0].id for node in level):
            break
        prefix.append(level[0])
    return prefix


def prune_finished_history(workflow: BpmnWorkflow) -> int:
    """Cut old finished tasks from the tree; return how many were dropped."""
    if workflow.subprocesses:
        return 0  # call activities keep their own trees; not pruned
    if len(workflow.tasks) <= KEEP_DEPTH + 2:
        return 0  # the tree cannot be deeper than it has tasks: nothing to cut (the common case)
    live = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not live:
        return 0
    common = _common_prefix(_chain(t) for t in live)
    if len(common) <= KEEP_DEPTH + 2:
        return 0
    anchor = None
    for node in reversed(common[1 : len(common) - KEEP_DEPTH]):
        # Cut only at a finished point of the chain with one way on: nothing branches across the cut.
        if node.state == TaskState.COMPLETED and len(node._children) == 1:
            anchor = node
            break
    if anchor is None or anchor.parent is None or anchor.parent.id == common[0].id:
        return 0
    root = common[0]
    root._children = [anchor.id]
    anchor._parent = root.id
    keep = set()
    stack = [root]
    while stack:
        node = stack.pop()
        keep.add(node.id)
        stack.extend(node.children)
    dropped = [task_id for task_id in workflow.tasks if task_id not in keep]
    for task_id in dropped:
        del workflow.tasks[task_id]
    if workflow.last_task is not None and workflow.last_task.id not in keep:
        workflow.last_task = anchor
    return len(dropped)
