"""Filling in the samverkansstöd forms in a browser, as the browser walks of a case do."""

from __future__ import annotations

import re

from playwright.sync_api import Page


def fill_residents(page: Page) -> None:
    """tidig_boendeinvolvering with 14 residents reached."""
    page.get_by_label("Trygghetsvandring").check()
    page.get_by_label("Datum för involveringen").fill("2027-03-10")
    page.get_by_label("Antal boende som nåtts").fill("14")
    page.get_by_label("Boendes behov och förslag").fill("Bättre belysning och fler sittplatser.")
    page.get_by_label("Boendes fortsatta medverkan").fill("Två boende ingår i styrgruppen.")


def fill_application(page: Page, actor: str, requested: str) -> None:
    """registrera_ansokan; ``requested`` is typed into the amount asked of the city."""
    page.get_by_label("Syfte och mål").fill("Tryggare gata.")
    page.get_by_label("Förväntade resultat").fill("Fler rör sig på gatan kvällstid.")
    page.get_by_label("Mervärde").fill("Gemensam belysning som ingen kan ordna ensam.")
    page.get_by_label("Ansvarig aktör").fill(actor)
    page.get_by_label("Aktivitet eller åtagande").fill("Belysning på fasader")
    page.get_by_label("Belopp (kr)").first.fill("120 000")
    page.get_by_role("group", name="Sökt stöd från staden").get_by_label("Belopp (kr)").fill(requested)
    page.get_by_label("Planerad start").fill("2027-05-01")
    page.get_by_label("Planerat slut").fill("2028-04-30")
    page.get_by_label("Långsiktig plan").fill("Gatan förvaltas gemensamt i fem år.")


def fill_assessment(page: Page) -> None:
    """bedomning: every criterion met, recommended."""
    for criterion in ("K1", "K2", "K3", "K4", "K5"):
        group = page.get_by_role("group", name=re.compile(criterion))
        group.get_by_label("Uppfyllt", exact=True).check()
        group.get_by_label("Motivering").fill(f"{criterion} är uppfyllt enligt ansökan.")
    page.get_by_label("Tillstyrk").check()


def fill_decision(page: Page) -> None:
    """namndbeslut: granted in full for a year."""
    page.get_by_label("Sammanträdesdatum").fill("2027-04-20")
    page.get_by_label("Diarienummer").fill("TN-2027-0042")
    page.get_by_label("Beviljat", exact=True).check()
    page.get_by_label("Beviljat belopp (kr)").fill("80000")
    page.get_by_label("Stödperiodens start").fill("2027-05-01")
    page.get_by_label("Stödperiodens slut").fill("2028-04-30")
