"""Domain errors; the web layer maps each kind to one HTTP status in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DomainError(Exception):
    message: str
    details: list[dict[str, Any]] = field(default_factory=list)
    code: str = "error"

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """The case, task, process or user does not exist."""


class Forbidden(DomainError):
    """The user's roles do not allow the action."""


class Conflict(DomainError):
    """The task or case changed under the caller (claimed, completed, stale lock)."""


class Invalid(DomainError):
    """Input fails validation; ``details`` lists what and where."""


class BadRequest(DomainError):
    """Input that cannot even be read (not XML, not JSON, too large)."""
