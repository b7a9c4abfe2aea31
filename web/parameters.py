"""Path, query and form parameters checked before any view runs, for the API and the pages alike.

A NUL character in a parameter would reach PostgreSQL (which refuses it with an error, a 500);
ids beyond the 32-bit ``INTEGER`` columns would overflow the driver. Both are refused here: the
first as a 400, the second by the ``int`` converter, so such a URL matches no route (404).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from engine import inputs
from engine.errors import BadRequest


class DatabaseId(IntegerConverter):
    """``<int:…>`` in our URLs is always an id or version stored in an ``INTEGER`` column."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", inputs.MAX_ID)
        super().__init__(map, *args, **kwargs)


def install_converters(app: Flask) -> None:
    """Before any blueprint is registered: rules pick their converter when they are added."""
    app.url_map.converters["int"] = DatabaseId


def _check_parameters() -> None:
    named: list[tuple[str, Any]] = [(k, v) for k, v in (request.view_args or {}).items()]
    named += [(k, v) for k, values in request.args.lists() for v in [k, *values]]
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        named += [(k, v) for k, values in request.form.lists() for v in [k, *values]]
    details = [
        {"field": name, "message": problem}
        for name, value in named
        if isinstance(value, str) and (problem := inputs.parameter_problem(value)) is not None
    ]
    if details:
        raise BadRequest("Adressen eller formuläret innehåller tecken som inte kan användas.", details, "bad_parameter")


def register(app: Flask) -> None:
    app.before_request(_check_parameters)
