"""The draft tjänsteskrivelse for Tekniska nämnden (DOCX): what a nämndsekreterare edits and files.

Laid out like the administration's report to the nämnd (seed 001): Sammanfattning, Förslag till
beslut, Beslutsunderlag, Beslutsplanering, Ärendet; then the criteria assessment and the support
applied for beside the support proposed. Written with python-docx into an editable Word file.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from web import display
from web.documents import sources as s
from web.documents.application import criteria_rows
from web.documents.base import DOCX, SENDER, DocumentInfo, Period, filename, paragraphs, sek
from web.filters import date_sv

KIND = "beslutsunderlag"
RECOMMENDED = "tillstyrk"


def _missing(src: s.Sources) -> tuple[str, bool]:
    assessment = src.last(s.ASSESSMENT)
    if assessment is None:
        if not src.active:
            return "Ärendet avslutades innan ansökan bedömdes, så det finns inget beslutsunderlag.", True
        return "Beslutsunderlaget tas fram när ansökan är bedömd och tillstyrkt.", False
    recommendation = assessment.data.get("rekommendation")
    if recommendation == RECOMMENDED:
        return "", False
    if recommendation == "avstyrk":
        return "Ansökan avstyrktes och går inte till nämnden, så det finns inget beslutsunderlag.", True
    if not src.active:
        return "Ärendet avslutades utan att ansökan tillstyrktes, så det finns inget beslutsunderlag.", True
    return "Ansökan ska kompletteras och bedömas igen innan beslutsunderlaget kan tas fram.", False


def _applied_period(src: s.Sources) -> Period | None:
    applied = src.data(s.APPLICATION)
    start, end = applied.get("planerad_start"), applied.get("planerad_slut")
    return Period(str(start), str(end)) if start and end else None


def info(src: s.Sources) -> DocumentInfo:
    missing, final = _missing(src)
    return DocumentInfo(
        kind=KIND,
        name=KIND,
        title="Beslutsunderlag till Tekniska nämnden (utkast till tjänsteskrivelse)",
        period=_applied_period(src),
        content_type=DOCX,
        filename=filename("Beslutsunderlag", src.case["title"], src.reference, "docx"),
        missing=missing,
        final=final,
    )


def _joined(names: list[str]) -> str:
    """”A, B och C”."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1] if names else ""


def proposal(src: s.Sources) -> list[str]:
    """The ”att”-clauses of Förslag till beslut."""
    title = src.case["title"]
    period = _applied_period(src)
    during = f" för perioden {period.text()}" if period else ""
    applied = (src.data(s.APPLICATION).get("sokt_stod") or {}).get("belopp_sek")
    proposed = src.data(s.ASSESSMENT).get("foreslaget_belopp_sek")
    if isinstance(proposed, int) and isinstance(applied, int) and proposed < applied:
        first = f"att delvis bevilja ”{title}” samverkansstöd med {sek(proposed)} av sökta {sek(applied)}{during},"
    elif isinstance(proposed, int):
        first = f"att bevilja ”{title}” samverkansstöd med {sek(proposed)}{during},"
    else:
        first = f"att bevilja ”{title}” samverkansstöd enligt förvaltningens förslag i denna tjänsteskrivelse{during},"
    return [
        first,
        "att stödet villkoras av en samverkansöverenskommelse mellan aktörerna och Fastighets- och gatukontoret "
        "om roller och ansvar, mål och indikatorer, samt",
        "att uppdra åt Fastighets- och gatukontoret att följa upp samverkan med uppföljningsrapporter under "
        "stödperioden och en slutrapport med effektmätning.",
    ]


def summary(src: s.Sources, criteria: list[dict[str, str]]) -> list[str]:
    initiative, application = src.data(s.INITIATIVE), src.data(s.APPLICATION)
    actors = [str(a.get("namn")) for a in initiative.get("aktorer") or [] if isinstance(a, dict) and a.get("namn")]
    applied = sek((application.get("sokt_stod") or {}).get("belopp_sek"))
    period = _applied_period(src)
    who = _joined(actors) or "Aktörsgruppen"
    first = f"{who} söker samverkansstöd{' om ' + applied if applied else ''} för ”{src.case['title']}”"
    first += f" i {src.area_name}" if src.area_name else ""
    first += f" under perioden {period.text()}." if period else "."
    verdicts = ", ".join(f"{row['title'].split(' ')[0]} {row['verdict'].lower()}" for row in criteria)
    second = "Fastighets- och gatukontoret har bedömt ansökan mot kriterierna för samverkansstöd"
    second += f" ({verdicts}) och tillstyrker den." if verdicts else " och tillstyrker den."
    proposed = src.data(s.ASSESSMENT).get("foreslaget_belopp_sek")
    third = (
        f"Förvaltningen föreslår att Tekniska nämnden beviljar {sek(proposed)}."
        if isinstance(proposed, int)
        else "Förvaltningens förslag till stöd framgår under Sökt och föreslaget stöd."
    )
    return [first, second, third]


def _support_rows(src: s.Sources) -> list[list[str]]:
    """Applied for beside proposed: amount, resources, period."""
    applied, assessment = src.data(s.APPLICATION).get("sokt_stod") or {}, src.data(s.ASSESSMENT)
    period = _applied_period(src)
    none = "Anges inte"
    during = period.text() if period else none
    scope = str(assessment.get("foreslaget_stod") or none)
    return [
        ["Belopp", sek(applied.get("belopp_sek")) or none, sek(assessment.get("foreslaget_belopp_sek")) or none],
        ["Resurser och omfattning", str(applied.get("resurser") or none), scope],
        ["Period", during, during],
    ]


# --- writing the Word file -------------------------------------------------------------------


def _swedish(document: DocxDocument) -> None:
    """Arial 11 pt, black headings, and Swedish as the language of every run (spelling, hyphenation)."""
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(11)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2"):
        styles[name].font.name = "Arial"
        styles[name].font.color.rgb = RGBColor(0, 0, 0)
    defaults = styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if run_defaults is not None:
        lang = run_defaults.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            run_defaults.append(lang)
        lang.set(qn("w:val"), "sv-SE")


def _page_field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _header_footer(document: DocxDocument, head: str, foot: str) -> None:
    section = document.sections[0]
    section.header.paragraphs[0].text = head
    paragraph = section.footer.paragraphs[0]
    paragraph.text = f"{foot} · Sida "
    _page_field(paragraph, "PAGE")
    paragraph.add_run(" av ")
    _page_field(paragraph, "NUMPAGES")
    for part in (section.header.paragraphs[0], paragraph):
        for run in part.runs:
            run.font.size = Pt(8.5)


def _text(document: DocxDocument, text: str) -> None:
    for paragraph in paragraphs(text):
        document.add_paragraph(paragraph)


def _table(document: DocxDocument, columns: list[str], rows: list[list[str]]) -> None:
    if not rows:
        return
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    head = table.rows[0]
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
    head._tr.get_or_add_trPr().append(repeat)
    for cell, title in zip(head.cells, columns, strict=True):
        cell.text = title
        cell.paragraphs[0].runs[0].font.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    document.add_paragraph()


def _entries(document: DocxDocument, entries: list[display.Entry]) -> None:
    for entry in entries:
        label = document.add_paragraph()
        label.add_run(entry.label).bold = True
        if entry.children:
            _entries(document, entry.children)
        for row in entry.rows:
            document.add_paragraph("; ".join(f"{e.label}: {e.text}" for e in row if e.text), style="List Bullet")
        if entry.text:
            _text(document, entry.text)


def _case_part(document: DocxDocument, src: s.Sources) -> None:
    """Ärendet: the initiative, early resident involvement, the application and any complement."""
    schemas, areas = src.schemas, src.areas
    initiative = src.data(s.INITIATIVE)
    document.add_heading("Ärendet", level=1)
    document.add_heading("Initiativ och område", level=2)
    place = f", {initiative['plats']}" if initiative.get("plats") else ""
    document.add_paragraph(f"Initiativet kom in som ”{src.start_name}”. Området är {src.area_name}{place}.")
    actors = display.table(schemas[s.INITIATIVE]["properties"]["aktorer"], initiative.get("aktorer"), areas,
                           skip=("kontakt",))  # fmt: skip
    _table(document, actors.columns, actors.rows)
    _entries(document, display.describe(schemas[s.INITIATIVE], initiative, areas, skip=("aktorer", "omrade", "plats")))
    document.add_heading("Tidig boendeinvolvering", level=2)
    _entries(document, display.describe(schemas[s.EARLY_INVOLVEMENT], src.data(s.EARLY_INVOLVEMENT), areas))
    document.add_heading("Ansökan", level=2)
    application = src.data(s.APPLICATION)
    _entries(document, display.describe(schemas[s.APPLICATION], application, areas, skip=("atagande", "sokt_stod")))
    commitments = display.table(schemas[s.APPLICATION]["properties"]["atagande"], application.get("atagande"), areas)
    if commitments.rows:
        document.add_paragraph().add_run("Aktörernas åtaganden").bold = True
        _table(document, commitments.columns, commitments.rows)
    complement = display.describe(schemas[s.COMPLEMENT], src.data(s.COMPLEMENT), areas)
    if complement:
        document.add_heading("Komplettering", level=2)
        _entries(document, complement)


def build(src: s.Sources) -> DocxDocument:
    document = Document()
    _swedish(document)
    dnr = src.decision.get("diarienummer")
    _header_footer(
        document,
        f"{SENDER} · Tjänsteskrivelse · Diarienummer {dnr or '(fylls i av nämndsekreteraren)'}",
        f"Samverkansstöd till ”{src.case['title']}”",
    )
    assessment = src.last(s.ASSESSMENT)
    criteria = criteria_rows(src)
    planned = src.data(s.ASSESSMENT).get("planerat_sammantrade")
    document.add_heading("Tjänsteskrivelse", level=0)
    for label, value in (
        ("Till", "Tekniska nämnden"),
        ("Datum", date_sv(src.now)),
        ("Diarienummer", str(dnr or "Fylls i av nämndsekreteraren")),
        ("Handläggare", f"{assessment.actor_name}, kontaktperson" if assessment else ""),
    ):
        line = document.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
    document.add_paragraph(f"Samverkansstöd till ”{src.case['title']}”", style="Subtitle")
    document.add_heading("Sammanfattning", level=1)
    for text in summary(src, criteria):
        document.add_paragraph(text)
    document.add_heading("Förslag till beslut", level=1)
    document.add_paragraph("Tekniska nämnden föreslås besluta")
    for clause in proposal(src):
        document.add_paragraph(clause)
    document.add_heading("Beslutsunderlag", level=1)
    for item in (
        f"Tjänsteskrivelse, samverkansstöd till ”{src.case['title']}”",
        "Ansökan om samverkansstöd med bedömning mot kriterierna (bilaga)",
    ):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("Beslutsplanering", level=1)
    document.add_paragraph(f"Tekniska nämnden {date_sv(planned)}" if planned else "Tekniska nämnden, datum bestäms.")
    _case_part(document, src)
    document.add_heading("Bedömning mot kriterierna", level=1)
    _table(document, ["Kriterium", "Bedömning", "Motivering"],
           [[row["title"], row["verdict"], row["motivation"]] for row in criteria])  # fmt: skip
    _recommendation(document, src)
    document.add_heading("Sökt och föreslaget stöd", level=1)
    _table(document, ["", "Sökt", "Föreslaget"], _support_rows(src))
    document.add_heading("Ansvariga", level=1)
    if assessment:
        document.add_paragraph(f"{assessment.actor_name}, kontaktperson, {SENDER}")
    _properties(document, src)
    return document


def _recommendation(document: DocxDocument, src: s.Sources) -> None:
    data, schema = src.data(s.ASSESSMENT), src.schemas[s.ASSESSMENT]["properties"]
    line = document.add_paragraph()
    line.add_run(f"{schema['rekommendation']['title']}: ").bold = True
    line.add_run(display.value_text(schema["rekommendation"], data.get("rekommendation")))
    if data.get("tillstyrkan_motivering"):
        document.add_paragraph().add_run(str(schema["tillstyrkan_motivering"]["title"])).bold = True
        _text(document, str(data["tillstyrkan_motivering"]))


def _properties(document: DocxDocument, src: s.Sources) -> None:
    properties = document.core_properties
    properties.title = f"Tjänsteskrivelse: samverkansstöd till ”{src.case['title']}”"
    properties.author = SENDER
    properties.subject = "Beslutsunderlag till Tekniska nämnden"
    properties.keywords = ", ".join(k for k in ("Samverkansstöd", str(src.decision.get("diarienummer") or "")) if k)
    properties.language = "sv-SE"
    properties.created = src.now
    properties.comments = f"Framtaget ur Samverkan, ärende {src.case['id']}."


def render(src: s.Sources, document: DocumentInfo) -> bytes:
    del document  # one decision basis per case
    out = io.BytesIO()
    build(src).save(out)
    return out.getvalue()
