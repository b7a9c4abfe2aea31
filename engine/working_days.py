"""Every timer of a process lands on a Swedish working day, decided when the timer is first evaluated.

SpiffWorkflow evaluates a timer's expression the first time the timer is reached and fires it at
once if that instant has passed. Moving the instant afterwards (as a pass over waiting timers
would) misses timers that fire the moment they are reached, as in a catch-up over months: their
deadline would stay on a Saturday. So the parsed spec's timer definitions are replaced by ones
that move the instant before SpiffWorkflow compares it with the clock.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from engine.clock import current_instant
from engine.durations import next_working_moment


def _moved(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # SpiffWorkflow reports what it cannot read
    instant = TimerEventDefinition.get_datetime(value)
    return next_working_moment(instant).isoformat()


class WorkingDayDate(TimeDateEventDefinition):  # type: ignore[misc]
    def has_fired(self, my_task: Any) -> bool:
        if my_task._get_internal_data("event_value") is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            my_task._set_internal_data(event_value=_moved(value))
        return bool(super().has_fired(my_task))


class WorkingDayDuration(DurationTimerEventDefinition):  # type: ignore[misc]
    def has_fired(self, my_task: Any) -> bool:
        if my_task._get_internal_data("event_value") is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            parsed = TimerEventDefinition.parse_iso_duration(expression)
            now = current_instant()
            value = now + TimerEventDefinition.get_timedelta_from_start(parsed, now)
            my_task._set_internal_data(event_value=next_working_moment(value).isoformat())
        return bool(super().has_fired(my_task))


_REPLACEMENTS: dict[type, type] = {
    TimeDateEventDefinition: WorkingDayDate,
    DurationTimerEventDefinition: WorkingDayDuration,
}


def on_working_days(*specs: Any) -> None:
    """Give every date and duration timer of the process specs (and their subprocesses) working days."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            replacement = _REPLACEMENTS.get(type(definition))
            if replacement is not None:
                definition.__class__ = replacement
