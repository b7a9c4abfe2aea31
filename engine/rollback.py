"""Roll a process back: deploy an earlier version's XML again as the newest version.

Deploying identical XML returns the existing version (the hash is unique per process), so the
earlier XML gets a comment naming where it came from: the new version is that one's model,
byte for byte apart from the comment, and records which version it was based on.
"""

from __future__ import annotations

from engine import processes
from engine.context import Samverkan, User
from engine.errors import Forbidden, Invalid
from engine.inputs import MAX_ID


def roll_back(engine: Samverkan, user: User, process_id: str, version: int) -> processes.Deployed:
    if not user.has(*processes.DEPLOYERS):
        raise Forbidden("Endast processägare och administratörer får driftsätta processer.", code="forbidden")
    latest = processes.latest_version(engine, process_id)
    if not 1 <= version <= min(latest, MAX_ID):
        raise Invalid(
            f"Version {version} finns inte.",
            details=[{"field": "version", "message": f"Ett versionsnummer från 1 till {latest}."}],
            code="no_such_version",
        )
    if version == latest:
        raise Invalid(
            f"Version {version} är redan den senaste.",
            details=[{"field": "version", "message": "Välj en äldre version."}],
            code="already_latest",
        )
    xml = processes.get_xml(engine, process_id, version)
    marked = f"{xml.rstrip()}\n<!-- Återställd från version {version} som version {latest + 1} -->\n"
    comment = f"Återställd från version {version}"
    return processes.deploy(engine, user, marked.encode("utf-8"), comment, based_on=version)
