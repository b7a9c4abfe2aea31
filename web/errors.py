"""Domain errors and HTTP errors mapped to JSON responses, in one place."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from engine.errors import BadRequest, Conflict, DomainError, Forbidden, Invalid, NotFound

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422, BadRequest: 400}

PAGE_HEADINGS = {
    400: "Felaktig begäran",
    401: "Du behöver logga in",
    403: "Du har inte behörighet",
    404: "Sidan finns inte",
    409: "Någon annan hann före",
    413: "Filen är för stor",
    422: "Uppgifterna behöver rättas",
    429: "För många försök",
}

PAGE_MESSAGES = {
    404: "Adressen finns inte. Kontrollera länken eller gå till Att göra.",
    405: "Sidan kan inte användas så.",
    413: "Det du skickade är för stort. Varje bilaga får vara högst 10 MB; ladda upp stora filer en i taget.",
}


def error_page(status: int, message: str) -> tuple[str, int]:
    """An HTML error page in Swedish for the pages people use."""
    heading = PAGE_HEADINGS.get(status, "Något gick fel")
    return render_template("error.html", heading=heading, message=message), status


def error_response(status: int, code: str, message: str, details: list[Any] | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError) -> Any:
        status = next((s for kind, s in STATUS.items() if isinstance(err, kind)), 400)
        if status == 400 and err.code == "too_large":
            status = 413
        if not request.path.startswith("/api/"):
            return error_page(status, err.message)
        return error_response(status, err.code, err.message, err.details)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Any:
        response = _http_response(err)
        if isinstance(err, MethodNotAllowed) and err.valid_methods:
            # RFC 9110: a 405 says which methods the resource does allow.
            response = make_response(response)
            response.headers["Allow"] = ", ".join(sorted(err.valid_methods))
        return response


def _http_response(err: HTTPException) -> Any:
    """A Swedish page for people, the JSON error body on the API."""
    if not request.path.startswith("/api/"):
        if err.code == 403:
            return error_page(403, "Din roll får inte se den här sidan.")
        if err.code and err.code >= 400:
            own = err.description if err.description != type(err).description else ""
            return error_page(err.code, own or PAGE_MESSAGES.get(err.code, "Försök igen om en stund."))
        return err
    code = (err.name or "error").lower().replace(" ", "_")
    return error_response(err.code or 500, code, err.description or err.name or "Fel")
