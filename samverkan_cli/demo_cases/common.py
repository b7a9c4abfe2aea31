"""Small builders the demo collaborations share, so each case reads as its content.

People in the demo are invented; telephone numbers are from the series the Swedish Post and
Telecom Authority (PTS) keeps for fiction (040-628 04 00 – 040-628 04 99).
"""

from __future__ import annotations

from typing import Any

from samverkan_cli.demo_plan import When

FGK = "Fastighets- och gatukontoret"
KONTAKTPERSON = {"namn": "Lina Berggren", "organisation": FGK}
"""FGK's kontaktperson in every demo collaboration (the demo user ``kontaktperson``)."""

AKTORSINITIATIV = "start_aktorsinitiativ"
STADSINITIATIV = "start_stadsinitiativ"


def phone(last: int) -> str:
    """A fictional Malmö number, 040-628 04 00 + ``last``."""
    return f"040-628 04 {last:02d}"


def actor(name: str, kind: str, contact: str) -> dict[str, str]:
    return {"namn": name, "typ": kind, "kontakt": contact}


def person(name: str, organisation: str) -> dict[str, str]:
    return {"namn": name, "organisation": organisation}


def criterion(verdict: str, motivation: str) -> dict[str, str]:
    return {"bedomning": verdict, "motivering": motivation}


def commitment(actor_name: str, what: str, sek: int, resources: str) -> dict[str, Any]:
    return {"aktor": actor_name, "beskrivning": what, "belopp_sek": sek, "resurser": resources}


def role(actor_name: str, responsibility: str) -> dict[str, str]:
    return {"aktor": actor_name, "roll_och_ansvar": responsibility}


def indicator(name: str, baseline: str, target: str) -> dict[str, str]:
    return {"indikator": name, "utgangsvarde": baseline, "malvarde": target}


def measured(agreed: dict[str, str], value: str) -> dict[str, str]:
    """An agreed indicator with the value measured for a follow-up."""
    return {**agreed, "uppmatt_varde": value}


def effect(agreed: dict[str, str], outcome: str) -> dict[str, str]:
    """An agreed indicator with the outcome at the end of the period (final report)."""
    return {**agreed, "utfall": outcome}


def planned(activity: str, when: str, responsible: str) -> dict[str, str]:
    return {"aktivitet": activity, "tidpunkt": when, "ansvarig": responsible}


def held(activity: str, day: When, group: str, participants: int) -> dict[str, Any]:
    """A dialogue activity that took place (target groups: boende, fastighetsagare, naringsliv, foreningsliv, annan)."""
    return {"aktivitet": activity, "datum": day, "malgrupp": group, "antal_deltagare": participants}
