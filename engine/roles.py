"""Roles and how BPMN lanes name them."""

from __future__ import annotations

ROLES: dict[str, str] = {
    "kontaktperson": "Kontaktperson",
    "namndsekreterare": "Nämndsekreterare",
    "chef": "Chef",
    "processagare": "Processägare",
    "admin": "Administratör",
}

_LANE_TO_ROLE = {label.casefold(): role for role, label in ROLES.items()} | {role: role for role in ROLES}


def role_for_lane(lane: str | None) -> str | None:
    """The role id a lane name stands for, or None if it names no known role."""
    if not lane:
        return None
    return _LANE_TO_ROLE.get(lane.strip().casefold())
