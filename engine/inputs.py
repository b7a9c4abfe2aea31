"""Checks on untrusted input at the boundary, before any of it reaches SQL or SpiffWorkflow.

What passes here can be stored on both databases: no NUL characters (PostgreSQL refuses them
in text), no lone surrogates (they cannot be encoded as UTF-8), integers that fit 64 bits and
finite numbers (JSON columns and the state codec), JSON nested no deeper than forms need (a
thousand levels exhaust Python's recursion limit), text no longer than its column and ids
within the 32-bit ``INTEGER`` columns they name.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from engine.errors import BadRequest, Invalid

MAX_DEPTH = 32
"""Deepest JSON nesting accepted: forms use four or five levels (list of objects of objects)."""
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_ID = 2**31 - 1
"""Ids and versions are ``INTEGER`` columns: 32 bits on PostgreSQL."""
_INTEGER = re.compile(r"-?[0-9]{1,18}")


class _Refused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} är inte ett giltigt JSON-tal.")


def parse_json(raw: bytes) -> Any:
    """Decode a request body as strict JSON (UTF-8, no NaN or Infinity) and check it.

    Raises :class:`BadRequest` for what cannot be read and :class:`Invalid` for values that
    could be read but not stored (see :func:`check_value`).
    """
    try:
        text = raw.decode("utf-8")
        value = json.loads(text, parse_constant=_no_constant)
    except _Refused as err:
        raise Invalid(err.message, details=[{"field": "", "message": err.message}], code="invalid_value") from err
    except RecursionError as err:
        raise BadRequest(f"JSON får vara nästlad högst {MAX_DEPTH} nivåer.", code="too_deep") from err
    except ValueError as err:  # JSONDecodeError and UnicodeDecodeError
        raise BadRequest(f"Kroppen är inte giltig JSON i UTF-8: {err}", code="bad_json") from err
    check_value(value)
    return value


def _path(parts: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in parts)


def text_problem(text: str) -> str | None:
    """Why the text cannot be stored, or None."""
    if "\x00" in text:
        return "Texten innehåller ett NUL-tecken."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "Texten innehåller ett ensamt surrogattecken (ogiltig Unicode)."
    return None


def _scalar_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        return "Heltal får vara högst 64 bitar."
    if isinstance(value, float) and not math.isfinite(value):
        return "Talet måste vara ändligt."
    return None


def check_value(value: Any) -> None:
    """Refuse JSON-like data that cannot be stored; walks iteratively, so depth cannot crash it."""
    problems: list[dict[str, str]] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack and len(problems) < 20:
        item, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise BadRequest(f"JSON får vara nästlad högst {MAX_DEPTH} nivåer.", code="too_deep")
        if isinstance(item, dict):
            for key, child in item.items():
                problem = text_problem(key) if isinstance(key, str) else None
                if problem:
                    problems.append({"field": _path((*path, repr(key))), "message": f"Fältnamnet: {problem}"})
                stack.append((child, (*path, key)))
        elif isinstance(item, list):
            stack.extend((child, (*path, index)) for index, child in enumerate(item))
        else:
            problem = _scalar_problem(item)
            if problem:
                problems.append({"field": _path(path), "message": problem})
    if problems:
        raise Invalid("Uppgifterna innehåller värden som inte kan sparas.", details=problems, code="invalid_value")


def check_text(field: str, text: str, max_length: int | None) -> None:
    """A text for one column: storable and no longer than the column (PostgreSQL refuses longer)."""
    problem = text_problem(text)
    if problem is None and max_length is not None and len(text) > max_length:
        problem = f"Högst {max_length} tecken (nu {len(text)})."
    if problem:
        raise Invalid(problem, details=[{"field": field, "message": problem}], code="invalid_value")


def parameter_problem(value: str) -> str | None:
    """Why a query or path parameter cannot be used, or None."""
    return text_problem(value)


def int_parameter(name: str, raw: str | None, default: int, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """A whole-number query parameter in ``minimum``…``maximum``; anything else is a 400."""
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if not _INTEGER.fullmatch(text) or not minimum <= int(text) <= maximum:
        message = f"{name} måste vara ett heltal från {minimum} till {maximum}."
        raise BadRequest(message, details=[{"field": name, "message": message}], code="bad_parameter")
    return int(text)
