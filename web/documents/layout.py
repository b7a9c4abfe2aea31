"""The frame every PDF shares: heading, facts, and the running head and foot on every page."""

from __future__ import annotations

from typing import Any

from web.documents.base import SENDER, DocumentInfo
from web.documents.sources import Sources
from web.filters import date_sv


def frame(src: Sources, info: DocumentInfo, heading: str, period: str, facts: list[tuple[str, str]]) -> dict[str, Any]:
    """``period`` names the period the running head shows on every page beside the diarienummer."""
    dnr = src.decision.get("diarienummer")
    number = f"Diarienummer {dnr}" if dnr else f"Ärende {src.case['id']}, diarienummer saknas (inget nämndbeslut ännu)"
    return {
        "title": f"{heading} – {src.case['title']}",
        "heading": heading,
        "subtitle": src.case["title"],
        "head": f"{number} · {period}",
        "foot": f"{heading} · {src.case['title']} · ärende {src.case['id']}",
        "facts": [(label, value) for label, value in facts if value],
        "author": SENDER,
        "keywords": ", ".join(k for k in ("Samverkansstöd", str(dnr or ""), src.area_name) if k),
        "created": src.now.isoformat(timespec="seconds"),
        "made": f"Framtaget {date_sv(src.now)} ur Samverkan, ärende {src.case['id']}.",
    }


def signed(verb: str, completion: Any) -> str:
    """”Registrerad av Kim Karlsson 3 okt 2027.”; empty without a completion."""
    if completion is None:
        return ""
    return f"{verb} av {completion.actor_name} {date_sv(completion.at)}."
