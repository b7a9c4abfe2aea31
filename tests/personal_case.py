"""A samverkansstöd case filled with recognisable personal values in every personal field."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import attachments, schema
from engine.context import Samverkan
from tests.samverkansstod import INITIERING, USERS, Driver

SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
PDF = b"%PDF-1.4\n% Deltagarlista\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass(frozen=True)
class Person:
    """Recognisable values: none of them occurs anywhere else in a test database."""

    name: str
    email: str
    phone: str

    @property
    def values(self) -> tuple[str, ...]:
        return (self.name, self.email, self.phone)


ADA = Person("Ada Qvarnfjell", "ada.qvarnfjell@exempel.se", "070-174 06 52")
BO = Person("Bo Yxskaftsson", "bo.yxskaftsson@exempel.se", "070-174 06 53")
CISSI = Person("Cissi Månzdotter", "cissi.manzdotter@exempel.se", "070-174 06 54")


def filled_case(
    drive: Driver, store: attachments.Store, title: str, person: Person, other: Person, notes: str | None = None
) -> int:
    """A case through early involvement and application, complemented with a file, then declined.

    ``notes`` (the first meeting's) name both people unless given.
    """
    case_id = drive.start(title=title)
    drive.complete(
        case_id,
        INITIERING[0],
        aktorer=[
            {"namn": person.name, "typ": "boende", "kontakt": f"{person.email}, {person.phone}"},
            {"namn": "Fastighets AB Testgården", "typ": "fastighetsagare", "kontakt": other.email},
        ],
    )
    drive.complete(
        case_id,
        INITIERING[1],
        deltagare=[{"namn": other.name, "organisation": "Hyresgästföreningen"}],
        anteckningar=notes or f"{other.name} ({other.phone}) ringer {person.name} på {person.phone} om lokalen.",
    )
    drive.complete(
        case_id, INITIERING[2], antal_boende=12, boendes_behov_och_forslag=f"Mer ljus på gården, sa {person.name}."
    )
    drive.complete(
        case_id,
        "registrera_ansokan",
        atagande=[{"aktor": person.name, "beskrivning": "Städdag i kvarteret", "belopp_sek": 15000}],
        sokt_stod={"belopp_sek": 120000, "resurser": "Samordning"},
    )
    drive.complete(case_id, "bedomning", rekommendation="komplettering")
    drive.complete(case_id, "begar_komplettering")
    task = drive.task(case_id, "registrera_komplettering")
    content = PDF + f"% {person.name} {person.phone}\n".encode()
    value = attachments.save(
        drive.engine, store, USERS["kontaktperson"], task["id"], f"Deltagare {person.name}.pdf", io.BytesIO(content)
    )
    drive.complete(
        case_id,
        "registrera_komplettering",
        komplettering="Budget och deltagarlista bifogas.",
        kompletteringsbilagor=[{"beskrivning": "Deltagarlista", "fil": value}],
    )
    drive.complete(case_id, "bedomning", rekommendation="avstyrk")
    drive.complete(case_id, "meddela_avslag")
    return case_id


def all_text(engine: Samverkan) -> str:
    """Every value of every column of every table, as text (JSON as it is stored, unescaped)."""
    parts = []
    with engine.db.connect() as conn:
        for table in schema.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                for value in row:
                    parts.append(json.dumps(value, ensure_ascii=False, default=str))
    return "\n".join(parts)


def files_text(folder: Path) -> bytes:
    return b"\n".join(p.read_bytes() + p.name.encode() for p in sorted(folder.rglob("*")) if p.is_file())


def figures(case: dict[str, Any]) -> dict[str, Any]:
    """The non-personal figures of a declined case."""
    data = case["data"]
    return {
        "title": case["title"],
        "status": case["status"],
        "end_event": case["end_event"],
        "antal_boende": data["antal_boende"],
        "sokt_stod": data["sokt_stod"],
        "belopp": [row["belopp_sek"] for row in data["atagande"]],
        "typ": [row["typ"] for row in data["aktorer"]],
        "rekommendation": data["rekommendation"],
    }


def samverkan(database_url: str, folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The ``samverkan`` command on the test database, attachments in ``folder``, run in its parent."""
    environment = {**os.environ, "DATABASE_URL": database_url, "SAMVERKAN_ATTACHMENTS_DIR": str(folder), **env}
    return subprocess.run(
        [SAMVERKAN, *args], env=environment, cwd=folder.parent, capture_output=True, text=True, timeout=180, check=False
    )
