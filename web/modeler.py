"""The process owners' modeler: page, validate, deploy, versions and form previews (session auth)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from engine import processes
from engine.errors import BadRequest
from web.auth import engine, login_required, require_user
from web.filters import datetime_sv

bp = Blueprint("modeler", __name__, url_prefix="/modeler")

OWNER = "processagare"
FORM_NAME = re.compile(r"^[a-z0-9_]{1,80}$")


def _uploaded_xml() -> bytes:
    upload = request.files.get("file")
    xml = upload.read() if upload is not None else b""
    if not xml:
        raise BadRequest("Ingen BPMN-fil skickades.", code="empty")
    return xml


def _older_summary(active: dict[int, int]) -> str:
    total = sum(active.values())
    if not total:
        return "Inga pågående ärenden körs på processen; nya ärenden startar på den nya versionen."
    per_version = ", ".join(f"version {v}: {n}" for v, n in sorted(active.items()))
    return (
        f"{total} pågående {'ärende' if total == 1 else 'ärenden'} ({per_version}) fortsätter på sina "
        "nuvarande versioner efter driftsättning; bara nya ärenden startar på den nya versionen."
    )


def _versions(process_id: str) -> dict[str, Any]:
    samverkan = engine()
    active = processes.active_cases_by_version(samverkan, process_id)
    listed = processes.list_versions(samverkan, process_id)
    latest = listed[-1]["version"] if listed else None
    versions = [
        {
            **v,
            "deployed_label": datetime_sv(v["deployed_at"]),
            "active_cases": active.get(v["version"], 0),
            "download_url": url_for("modeler.download", process_id=process_id, version=v["version"]),
            # Running cases on an older version can be moved to the newest (a preview first).
            "migrate_url": url_for("migration.preview", process_id=process_id, **{"from": v["version"]})
            if active.get(v["version"]) and v["version"] != latest
            else None,
            "rollback_url": url_for("migration.roll_back", process_id=process_id, version=v["version"])
            if v["version"] != latest
            else None,
        }
        for v in listed
    ]
    return {
        "versions": versions,
        "active_by_version": active,
        "older_summary": _older_summary(active),
        "migration_url": url_for("migration.preview", process_id=process_id),
    }


@bp.get("")
@login_required(OWNER)
def index() -> str:
    latest: dict[str, dict[str, Any]] = {}
    for v in processes.list_versions(engine()):
        latest[v["process_id"]] = v
    return render_template("modeler_index.html", processes=list(latest.values()))


@bp.get("/<process_id>")
@login_required(OWNER)
def page(process_id: str) -> str:
    version = processes.latest_version(engine(), process_id)
    info = _versions(process_id)
    name = info["versions"][-1]["name"] if info["versions"] else process_id
    return render_template("modeler.html", process_id=process_id, version=version, name=name, **info)


@bp.get("/<process_id>/versions.json")
@login_required(OWNER)
def versions(process_id: str) -> Response:
    processes.latest_version(engine(), process_id)
    return jsonify(_versions(process_id))


@bp.get("/<process_id>/bpmn")
@login_required(OWNER)
def download(process_id: str) -> Response:
    version = request.args.get("version", type=int)
    xml = processes.get_xml(engine(), process_id, version)
    response = Response(xml, mimetype="application/xml")
    if version is not None:
        response.headers["Content-Disposition"] = f'attachment; filename="{process_id}-v{version}.bpmn"'
    return response


@bp.post("/validate")
@login_required(OWNER)
def validate() -> Response:
    return jsonify({"problems": processes.check(engine(), _uploaded_xml())})


@bp.post("/<process_id>/deploy")
@login_required(OWNER)
def deploy(process_id: str) -> tuple[Response, int]:
    comment = request.form.get("comment", "").strip()[:500]
    deployed = processes.deploy(engine(), require_user(), _uploaded_xml(), comment)
    body = {"process_id": deployed.process_id, "version": deployed.version, "created": deployed.created}
    return jsonify(body), 201 if deployed.created else 200


@bp.get("/forms/<name>.json")
@login_required(OWNER)
def form(name: str) -> Response:
    samverkan = engine()
    if not FORM_NAME.match(name) or not samverkan.forms.exists(name):
        abort(404)
    return jsonify(samverkan.forms.schema(name))
