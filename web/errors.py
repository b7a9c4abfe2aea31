"""Domain errors and HTTP errors mapped to JSON responses, in one place."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from engine.errors import BadRequest, Conflict, DomainError, Forbidden, Invalid, NotFound

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422, BadRequest: 400}


def error_response(status: int, code: str, message: str, details: list[Any] | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError) -> Response:
        status = next((s for kind, s in STATUS.items() if isinstance(err, kind)), 400)
        if status == 400 and err.code == "too_large":
            status = 413
        return error_response(status, err.code, err.message, err.details)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Any:
        if not request.path.startswith("/api/"):
            return err
        code = (err.name or "error").lower().replace(" ", "_")
        return error_response(err.code or 500, code, err.description or err.name or "Fel")
