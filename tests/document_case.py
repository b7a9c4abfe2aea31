"""A samverkansstöd case with recognisable figures, driven through the real model for document tests:
assessed (K3 only partly met), partly granted, two follow-ups approved (the second after a
complement was asked for), and a final report."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from tests.samverkansstod import Driver

TITLE = "Rosengård samverkan och mobilisering"
DNR = "TN-2027-0042"
INITIATIVE: dict[str, Any] = {
    "aktorer": [
        {"namn": "Made in Rosengård", "typ": "forening", "kontakt": "info@madeinrosengard.example"},
        {"namn": "Rosengård Fastigheter", "typ": "fastighetsagare", "kontakt": "040-123 45 67"},
    ],
    "omrade": "rosengard",
    "plats": "Örtagårdstorget",
    "ide": "Felanmälningsrundor, nätverksträffar och evenemang på torget tillsammans med boende.",
}
EARLY_INVOLVEMENT: dict[str, Any] = {
    "metoder": ["boendedialog", "trygghetsvandring"],
    "involvering_datum": "2027-02-20",
    "antal_boende": 64,
    "boendes_behov_och_forslag": "Bättre belysning vid torget och fler aktiviteter för unga på kvällarna.",
    "boende_i_aktorsgruppen": True,
    "fortsatt_medverkan": "Boende går med i felanmälningsrundorna och i nätverkets styrgrupp.",
}
APPLICATION: dict[str, Any] = {
    "syfte_och_mal": "Öka tryggheten kring Örtagårdstorget genom ett nätverk av lokala aktörer och boende.",
    "forvantade_resultat": "Fler felanmälningar som åtgärdas, regelbundna nätverksträffar och evenemang på torget.",
    "mervarde": "Aktörerna når tillsammans boende som ingen av dem når på egen hand.",
    "langsiktig_plan": "Nätverket ska bära sig självt efter stödperioden med en gemensam styrgrupp.",
    "sokt_stod": {"belopp_sek": 250000, "resurser": "Samordning och hjälp med tillstånd"},
    "planerad_start": "2027-04-01",
    "planerad_slut": "2028-04-01",
    "atagande": [
        {"aktor": "Rosengård Fastigheter", "beskrivning": "Lokal för nätverksträffar", "belopp_sek": 60000},
        {"aktor": "Made in Rosengård", "beskrivning": "Grillkvällar och festivaler", "belopp_sek": 45000},
    ],
}
K3_MOTIVATION = "Aktörerna bidrar med lokal och arbete men bara en av dem med pengar."
ASSESSMENT: dict[str, Any] = {
    "k1": {"bedomning": "uppfyllt", "motivering": "Förening, fastighetsägare och boende står bakom förslaget."},
    "k2": {"bedomning": "uppfyllt", "motivering": "Aktörerna har arbetat ihop i två år med månatliga träffar."},
    "k4": {
        "bedomning": "uppfyllt",
        "motivering": "Gemensamma evenemang ger en närvaro på torget som ingen ensam klarar.",
    },
    "k5": {
        "bedomning": "uppfyllt",
        "motivering": "Boende har varit med från första mötet och i felanmälningsrundorna.",
    },
    "k3": {"bedomning": "delvis", "motivering": K3_MOTIVATION},
    "rekommendation": "tillstyrk",
    "foreslaget_belopp_sek": 200000,
    "foreslaget_stod": "Samordning genom kontaktpersonen och 200 000 kr för aktiviteter.",
    "planerat_sammantrade": "2027-03-23",
}
DECISION: dict[str, Any] = {
    "diarienummer": DNR,
    "beslut": "delvis_beviljat",
    "beviljat_belopp_sek": 200000,
    "period_start": "2027-04-01",
    "period_slut": "2028-04-01",
    "uppfoljningsintervall": "P6M",
}
INDICATORS = [
    {"indikator": "Upplevd trygghet", "utgangsvarde": "52 %", "malvarde": "65 %"},
    {"indikator": "Felanmälningar per år", "utgangsvarde": "40", "malvarde": "150"},
]
DIALOGUE = [
    {
        "aktivitet": "Höstfestival på Örtagårdstorget",
        "datum": "2027-09-17",
        "malgrupp": "boende",
        "antal_deltagare": 300,
    },
    {"aktivitet": "Medborgardialog med polisen", "datum": "2027-09-10", "malgrupp": "boende", "antal_deltagare": 40},
    {"aktivitet": "Nätverksträff", "datum": "2027-06-15", "malgrupp": "foreningsliv", "antal_deltagare": 21},
]
FIRST_REPORT: dict[str, Any] = {
    "utfall": "Över 200 brister i den offentliga miljön dokumenterades vid felanmälningsrundorna.",
    "anvandning_av_medel": "Samordning, informationsspridning, höstfestival, felanmälningsrundor och nätverksträffar.",
    "budgetutfall_sek": 80000,
    "uppnatt": "Torget har blivit en tryggare mötesplats; fler aktörer har anslutit sig till nätverket.",
    "dialogaktiviteter_beskrivning": "Nätverksträffar varje månad, en medborgardialog med polisen och en höstfestival.",
    "medverkande_aktorer": "Rosengård Fastigheter gav lokal och återkoppling; polisen deltog i dialogerna.",
    "bidrag_till_omradet": "Med stadens stöd har felanmälningar blivit åtgärder och boende har fått en röst.",
    "dialogaktiviteter": DIALOGUE,
    "lardomar": "Att bilda ett nätverk tar tid och kräver ett gemensamt syfte.",
    "indikatorvarden": [{**INDICATORS[0], "uppmatt_varde": "58 %"}, {**INDICATORS[1], "uppmatt_varde": "212"}],
}
SECOND_REPORT: dict[str, Any] = {
    "utfall": "Kompletterad version: nätverket samlar nu 20 aktörer.",
    "budgetutfall_sek": 100000,
    "dialogaktiviteter": [
        {"aktivitet": "Vårfestival", "datum": "2028-03-20", "malgrupp": "boende", "antal_deltagare": 200}
    ],
    "indikatorvarden": [{**INDICATORS[0], "uppmatt_varde": "61 %"}, {**INDICATORS[1], "uppmatt_varde": "230"}],
}
FINAL: dict[str, Any] = {
    "effekter": [{**INDICATORS[0], "utfall": "63 %"}, {**INDICATORS[1], "utfall": "230"}],
    "samlad_bedomning": "Tryggheten har ökat nästan till målet och felanmälningarna gick över målet.",
    "slutliga_lardomar": "Evenemang på torget ger dialog med boende som möten inte ger.",
    "slutrekommendation": "ny_ansokan",
}


def decided_case(drive: Driver) -> int:
    """Through the nämnd's decision and the agreement: waiting for the first follow-up date."""
    case_id = drive.start(title=TITLE)
    drive.complete(case_id, "registrera_initiativ", **INITIATIVE)
    drive.complete(case_id, "forsta_mote")
    drive.complete(case_id, "tidig_boendeinvolvering", **EARLY_INVOLVEMENT)
    drive.complete(case_id, "registrera_ansokan", **APPLICATION)
    drive.complete(case_id, "bedomning", **ASSESSMENT)
    drive.complete(case_id, "namndbeslut", **DECISION)
    drive.complete(case_id, "samverkansoverenskommelse", indikatorer=INDICATORS)
    drive.complete(case_id, "dialog_med_boende")
    return case_id


def first_follow_up_approved(drive: Driver, case_id: int) -> None:
    drive.move_to("2027-10-01T08:00")
    drive.complete(case_id, "uppfoljningsrapport", **FIRST_REPORT)
    drive.complete(case_id, "granska_uppfoljning", godkand=True)


def second_follow_up_sent_back(drive: Driver, case_id: int) -> None:
    """The second report arrives, and the kontaktperson asks for a complement."""
    drive.move_to("2028-04-03T08:00")
    drive.complete(case_id, "uppfoljningsrapport", **{**SECOND_REPORT, "utfall": "Första versionen utan siffror."})
    drive.complete(case_id, "granska_uppfoljning", godkand=False, kommentar="Lägg till budgetutfallet.")


def finished_case(drive: Driver) -> int:
    """The whole way: two approved follow-ups (the second after a complement) and the final report."""
    case_id = decided_case(drive)
    first_follow_up_approved(drive, case_id)
    second_follow_up_sent_back(drive, case_id)
    drive.complete(case_id, "uppfoljningsrapport", **SECOND_REPORT)
    drive.complete(case_id, "granska_uppfoljning", godkand=True)
    drive.complete(case_id, "slutrapport_effektmatning", **FINAL)
    return case_id


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page, with no-break spaces (kronor, dates) read as spaces."""
    reader = PdfReader(io.BytesIO(content))
    return [(page.extract_text() or "").replace("\u00a0", " ") for page in reader.pages]


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))
