"""Archive export: a finished case as one ZIP for the e-archive, after the FGS/E-ARK package structure.

The package (one folder named after the case inside the ZIP)::

    METS.xml                                    the manifest: every file with its SHA-256 (METS 1.12)
    manifest-sha256.txt                         the same checksums as plain lines, `sha256  path`
    metadata/descriptive/arende.xml             case, data and history as XML (schemas/arende.xsd)
    metadata/descriptive/arende.json            the same as JSON
    schemas/arende.xsd                          the XML's schema
    representations/rep1/data/process/…bpmn     the BPMN version the case ran on
    representations/rep1/data/dokument/…pdf     the case's documents (PDF/A-3b), made by the caller
    representations/rep1/data/bilagor/…         the attachments, under their ids with the original name

Everything is read in one transaction, so the package is one consistent moment of the case. Open
formats only: XML, JSON, PDF/A, BPMN 2.0 XML and the files as they were uploaded.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import select

from engine import schema
from engine.attachments import Store
from engine.context import Samverkan
from engine.errors import Conflict, NotFound

NS = "urn:samverkan:arkiv:1"
METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
XSD_PATH = Path(__file__).with_name("archive.xsd")
DATA = "representations/rep1/data"


@dataclass(frozen=True)
class Document:
    """A document of the case the caller made (the web layer's PDF/A documents)."""

    filename: str
    content: bytes


def _safe(name: str) -> str:
    """A file name that is safe in every archive and file system: no folders, no control characters."""
    cleaned = re.sub(r"[^\w.\- ()åäöÅÄÖ]", "_", name).strip(" .")
    return cleaned[:120] or "fil"


def _value(parent: etree._Element, value: Any) -> None:
    """JSON as XML: objekt/falt, lista/post, text, tal, sant, inget (see archive.xsd, type Varde)."""
    if isinstance(value, Mapping):
        holder = etree.SubElement(parent, f"{{{NS}}}objekt")
        for key, item in value.items():
            field = etree.SubElement(holder, f"{{{NS}}}falt", namn=str(key))
            _value(field, item)
    elif isinstance(value, list):
        holder = etree.SubElement(parent, f"{{{NS}}}lista")
        for item in value:
            _value(etree.SubElement(holder, f"{{{NS}}}post"), item)
    elif isinstance(value, bool):
        etree.SubElement(parent, f"{{{NS}}}sant").text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        etree.SubElement(parent, f"{{{NS}}}tal").text = repr(value)
    elif value is None:
        etree.SubElement(parent, f"{{{NS}}}inget")
    else:
        etree.SubElement(parent, f"{{{NS}}}text").text = _xml_text(str(value))


def _xml_text(text: str) -> str:
    """XML 1.0 cannot hold most control characters; they become U+FFFD."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", text)


def _el(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{name}", {k: _xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


def case_xml(record: Mapping[str, Any]) -> bytes:
    """The case record (as :func:`_record` builds it) as XML valid against ``archive.xsd``."""
    case = record["case"]
    root = etree.Element(f"{{{NS}}}arende", nsmap={None: NS}, id=str(case["id"]))
    _el(root, "titel", case["title"])
    _el(root, "process", id=case["process_id"], version=str(case["process_version"]))
    _el(root, "status", case["status"])
    _el(root, "slut", case["end_event"] or "")
    _el(root, "omradeId", case["area"] or "")  # the area's id, as the case stores it
    _el(root, "skapad", case["created_at"])
    _el(root, "avslutad", record["ended_at"] or "")
    _el(root, "skapadAv", case["created_by"])
    _value(_el(root, "data"), case["data"])
    history = _el(root, "historik")
    for event in record["history"]:
        entry = _el(history, "handelse", at=event["at"], actor=event["actor"], action=event["action"])
        if event["element_id"]:
            entry.set("element", event["element_id"])
        _value(entry, event["details"])
    files = _el(root, "bilagor")
    for item in record["attachments"]:
        _el(
            files,
            "bilaga",
            id=item["id"],
            filnamn=item["filename"],
            typ=item["content_type"],
            storlek=str(item["size"]),
            sha256=item["sha256"],
            fil=item["path"],
        )
    documents = _el(root, "dokument")
    for path in record["documents"]:
        _el(documents, "fil", href=path)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _record(engine: Samverkan, store: Store, case_id: int) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The case's rows and files read in one transaction; refuses a case that has not ended."""
    c, h, a, p = schema.cases, schema.history, schema.attachments, schema.process_versions
    with engine.db.connect() as conn, conn.begin():
        case = conn.execute(select(c).where(c.c.id == case_id)).first()
        if case is None:
            raise NotFound(f"Ärende {case_id} finns inte.", code="not_found")
        if case.status != "completed":
            raise Conflict("Bara avslutade ärenden kan arkiveras.", code="case_not_finished")
        history = conn.execute(select(h).where(h.c.case_id == case_id).order_by(h.c.id)).all()
        files = conn.execute(select(a).where(a.c.case_id == case_id).order_by(a.c.uploaded_at, a.c.id)).all()
        bpmn = conn.execute(
            select(p.c.xml).where(p.c.process_id == case.process_id, p.c.version == case.process_version)
        ).scalar_one()
    contents: dict[str, bytes] = {}
    attachments = []
    for row in files:
        path = f"{DATA}/bilagor/{row.id}-{_safe(row.filename)}"
        try:
            contents[path] = store.path(row.id).read_bytes()
        except FileNotFoundError:
            continue  # gallrad or removed: the XML lists only files the package holds
        attachments.append(
            {
                "id": row.id,
                "filename": row.filename,
                "content_type": row.content_type,
                "size": row.size,
                "sha256": row.sha256,
                "path": path,
            }
        )
    contents[f"{DATA}/process/{_safe(case.process_id)}-v{case.process_version}.bpmn"] = bpmn.encode("utf-8")
    ended = [e.at for e in history if e.action == "ended"]
    record = {
        "case": {
            "id": case.id,
            "title": case.title,
            "process_id": case.process_id,
            "process_version": case.process_version,
            "status": case.status,
            "end_event": case.end_event,
            "area": case.area,
            "created_at": case.created_at.isoformat(),
            "created_by": case.created_by,
            "data": case.data or {},
        },
        "ended_at": ended[-1].isoformat() if ended else None,
        "history": [
            {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "element_id": e.element_id,
                "details": e.details or {},
            }
            for e in history
        ],
        "attachments": attachments,
        "documents": [],
    }
    return record, contents


def _mets(case_id: int, title: str, files: Mapping[str, bytes], created: datetime) -> bytes:
    """A small METS document: the package's files with size, MIME type and SHA-256."""
    root = etree.Element(
        f"{{{METS}}}mets",
        nsmap={"mets": METS, "xlink": XLINK},
        OBJID=f"samverkan-arende-{case_id}",
        LABEL=_xml_text(title),
        TYPE="Ärende",
        PROFILE="https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml",
    )
    header = etree.SubElement(root, f"{{{METS}}}metsHdr", CREATEDATE=created.isoformat(timespec="seconds"))
    agent = etree.SubElement(header, f"{{{METS}}}agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    etree.SubElement(agent, f"{{{METS}}}name").text = "Samverkan"
    section = etree.SubElement(root, f"{{{METS}}}fileSec")
    group = etree.SubElement(section, f"{{{METS}}}fileGrp", USE="Package")
    struct = etree.SubElement(root, f"{{{METS}}}structMap", TYPE="PHYSICAL", LABEL="CSIP")
    division = etree.SubElement(struct, f"{{{METS}}}div", LABEL=f"Ärende {case_id}")
    for n, (path, content) in enumerate(sorted(files.items()), start=1):
        file_id = f"F{n}"
        entry = etree.SubElement(
            group,
            f"{{{METS}}}file",
            ID=file_id,
            MIMETYPE=_mime(path),
            SIZE=str(len(content)),
            CHECKSUM=hashlib.sha256(content).hexdigest(),
            CHECKSUMTYPE="SHA-256",
        )
        etree.SubElement(
            entry, f"{{{METS}}}FLocat", {"LOCTYPE": "URL", f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": path}
        )
        etree.SubElement(division, f"{{{METS}}}fptr", FILEID=file_id)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


_MIME = {".xml": "application/xml", ".xsd": "application/xml", ".json": "application/json", ".pdf": "application/pdf"}


def _mime(path: str) -> str:
    if path.endswith(".bpmn"):
        return "application/xml"
    return _MIME.get(Path(path).suffix.lower(), "application/octet-stream")


def check_finished(engine: Samverkan, case_id: int) -> None:
    """``NotFound`` for no such case, ``Conflict`` (``case_not_finished``) for one still running."""
    with engine.db.connect() as conn:
        status = conn.execute(select(schema.cases.c.status).where(schema.cases.c.id == case_id)).scalar()
    if status is None:
        raise NotFound(f"Ärende {case_id} finns inte.", code="not_found")
    if status != "completed":
        raise Conflict("Bara avslutade ärenden kan arkiveras.", code="case_not_finished")


def build(engine: Samverkan, store: Store, case_id: int, documents: Iterable[Document] = ()) -> tuple[str, bytes]:
    """The package of a finished case as ``(file name, ZIP bytes)``."""
    record, files = _record(engine, store, case_id)
    for document in documents:
        path = f"{DATA}/dokument/{_safe(document.filename)}"
        files[path] = document.content
        record["documents"].append(path)
    files["metadata/descriptive/arende.xml"] = case_xml(record)
    files["metadata/descriptive/arende.json"] = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
    files["schemas/arende.xsd"] = XSD_PATH.read_bytes()
    files["manifest-sha256.txt"] = "".join(
        f"{hashlib.sha256(content).hexdigest()}  {path}\n" for path, content in sorted(files.items())
    ).encode("utf-8")
    files["METS.xml"] = _mets(case_id, record["case"]["title"], files, engine.now())
    folder = f"samverkan-arende-{case_id}"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for path, content in sorted(files.items()):
            info = zipfile.ZipInfo(f"{folder}/{path}", date_time=_zip_time(engine.now()))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, content)
    return f"{folder}.zip", out.getvalue()


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    moment = max(moment, datetime(1980, 1, 1, tzinfo=moment.tzinfo))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
