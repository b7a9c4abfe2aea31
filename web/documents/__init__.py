"""The documents a samverkansstöd case gives: the application with its assessment (PDF), the draft
decision basis for the nämnd (DOCX), one follow-up report per approved period (PDF) and the final
report (PDF). Each is made on request from the case data and its history.

This package is the samverkansstöd process's own and names its fields and steps; generic web
code (``web/*.py``) names none of them (``tests/test_profile.py``). Views call :func:`catalog`
(every document of the case, made or not yet, with the reason) and :func:`build` (one
document's file, or ``NotFound``/``Conflict`` with a Swedish message).
"""

from __future__ import annotations

from collections.abc import Callable

from engine.context import Samverkan
from engine.errors import Conflict, NotFound
from web.documents import application, decision_basis, final_report, follow_up, sources
from web.documents.base import Built, DocumentInfo

__all__ = ["Built", "DocumentInfo", "build", "catalog"]

_RENDER: dict[str, Callable[[sources.Sources, DocumentInfo], bytes]] = {
    application.KIND: application.render,
    decision_basis.KIND: decision_basis.render,
    follow_up.KIND: follow_up.render,
    final_report.KIND: final_report.render,
}


def _catalog(src: sources.Sources) -> list[DocumentInfo]:
    if not src.applies:
        return []
    return [application.info(src), decision_basis.info(src), *follow_up.infos(src), final_report.info(src)]


def catalog(engine: Samverkan, case_id: int) -> list[DocumentInfo]:
    """Every document of the case in process order, each with why it cannot be made yet, if so."""
    return _catalog(sources.collect(engine, case_id))


def _unlisted(src: sources.Sources, name: str) -> NotFound | Conflict:
    """The refusal for a name the case lists no document under: a follow-up period not (yet) decided."""
    if name.startswith(f"{follow_up.KIND}-") and src.applies and not src.decision and src.active:
        return Conflict(
            "Uppföljningsrapporter finns först när nämnden har beviljat stöd och periodens rapport är godkänd.",
            code="document_not_ready",
        )
    return NotFound("Ärendet har inget sådant dokument.", code="document_not_found")


def build(engine: Samverkan, case_id: int, name: str) -> Built:
    """The file of document ``name`` (e.g. ``uppfoljningsrapport-2``) of the case.

    Raises ``NotFound`` for a document the case does not have and never will, ``Conflict``
    (code ``document_not_ready``) for one it will have later, both with a Swedish message.
    """
    src = sources.collect(engine, case_id)
    found = next((d for d in _catalog(src) if d.name == name), None)
    if found is None:
        raise _unlisted(src, name)
    if found.final:
        raise NotFound(found.missing, code="document_not_found")
    if found.missing:
        raise Conflict(found.missing, code="document_not_ready")
    return Built(found, _RENDER[found.kind](src, found))
