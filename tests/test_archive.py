"""Archive export: a finished case as one ZIP whose METS checksums match and whose XML fits its XSD."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from engine import archive, attachments
from engine.db import migrate
from engine.errors import Conflict, NotFound
from tests.document_case import finished_case, pdf_reader
from tests.http import ApiClient
from tests.personal_case import ADA, BO, filled_case, samverkan
from tests.samverkansstod import Driver
from web.archive import package

METS = "{http://www.loc.gov/METS/}"
XLINK = "{http://www.w3.org/1999/xlink}"


@pytest.fixture
def store(tmp_path: Path) -> attachments.Store:
    return attachments.Store(tmp_path / "bilagor")


def _files(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as package_zip:
        assert package_zip.testzip() is None
        return {name.split("/", 1)[1]: package_zip.read(name) for name in package_zip.namelist()}


def _check_package(files: dict[str, bytes]) -> None:
    """Every file but METS.xml is in METS with its SHA-256 and size; the XML fits the XSD."""
    mets = etree.fromstring(files["METS.xml"])
    listed = {
        f.find(f"{METS}FLocat").get(f"{XLINK}href"): (f.get("CHECKSUM"), int(f.get("SIZE")), f.get("CHECKSUMTYPE"))
        for f in mets.iter(f"{METS}file")
    }
    assert set(listed) == set(files) - {"METS.xml"}
    for path, (checksum, size, kind) in listed.items():
        assert (checksum, size, kind) == (hashlib.sha256(files[path]).hexdigest(), len(files[path]), "SHA-256"), path
    manifest = dict(line.split("  ", 1)[::-1] for line in files["manifest-sha256.txt"].decode().splitlines())
    assert set(manifest) == set(files) - {"METS.xml", "manifest-sha256.txt"}
    assert all(manifest[p] == hashlib.sha256(files[p]).hexdigest() for p in manifest)
    xsd = etree.XMLSchema(etree.fromstring(files["schemas/arende.xsd"]))
    document = etree.fromstring(files["metadata/descriptive/arende.xml"])
    assert xsd.validate(document), xsd.error_log
    assert files["schemas/arende.xsd"] == archive.XSD_PATH.read_bytes()


def test_a_declined_case_with_a_file_is_packaged(drive: Driver, store: attachments.Store) -> None:
    case_id = filled_case(drive, store, "Ljus på gården", ADA, BO)
    name, content = package(drive.engine, store, case_id)
    assert name == f"samverkan-arende-{case_id}.zip"
    files = _files(content)
    _check_package(files)
    record = json.loads(files["metadata/descriptive/arende.json"])
    assert record["case"]["data"]["sokt_stod"]["belopp_sek"] == 120000
    assert [e["action"] for e in record["history"]][-1] == "ended" and record["ended_at"]
    [stored] = attachments.list_for_case(drive.engine, case_id)
    [attached] = [p for p in files if p.startswith("representations/rep1/data/bilagor/")]
    assert hashlib.sha256(files[attached]).hexdigest() == stored["sha256"]
    bpmn = [p for p in files if p.endswith(".bpmn")]
    assert bpmn == ["representations/rep1/data/process/samverkansstod-v1.bpmn"]
    assert b"samverkansstod" in files[bpmn[0]]
    xml = etree.fromstring(files["metadata/descriptive/arende.xml"])
    texts = [t.text for t in xml.iter("{urn:samverkan:arkiv:1}text")]
    assert ADA.email + ", " + ADA.phone in texts  # the data as it is, in XML
    # A declined case has the application with its assessment, as PDF/A.
    [pdf] = [p for p in files if p.startswith("representations/rep1/data/dokument/")]
    assert pdf.endswith(".pdf") and files[pdf].startswith(b"%PDF")


def test_a_finished_case_carries_its_reports_as_pdf_a(drive: Driver, store: attachments.Store) -> None:
    case_id = finished_case(drive)
    files = _files(package(drive.engine, store, case_id)[1])
    _check_package(files)
    pdfs = sorted(p for p in files if p.startswith("representations/rep1/data/dokument/"))
    assert len(pdfs) >= 3  # application, follow-up reports, final report
    for path in pdfs:
        metadata = pdf_reader(files[path]).xmp_metadata
        assert metadata is not None and "pdfaid" in str(metadata.rdf_root.toxml()), path


def test_only_finished_cases_are_packaged(drive: Driver, store: attachments.Store) -> None:
    running = drive.start()
    with pytest.raises(Conflict):
        package(drive.engine, store, running)
    with pytest.raises(NotFound):
        package(drive.engine, store, 999)


def test_the_api_and_the_command_give_the_package(
    api: ApiClient, drive: Driver, store: attachments.Store, database_url: str, tmp_path: Path
) -> None:
    migrate(drive.engine.db)
    case_id = filled_case(drive, store, "Ljus på gården", ADA, BO)
    answer = api.as_user("agnes", "admin").get(f"/cases/{case_id}/archive")
    assert answer.status == 200 and answer.headers["Content-Type"] == "application/zip"
    _check_package(_files(answer.raw))
    assert api.as_user("kim2", "kontaktperson").get(f"/cases/{case_id}/archive").status == 403
    assert api.as_user("agnes", "admin").get(f"/cases/{drive.start()}/archive").status == 409

    target = tmp_path / "paket.zip"
    run = samverkan(database_url, store.directory, "export", str(case_id), str(target))
    assert run.returncode == 0, run.stderr
    assert "Arkivpaketet för ärende" in run.stdout
    _check_package(_files(target.read_bytes()))
    missing = samverkan(database_url, store.directory, "export", "999", str(tmp_path / "x.zip"))
    assert missing.returncode == 1 and missing.stderr.strip() == "samverkan: Ärende 999 finns inte."
