"""Restricted execution of BPMN conditions, scripts and timer expressions.

RestrictedPython refuses names and attributes starting with ``_`` at compile time, so
``().__class__.__base__.__subclasses__()`` and ``__import__('os')`` never compile; at run time
only a safe list of builtins and our own helper functions exist, so nothing reaches files or
the network. Compiled code is cached per source text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

from engine.clock import STOCKHOLM, current_instant
from engine.durations import add_duration, follow_up_dates


class ScriptError(Exception):
    """A script or expression was refused or failed; the message is for people."""


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


def _inplace(op: str, left: Any, right: Any) -> Any:
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "+=": lambda a, b: a + b,
        "-=": lambda a, b: a - b,
        "*=": lambda a, b: a * b,
        "/=": lambda a, b: a / b,
        "//=": lambda a, b: a // b,
        "%=": lambda a, b: a % b,
    }
    if op not in ops:
        raise ScriptError(f"operatorn {op} är inte tillåten")
    return ops[op](left, right)


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
        return datetime.combine(parsed, time(0), STOCKHOLM).isoformat()

    return {
        "now": now,
        "today": today,
        "start_of_day": start_of_day,
        "add_duration": add_duration,
        "follow_up_dates": follow_up_dates,
    }


@functools.lru_cache(maxsize=4096)
def compile_expression(source: str) -> CodeType:
    result = compile_restricted_eval(source.strip(), "<uttryck>")
    if result.errors or result.code is None:
        raise ScriptError("; ".join(result.errors) or "uttrycket kan inte tolkas")
    code: CodeType = result.code
    return code


@functools.lru_cache(maxsize=4096)
def compile_script(source: str) -> CodeType:
    result = compile_restricted_exec(source, "<skript>")
    if result.errors or result.code is None:
        raise ScriptError("; ".join(result.errors) or "skriptet kan inte tolkas")
    code: CodeType = result.code
    return code


def check_source(source: str, *, is_script: bool) -> str | None:
    """Return a refusal message if ``source`` does not compile in the sandbox, else None."""
    try:
        (compile_script if is_script else compile_expression)(source)
    except ScriptError as err:
        return str(err)
    return None


class Sandbox:
    """Runs compiled restricted code against case data."""

    def __init__(self) -> None:
        self._helpers = helper_functions()

    def _globals(self, data: Mapping[str, Any]) -> dict[str, Any]:
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
                "_inplacevar_": _inplace,
            }
        )
        return scope

    def evaluate(self, source: str, data: Mapping[str, Any]) -> Any:
        code = compile_expression(source)
        try:
            return eval(code, self._globals(data))  # noqa: S307 - restricted code, guarded globals
        except ScriptError:
            raise
        except Exception as err:  # any failure of user code fails closed with its message
            raise ScriptError(f"{type(err).__name__}: {err}") from err

    def execute(self, source: str, data: dict[str, Any]) -> None:
        """Run a script; variables it assigns become case data."""
        code = compile_script(source)
        scope = self._globals(data)
        try:
            exec(code, scope)  # noqa: S102 - restricted code, guarded globals
        except ScriptError:
            raise
        except Exception as err:  # any failure of user code fails closed with its message
            raise ScriptError(f"{type(err).__name__}: {err}") from err
        for key, value in scope.items():
            if key.startswith("_") or key in self._helpers or callable(value):
                continue
            data[key] = value
