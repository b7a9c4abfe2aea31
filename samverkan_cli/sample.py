"""Plausible, valid form data for any task, built from its JSON Schema (tests and benchmarks).

The demo does not use it: its collaborations have content of their own (samverkan_cli/demo_cases/).
"""

from __future__ import annotations

from typing import Any

# Fields whose format a schema cannot express well enough to invent (patterns) or that steer the flow.
DEFAULTS: dict[str, dict[str, Any]] = {
    "registrera_initiativ": {"omrade": "sofielund"},
    "tidig_boendeinvolvering": {"antal_boende": 25},
    "bedomning": {"rekommendation": "tillstyrk"},
    "namndbeslut": {
        "diarienummer": "TN-2027-0042",
        "beslut": "beviljat",
        "period_start": "2027-04-01",
        "period_slut": "2028-04-01",
        "uppfoljningsintervall": "P12M",
    },
    "granska_uppfoljning": {"godkand": True},
    "paminn_forsenad_rapport": {"atgard": "kontaktat_aktorerna"},
}


_SCALARS: dict[str, Any] = {"integer": 10, "number": 1.0, "boolean": True}


def sample_value(schema: dict[str, Any], name: str = "") -> Any:  # noqa: PLR0911 - one return per schema type
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object":
        return sample_object(schema)
    if kind == "array":
        items = schema.get("items", {})
        return [sample_value(items, name) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind in _SCALARS:
        return max(schema.get("minimum", 0), _SCALARS[kind]) if kind != "boolean" else True
    if schema.get("format") == "date":
        return "2027-03-15"
    return f"Exempeltext för {schema.get('title', name) or 'fältet'}"


def sample_object(schema: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = schema.get("properties", {})
    # Every field, not only the required ones: conditional requirements (if/then) are covered too.
    return {name: sample_value(spec, name) for name, spec in properties.items() if spec.get("x-widget") != "file"}


def sample_data(task: str, schema: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data = sample_object(schema)
    data.update(DEFAULTS.get(task, {}))
    data.update(overrides)
    return data
