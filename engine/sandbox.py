"""Restricted execution of BPMN conditions, scripts and timer expressions.

RestrictedPython refuses names and attributes starting with ``_`` at compile time, so
``().__class__.__base__.__subclasses__()`` and ``__import__('os')`` never compile; at run time
only a safe list of builtins and our own helper functions exist, so nothing reaches files or
the network. Compiled code is cached per source text.

Every evaluation runs under a :class:`engine.sandbox_budget.Budget` (time and memory, see
:mod:`engine.limits`), and a script may not save more case data than the data limit. A bound
that trips raises :class:`ScriptLimit`; the step then fails like any other script error.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock_time
from types import CodeType
from typing import Any

import orjson
from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

from engine import limits
from engine.clock import STOCKHOLM, current_instant
from engine.durations import add_duration, follow_up_dates
from engine.errors import BadRequest, Invalid
from engine.inputs import check_value
from engine.sandbox_budget import HOOKS, Budget, ScriptError, ScriptLimit, ScriptRefused
from engine.sandbox_policy import SandboxPolicy

__all__ = ["Sandbox", "ScriptError", "ScriptLimit", "ScriptRefused", "check_source", "step_budget"]

_EXTRA_BUILTINS = {
    name: obj
    for name, obj in {
        "min": min,
        "max": max,
        "sum": sum,
        "sorted": sorted,
        "any": any,
        "all": all,
        "list": list,
        "dict": dict,
        "set": set,
        "tuple": tuple,
        "enumerate": enumerate,
        "zip": zip,
        "map": map,
        "filter": filter,
        "reversed": reversed,
    }.items()
}

_UNSAFE_BUILTINS = {"setattr", "delattr", "__build_class__", "id", "hash"}


def _builtins() -> dict[str, Any]:
    allowed = {k: v for k, v in safe_builtins.items() if k not in _UNSAFE_BUILTINS}
    return allowed | _EXTRA_BUILTINS


_BUILTINS = _builtins()


def helper_functions() -> dict[str, Callable[..., Any]]:
    """Functions a process owner may call in conditions, scripts and timers.

    ``now()`` and ``today()`` read the instant the running step was given (see
    :func:`engine.clock.using`), the same one SpiffWorkflow's timers see.
    """

    def now() -> str:
        return current_instant().astimezone(STOCKHOLM).isoformat()

    def today() -> str:
        return current_instant().astimezone(STOCKHOLM).date().isoformat()

    def start_of_day(day: str) -> str:
        parsed = date.fromisoformat(str(day)[:10])
        return datetime.combine(parsed, clock_time(0), STOCKHOLM).isoformat()

    return {
        "now": now,
        "today": today,
        "start_of_day": start_of_day,
        "add_duration": add_duration,
        "follow_up_dates": follow_up_dates,
    }


_LINE = re.compile(r"^Line (\d+|None): ")


def _refusal(errors: tuple[str, ...] | list[str], fallback: str) -> ScriptRefused:
    """RestrictedPython's "Line 3: …" messages, with the line in Swedish."""
    messages = [_LINE.sub(lambda m: "" if m.group(1) == "None" else f"rad {m.group(1)}: ", e) for e in errors]
    return ScriptRefused("; ".join(messages) or fallback)


@dataclass(frozen=True)
class Compiled:
    """Restricted code and the budget hooks it calls (none: it cannot loop or allocate much)."""

    code: CodeType
    hooks: frozenset[str]


def _compiled(result: Any, fallback: str) -> Compiled:
    if result.errors or result.code is None:
        raise _refusal(result.errors, fallback)
    return Compiled(result.code, frozenset(_names_in(result.code)) & frozenset(HOOKS))


def _names_in(code: CodeType) -> set[str]:
    """Global names used by the code and every function or comprehension nested in it."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            names |= _names_in(constant)
    return names


@functools.lru_cache(maxsize=4096)
def compile_expression(source: str) -> Compiled:
    return _compiled(
        compile_restricted_eval(source.strip(), "<uttryck>", policy=SandboxPolicy), "uttrycket kan inte tolkas"
    )


@functools.lru_cache(maxsize=4096)
def compile_script(source: str) -> Compiled:
    return _compiled(compile_restricted_exec(source, "<skript>", policy=SandboxPolicy), "skriptet kan inte tolkas")


def check_source(source: str, *, is_script: bool) -> str | None:
    """Return a refusal message if ``source`` does not compile in the sandbox, else None."""
    try:
        (compile_script if is_script else compile_expression)(source)
    except ScriptError as err:
        return str(err)
    return None


# (deadline on the monotonic clock, the step's seconds) of the step running in this context.
_step_deadline: ContextVar[tuple[float, float] | None] = ContextVar("samverkan_step_deadline", default=None)


@contextmanager
def step_budget(seconds: float = limits.STEP_SECONDS) -> Iterator[None]:
    """Every evaluation inside shares one deadline ``seconds`` from now; an outer step budget wins."""
    if _step_deadline.get() is not None:
        yield
        return
    token = _step_deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _step_deadline.reset(token)


class Sandbox:
    """Runs compiled restricted code against case data, each run under its own budget."""

    def __init__(self, seconds: float = limits.SCRIPT_SECONDS) -> None:
        self._helpers = helper_functions()
        self.seconds = seconds

    def _globals(self, data: Mapping[str, Any], budget: Budget | None, hooks: frozenset[str]) -> dict[str, Any]:
        scope: dict[str, Any] = dict(data)
        scope.update(self._helpers)
        scope.update(
            {
                "__builtins__": _BUILTINS,
                "_getattr_": safer_getattr,
                "_getitem_": default_guarded_getitem,
                "_getiter_": default_guarded_getiter,
                "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
                "_unpack_sequence_": guarded_unpack_sequence,
                "_write_": full_write_guard,
            }
        )
        if budget is not None:
            scope.update(budget.hooks(hooks))
        return scope

    def _budget(self, compiled: Compiled) -> Budget | None:
        # Code without hooks has no loop, call or growing operator: it ends quickly and small.
        return Budget(self.seconds, _step_deadline.get()) if compiled.hooks else None

    @staticmethod
    def _run(code: CodeType, scope: dict[str, Any], budget: Budget | None) -> Any:
        try:
            result = eval(code, scope)  # noqa: S307 - restricted code, guarded globals
        except ScriptError:
            raise
        except RecursionError as err:
            raise ScriptLimit("anropade funktioner för djupt (rekursion) och avbröts") from err
        except MemoryError as err:
            raise ScriptLimit("behövde mer minne än det finns och avbröts") from err
        except Exception as err:  # any failure of user code fails closed with its message
            raise ScriptError(f"{type(err).__name__}: {err}") from err
        if budget is not None and budget.tripped is not None:  # the code caught the limit and carried on
            raise ScriptLimit(budget.tripped)
        return result

    def evaluate(self, source: str, data: Mapping[str, Any]) -> Any:
        compiled = compile_expression(source)
        budget = self._budget(compiled)
        return self._run(compiled.code, self._globals(data, budget, compiled.hooks), budget)

    def execute(self, source: str, data: dict[str, Any]) -> None:
        """Run a script; variables it assigns become case data (at most :data:`limits.MAX_DATA_BYTES`)."""
        compiled = compile_script(source)
        budget = self._budget(compiled)
        scope = self._globals(data, budget, compiled.hooks)
        self._run(compiled.code, scope, budget)
        assigned = {
            key: value
            for key, value in scope.items()
            if not (key.startswith("_") or key in self._helpers or callable(value)) and data.get(key) is not value
        }
        _check_storable(assigned)
        data.update(assigned)


# As the case row stores data: dates and other objects as their text (see engine.indexes.jsonable).
_AS_TEXT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_NON_STR_KEYS


def _check_storable(assigned: dict[str, Any]) -> None:
    """What a script assigns must fit the case data limit and be storable as JSON."""
    try:
        size = len(orjson.dumps(assigned, default=str, option=_AS_TEXT))
    except orjson.JSONEncodeError as err:
        raise ScriptLimit(f"gav ett värde som inte kan sparas: {_unstorable(assigned, err)}") from err
    if size > limits.MAX_DATA_BYTES:
        raise ScriptLimit(
            f"gav för stora uppgifter ({limits.kilobytes(size)}; ett ärende får ha högst "
            f"{limits.kilobytes(limits.MAX_DATA_BYTES)})"
        )


def _unstorable(assigned: dict[str, Any], err: Exception) -> str:
    """Why JSON cannot hold the values, in the words of the API's own input check where it has them."""
    try:
        check_value(assigned)
    except Invalid as refused:
        first = refused.details[0]
        return f"{first['message']} (fältet {first['field']})"
    except BadRequest as refused:
        return refused.message
    return str(err)
