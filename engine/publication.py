"""The public list of decided collaborations: marking a case public, and what the list shows.

The kontaktperson (or an admin) marks a case whose nämnd decision granted support as public,
in one transaction with one history row. The public list then shows, per case, only fields
chosen here: area, the decision with its diarienummer, granted amount, period, the criteria
verdicts (never their motivations), the kinds of organisations taking part, and the names of
organisations the kontaktperson typed in when publishing (the actors' names in the case are
marked personal, since an actor may be a private person, so they are never copied out). As a
second guard, the case data is stripped of every field marked personal (``engine.personal``)
before anything is read from it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine import history, personal, schema
from engine.context import Samverkan, User
from engine.errors import Conflict, Forbidden, Invalid, NotFound
from engine.history import Event
from engine.profile import Criteria

PUBLISHERS = ("kontaktperson", "admin")
MAX_ORGANISATIONS, MAX_NAME = 30, 200

c, f = schema.cases, schema.case_figures


def _organisations(value: Any) -> list[str]:
    if value is None:
        return []
    problems = []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append({"field": "organisations", "message": "Ange organisationerna som en lista med namn."})
    elif len(value) > MAX_ORGANISATIONS or any(len(v.strip()) > MAX_NAME for v in value):
        message = f"Högst {MAX_ORGANISATIONS} organisationer med högst {MAX_NAME} tecken var."
        problems.append({"field": "organisations", "message": message})
    if problems:
        raise Invalid("Organisationerna kan inte visas.", details=problems, code="invalid_organisations")
    return list(dict.fromkeys(v.strip() for v in value if v.strip()))


def set_public(engine: Samverkan, user: User, case_id: int, public: bool, organisations: Any = None) -> dict[str, Any]:
    """Mark a granted case public (with the organisation names to show) or take it off the list."""
    if not user.has(*PUBLISHERS):
        raise Forbidden("Bara kontaktpersonen kan visa ett ärende offentligt.", code="forbidden")
    names = _organisations(organisations) if public else []
    now = engine.now()
    with engine.write() as conn:
        row = conn.execute(select(c.c.process_id).where(c.c.id == case_id)).first()
        if row is None:
            raise NotFound(f"Ärende {case_id} finns inte.", code="not_found")
        spec = engine.profile(row.process_id).figures
        decision = conn.execute(select(f.c.decision).where(f.c.case_id == case_id)).scalar()
        if spec is None or decision not in spec.granting:
            raise Conflict("Bara samverkan som nämnden har beviljat stöd kan visas offentligt.", code="not_granted")
        conn.execute(
            f.update()
            .where(f.c.case_id == case_id)
            .values(public_at=now if public else None, public_by=user.username if public else None)
            .values(public_organisations=names if public else None)
        )
        action = "published" if public else "unpublished"
        history.write(conn, case_id, now, [Event(action, user.username, None, {"organisations": names})])
    return {"case_id": case_id, "public": public, "organisations": names}


def public_state(engine: Samverkan, case_id: int) -> dict[str, Any]:
    """Whether a case is public, with what, and whether it may be (its decision granted support)."""
    with engine.db.connect() as conn:
        row = conn.execute(
            select(c.c.process_id, f.c.decision, f.c.public_at, f.c.public_organisations)
            .outerjoin(f, f.c.case_id == c.c.id)
            .where(c.c.id == case_id)
        ).first()
    if row is None:
        raise NotFound(f"Ärende {case_id} finns inte.", code="not_found")
    spec = engine.profile(row.process_id).figures
    return {
        "public": row.public_at is not None,
        "public_at": row.public_at.isoformat() if row.public_at else None,
        "organisations": list(row.public_organisations or []),
        "allowed": spec is not None and row.decision in spec.granting,
    }


def _choices(schema_: dict[str, Any], *path: str) -> dict[str, str]:
    node: Any = schema_
    for name in path:
        node = (node.get("properties") or {}).get(name) or (node.get("items") or {}).get("properties", {}).get(name)
        node = node or {}
    return dict(zip(node.get("enum") or [], node.get("x-enum-titles") or node.get("enum") or [], strict=False))


def _verdicts(data: dict[str, Any], criteria: Criteria | None) -> dict[str, str | None]:
    """Each criterion's verdict only: the motivations are the officials' notes, not for the public."""
    if criteria is None:
        return {}
    found: dict[str, str | None] = {}
    for name in criteria.fields:
        value = data.get(name)
        verdict = value.get(criteria.verdict) if isinstance(value, dict) else None
        found[name] = verdict if isinstance(verdict, str) else None
    return found


def public_cases(engine: Samverkan) -> list[dict[str, Any]]:
    """Every granted collaboration marked public, newest decision first, without personal data."""
    profile = engine.profile(engine.main_process_id)
    spec, criteria = profile.figures, profile.criteria
    if spec is None:
        return []
    stripped = personal.case_personal_paths(engine.forms)
    decision_form = engine.forms.schema(spec.decision)
    kinds = _choices(engine.forms.schema(spec.actors_form), spec.actors, spec.actor_kind)
    verdicts = _choices(engine.forms.schema(criteria.form), criteria.fields[0], criteria.verdict) if criteria else {}
    decisions = _choices(decision_form, spec.decision_field)
    period_fields = [name for name in map(profile.report_field, ("period_start", "period_end")) if name]
    query = (
        select(c.c.id, c.c.title, c.c.area, c.c.data, f.c.decision, f.c.decided_on, f.c.granted_sek)
        .add_columns(f.c.public_organisations, schema.areas.c.name.label("area_name"))
        .join(f, f.c.case_id == c.c.id)
        .outerjoin(schema.areas, schema.areas.c.id == c.c.area)
        .where(f.c.public_at.is_not(None), f.c.decision.in_(spec.granting))
        .order_by(f.c.decided_on.desc(), c.c.id.desc())
    )
    with engine.db.connect() as conn:
        rows = conn.execute(query).all()
    found = []
    for row in rows:
        data = personal.strip_paths(stripped, row.data or {})
        actor_kinds = [a.get(spec.actor_kind) for a in data.get(spec.actors) or [] if isinstance(a, dict)]
        found.append(
            {
                "id": row.id,
                "title": row.title,
                "area": row.area,
                "area_name": row.area_name or row.area,
                "decided_on": row.decided_on,
                "diarienummer": data.get(spec.reference),
                "beslut": row.decision,
                "beslut_text": decisions.get(row.decision or "", row.decision),
                "granted_sek": row.granted_sek,
                # The period under the decision form's own field names (the contract's period_start/_slut).
                **{name: data.get(name) for name in period_fields},
                "criteria": _verdicts(data, criteria),
                "criteria_text": {k: verdicts.get(v or "", "") for k, v in _verdicts(data, criteria).items()},
                "organisations": list(row.public_organisations or []),
                "organisation_kinds": sorted({kinds.get(k, k) for k in actor_kinds if isinstance(k, str)}),
            }
        )
    return found
