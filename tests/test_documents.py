"""Case documents made from a case driven through the real model, read back: PDF text with pypdf,
the Word file with python-docx. Rendering runs on SQLite; the API tests run both databases."""

from __future__ import annotations

import io
import re

import docx
import pytest

from engine.errors import Conflict, NotFound
from tests import document_case as dc
from tests.samverkansstod import TO_DECISION, Driver
from web import documents

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SEVEN_SECTIONS = (
    "1. Beskrivning av utfallet av samverkansprocessen",
    "2. Specificering av hur beviljat belopp/resurser har använts",
    "3. Beskrivning av vad som har uppnåtts som har varit avgörande för områdets utveckling",
    "4. Beskrivning av vilka dialogaktiviteter som har genomförts med boende, fastighetsägare, näringsliv, "
    "föreningsliv m.m.",
    "5. Vilka medverkande aktörer/samarbetspartners som har varit avgörande i samverkansprocessen och vilken "
    "funktion de har haft",
    "6. Beskrivning av hur samverkan bidragit till områdets utveckling och vilken förflyttning som har skett med "
    "stöd av Malmö stads resurser",
    "7. Beskrivning av vilka lärdomar som har dragits bland deltagande aktörer",
)


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces as one space: headings wrap over lines in a PDF."""
    return " ".join(text.split())


def assert_every_page(pages: list[str], *expected: str) -> None:
    for number, text in enumerate(pages, 1):
        for part in (*expected, f"Sida {number} av {len(pages)}"):
            assert part in flat(text), (number, part)


def assert_no_raw_values(text: str) -> None:
    """No field keys, enum codes, ISO dates or Python reprs reach a document."""
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)
    for raw in ("None", "True", "False", "{'", "['", "Exempeltext för Belopp"):
        assert raw not in text


def assert_archival(content: bytes) -> None:
    """PDF/A-3b named in the XMP metadata, Swedish as the document language, every font embedded."""
    reader = dc.pdf_reader(content)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert "/OutputIntents" in reader.trailer["/Root"]
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font


@pytest.fixture
def finished(drive: Driver) -> int:
    return dc.finished_case(drive)


def test_follow_up_report_has_the_seven_sections_and_the_figures_on_every_page(drive: Driver, finished: int) -> None:
    built = documents.build(drive.engine, finished, "uppfoljningsrapport-1")
    assert built.info.content_type == "application/pdf"
    assert built.info.filename == f"Uppföljningsrapport 1 – {dc.TITLE} ({dc.DNR}).pdf"
    pages = dc.pdf_pages(built.content)
    assert len(pages) >= 2
    assert_every_page(pages, f"Diarienummer {dc.DNR}", "Uppföljning 1: 1 apr 2027 – 1 okt 2027")
    text = flat(" ".join(pages))
    positions = [text.index(section) for section in SEVEN_SECTIONS]
    assert positions == sorted(positions)
    assert dc.FIRST_REPORT["utfall"] in text
    assert "Beviljat belopp för stödperioden 200 000 kr" in text
    assert "Använt under perioden 80 000 kr" in text
    assert "Kvar av beviljat belopp 120 000 kr" in text
    assert "Höstfestival på Örtagårdstorget 17 sep 2027 Boende 300" in text
    assert "Summa deltagare 361" in text
    assert "Deltagare per målgrupp: Boende 340, Föreningsliv 21." in text
    assert "Upplevd trygghet 52 % 65 % 58 %" in text
    assert "Felanmälningar per år 40 150 212" in text
    assert_no_raw_values(text)
    assert_archival(built.content)


def test_the_approved_complement_is_the_report_of_its_period(drive: Driver, finished: int) -> None:
    pages = dc.pdf_pages(documents.build(drive.engine, finished, "uppfoljningsrapport-2").content)
    text = flat(" ".join(pages))
    assert_every_page(pages, f"Diarienummer {dc.DNR}", "Uppföljning 2: 1 okt 2027 – 1 apr 2028")
    assert dc.SECOND_REPORT["utfall"] in text
    assert "Första versionen" not in text
    assert "Använt hittills, uppföljning 1–2 180 000 kr" in text
    assert "Kvar av beviljat belopp 20 000 kr" in text
    assert "Upplevd trygghet 52 % 65 % 61 %" in text


def test_application_shows_the_assessment_and_the_recommendation(drive: Driver, finished: int) -> None:
    built = documents.build(drive.engine, finished, "ansokan")
    pages = dc.pdf_pages(built.content)
    assert_every_page(pages, f"Diarienummer {dc.DNR}", "Sökt period 1 apr 2027 – 1 apr 2028")
    text = flat(" ".join(pages))
    for heading in ("Ansökan om samverkansstöd", "Aktörsgrupp", "Tidig boendeinvolvering", "Bedömning mot kriterierna"):
        assert heading in text
    assert "Made in Rosengård Förening" in text and "Rosengård Fastigheter Fastighetsägare" in text
    assert "info@madeinrosengard.example" not in text  # contact details stay in the case
    assert "Metoder Boendedialog, Trygghetsvandring Datum för involveringen 20 feb 2027" in text
    assert "Antal boende som nåtts 64" in text
    assert "Sökt belopp 250 000 kr" in text
    assert "Summa 105 000 kr" in text
    for criterion in ("K1 Blandad grupp av aktörer", "K2 Upparbetade samarbeten", "K4 Mervärde"):
        assert criterion in text
    assert re.search(r"K3 Pengar, resurser eller aktiviteter .*Delvis uppfyllt " + re.escape(dc.K3_MOTIVATION), text)
    assert "Rekommendation Tillstyrk" in text and "Föreslaget belopp (kr) 200 000 kr" in text
    assert_no_raw_values(text)
    assert_archival(built.content)


def test_final_report_sets_effects_against_baseline_and_target(drive: Driver, finished: int) -> None:
    built = documents.build(drive.engine, finished, "slutrapport")
    pages = dc.pdf_pages(built.content)
    assert_every_page(pages, f"Diarienummer {dc.DNR}", "Stödperiod 1 apr 2027 – 1 apr 2028")
    text = flat(" ".join(pages))
    assert "Upplevd trygghet 52 % 65 % 63 %" in text
    assert "Felanmälningar per år 40 150 230" in text
    assert "Upplevd trygghet 1 1 apr 2027 – 1 okt 2027 58 %" in text
    assert "Använt under stödperioden 180 000 kr" in text
    assert "Uppföljningar 2 av 2 godkända" in text
    assert dc.FINAL["samlad_bedomning"] in text and "Ny ansökan" in text
    assert_no_raw_values(text)
    assert_archival(built.content)


def test_decision_basis_is_an_editable_word_file_with_criteria_and_support(drive: Driver, finished: int) -> None:
    built = documents.build(drive.engine, finished, "beslutsunderlag")
    assert built.info.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert built.info.filename.endswith(".docx")
    word = docx.Document(io.BytesIO(built.content))
    headings = [p.text for p in word.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    for heading in ("Sammanfattning", "Förslag till beslut", "Beslutsunderlag", "Beslutsplanering", "Ärendet",
                    "Bedömning mot kriterierna", "Sökt och föreslaget stöd"):  # fmt: skip
        assert heading in headings
    tables = [[[cell.text.replace("\u00a0", " ") for cell in row.cells] for row in t.rows] for t in word.tables]
    criteria = next(t for t in tables if t[0] == ["Kriterium", "Bedömning", "Motivering"])
    assert [row[0].split(" ")[0] for row in criteria[1:]] == ["K1", "K2", "K3", "K4", "K5"]
    assert criteria[3][1:] == ["Delvis uppfyllt", dc.K3_MOTIVATION]
    support = next(t for t in tables if t[0] == ["", "Sökt", "Föreslaget"])
    assert support[1] == ["Belopp", "250 000 kr", "200 000 kr"]
    text = "\n".join(p.text.replace("\u00a0", " ") for p in word.paragraphs)
    assert f"att delvis bevilja ”{dc.TITLE}” samverkansstöd med 200 000 kr av sökta 250 000 kr" in text
    assert "Tekniska nämnden 23 mar 2027" in text
    assert dc.DNR in word.sections[0].header.paragraphs[0].text
    assert word.core_properties.language == "sv-SE"
    assert_no_raw_values(text)


def test_documents_of_periods_not_approved_are_refused_with_the_reason(drive: Driver) -> None:
    case_id = dc.decided_case(drive)
    listed = {d.name: d for d in documents.catalog(drive.engine, case_id)}
    follow_ups = ["uppfoljningsrapport-1", "uppfoljningsrapport-2"]
    assert list(listed) == ["ansokan", "beslutsunderlag", *follow_ups, "slutrapport"]
    assert listed["ansokan"].ready and listed["beslutsunderlag"].ready
    with pytest.raises(Conflict, match="Perioden slutar 1 okt 2027") as refused:
        documents.build(drive.engine, case_id, "uppfoljningsrapport-1")
    assert refused.value.code == "document_not_ready"
    dc.first_follow_up_approved(drive, case_id)
    dc.second_follow_up_sent_back(drive, case_id)
    assert documents.build(drive.engine, case_id, "uppfoljningsrapport-1").content.startswith(b"%PDF")
    with pytest.raises(Conflict, match="Komplettering av rapporten är begärd"):
        documents.build(drive.engine, case_id, "uppfoljningsrapport-2")
    with pytest.raises(Conflict, match="alla uppföljningar är godkända"):
        documents.build(drive.engine, case_id, "slutrapport")
    for unknown in ("uppfoljningsrapport-3", "uppfoljningsrapport-0", "uppfoljningsrapport-x", "okand", ""):
        with pytest.raises(NotFound):
            documents.build(drive.engine, case_id, unknown)


def test_before_the_assessment_and_the_decision_nothing_can_be_made(drive: Driver) -> None:
    case_id = drive.start(title=dc.TITLE)
    drive.walk(case_id, "registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan")
    assert not any(d.ready for d in documents.catalog(drive.engine, case_id))
    with pytest.raises(Conflict, match="bedömd mot kriterierna"):
        documents.build(drive.engine, case_id, "ansokan")
    with pytest.raises(Conflict, match="nämnden har beviljat stöd"):
        documents.build(drive.engine, case_id, "uppfoljningsrapport-1")
    with pytest.raises(NotFound):
        documents.build(drive.engine, case_id + 1, "ansokan")


def test_a_declined_application_has_its_assessment_but_never_a_decision_basis(drive: Driver) -> None:
    case_id = drive.start(title=dc.TITLE)
    drive.walk(case_id, *TO_DECISION[:-1])
    drive.complete(case_id, "bedomning", rekommendation="avstyrk")
    drive.walk(case_id, "meddela_avslag")
    assert drive.case(case_id)["status"] == "completed"
    listed = {d.name: d for d in documents.catalog(drive.engine, case_id)}
    assert listed["ansokan"].ready
    assert listed["beslutsunderlag"].final and listed["slutrapport"].final
    with pytest.raises(NotFound, match="avstyrktes"):
        documents.build(drive.engine, case_id, "beslutsunderlag")
    with pytest.raises(NotFound):
        documents.build(drive.engine, case_id, "uppfoljningsrapport-1")
    text = flat(" ".join(dc.pdf_pages(documents.build(drive.engine, case_id, "ansokan").content)))
    assert "Rekommendation Avstyrk" in text
    assert "diarienummer saknas (inget nämndbeslut ännu)" in text
