"""What every case document shares: its entry in the list, file names, and the PDF renderer.

PDFs are rendered by WeasyPrint from our own Jinja templates (``web/templates/documents/``) and
one print stylesheet, as PDF/A-3b: the city must be able to archive what it sends. The fonts
are the system's (DejaVu, Liberation; fontconfig), embedded by WeasyPrint. Nothing is fetched
while rendering: documents hold only case data.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from web.display import kronor, period_sv
from web.filters import date_sv

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "documents"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# WeasyPrint 70's name for PDF/A-3, level B (weasyprint/pdf/pdfa.py, VARIANTS).
PDF_VARIANT = "pdf/a-3b"
_OUTPUT_INTENT = "srgb-output-intent"
SENDER = "Malmö stad, Fastighets- och gatukontoret"


@dataclass(frozen=True)
class Period:
    """Dates as ``YYYY-MM-DD``; ``number`` is the follow-up's number when the period is one."""

    start: str
    end: str
    number: int | None = None

    def text(self) -> str:
        return period_sv(self.start, self.end)


@dataclass(frozen=True)
class DocumentInfo:
    """One document of a case, made or not yet: ``missing`` says why not (empty when it can be made).

    ``name`` is the last part of its address (``uppfoljningsrapport-2``). ``final`` marks a
    missing document the case will never have (it went another way), as opposed to one it will
    have later.
    """

    kind: str
    name: str
    title: str
    period: Period | None
    content_type: str
    filename: str
    missing: str = ""
    final: bool = False

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def format_label(self) -> str:
        return "PDF" if self.content_type == PDF else "Word"


@dataclass(frozen=True)
class Built:
    info: DocumentInfo
    content: bytes


def sek(value: Any) -> str:
    """An amount in kronor as people read it (”250 000 kr”); empty when there is none."""
    return kronor(value) if isinstance(value, int) and not isinstance(value, bool) else ""


_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f-\x9f]+")


def filename(label: str, case_title: str, reference: str, extension: str) -> str:
    """A file name an official can file as it is: ”Uppföljningsrapport 1 – Rosengård samverkan (TN-2024-12).pdf”."""
    title = " ".join(_UNSAFE.sub(" ", case_title).split())
    if len(title) > 60:
        title = title[:59].rstrip() + "…"
    return f"{label} – {title} ({reference}).{extension}" if title else f"{label} ({reference}).{extension}"


def paragraphs(text: str | None) -> list[str]:
    """Free text as paragraphs: blank lines separate them; single line breaks stay inside one."""
    return [p.strip() for p in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if p.strip()]


_ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(("html",)),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters.update(date_sv=date_sv, kronor=kronor, paragraphs=paragraphs)


@functools.cache
def _renderer() -> tuple[Any, Any, bytes]:
    """WeasyPrint, the parsed print stylesheet and the sRGB profile, loaded on first use (importing
    WeasyPrint loads Pango and fontconfig: about a second, once per process)."""
    import weasyprint

    fetcher = weasyprint.URLFetcher(allowed_protocols=())  # documents reference nothing outside themselves
    stylesheet = weasyprint.CSS(filename=str(TEMPLATES / "print.css"), url_fetcher=fetcher)
    srgb = (resources.files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
    return weasyprint, stylesheet, srgb


def render_html(template: str, **context: Any) -> str:
    return _ENVIRONMENT.get_template(template).render(**context)


def render_pdf(template: str, **context: Any) -> bytes:
    """The template rendered with ``context`` as an archival PDF (PDF/A-3b, fonts embedded).

    The sRGB output intent PDF/A needs is WeasyPrint's own profile, handed over as a colour
    profile of ours: asked for by name (``output_intent="srgb"``), WeasyPrint 70 opens the profile
    file and never closes it (a ResourceWarning on every document).
    """
    weasyprint, stylesheet, srgb = _renderer()
    from weasyprint.css import ColorProfile

    profile = ColorProfile(io.BytesIO(srgb), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"]))
    html = weasyprint.HTML(
        string=render_html(template, **context), url_fetcher=weasyprint.URLFetcher(allowed_protocols=())
    )
    pdf = html.write_pdf(
        stylesheets=[stylesheet],
        pdf_variant=PDF_VARIANT,
        output_intent=_OUTPUT_INTENT,
        color_profiles={_OUTPUT_INTENT: profile},
    )
    return bytes(pdf)
