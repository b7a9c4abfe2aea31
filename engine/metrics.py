"""Counters of what the engine did in this process, exported at ``/metrics`` (prometheus-client).

prometheus_client is imported on first use, not when this module is: ``samverkan serve
--workers`` must set ``PROMETHEUS_MULTIPROC_DIR`` before prometheus_client is imported (it picks
where counters live then), and the command line imports the engine before it knows the command.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Iterable
from typing import Any

log = logging.getLogger(__name__)

STEP_KINDS = {"started": "start", "completed": "complete", "timer": "timer"}
"""History action -> step kind counted: a case started, a task completed, a timer fired."""


@functools.cache
def _steps() -> Any:
    from prometheus_client import Counter as PromCounter

    return PromCounter("samverkan_steps", "Sparade steg per slag: start, complete, timer (avfyrad timer)", ["kind"])


def count_steps(actions: Iterable[str]) -> None:
    """Count a committed step's history actions; never fails the step that was already committed."""
    try:
        for kind, n in Counter(STEP_KINDS[a] for a in actions if a in STEP_KINDS).items():
            _steps().labels(kind).inc(n)
    except Exception:  # a metrics store that cannot be written must not turn a saved step into an error
        log.warning("kunde inte räkna steget i mätvärdena", exc_info=True)
