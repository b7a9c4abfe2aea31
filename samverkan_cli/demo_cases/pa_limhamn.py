"""På Limhamn: the nämnd granted part of what was asked (the square and the dialogue, not the
marketing); the agreement is signed and the plan for the dialogue with residents is being written."""

from __future__ import annotations

from samverkan_cli.demo_cases.common import (
    AKTORSINITIATIV,
    FGK,
    KONTAKTPERSON,
    actor,
    commitment,
    criterion,
    indicator,
    person,
    phone,
    planned,
    role,
)
from samverkan_cli.demo_plan import ON, Ago, Claim, DemoCase, Diarie, Do, Draft, MonthEnd, MonthStart, Workday

START, END = MonthStart(-1), MonthEnd(-24)
MEETING = Workday(Ago(63))

BESOKARE = indicator("Besökare på Limhamns torg en lördag i maj (räkning kl. 10–16)", "2 400", "3 200")
SITTPLATSER = indicator("Sittplatser och planteringar på torget och Linnégatan", "12", "40")
TRIVSEL = indicator("Boende som tycker att torget är en trivsam mötesplats (enkät)", "48 %", "65 %")

CASE = DemoCase(
    title="På Limhamn",
    area="limhamn",
    start_event=AKTORSINITIATIV,
    started=Ago(150),
    expected=frozenset({"dialog_med_boende"}),
    steps=(
        Do(
            "registrera_initiativ",
            Ago(150),
            {
                "aktorer": [
                    actor("Föreningen På Limhamn", "forening", f"Ordföranden, {phone(50)}"),
                    actor("Handlare på Linnégatan", "foretag", f"Via föreningen, {phone(50)}"),
                    actor("Fastighetsägare kring Limhamns torg", "fastighetsagare", f"Förvaltaren, {phone(51)}"),
                    actor("Limhamns boendeförening", "boende", f"Sekreteraren, {phone(52)}"),
                ],
                "omrade": "limhamn",
                "plats": "Limhamns torg och Linnégatan mellan torget och Strandgatan",
                "ide": (
                    "Göra torget och Linnégatan till Limhamns vardagsrum: fler sittplatser och planteringar, "
                    "en säsongsmarknad på torget, och gemensam marknadsföring av Limhamn som besöksmål."
                ),
            },
        ),
        Do(
            "forsta_mote",
            Ago(141),
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Anders Wikström", "På Limhamn"),
                    person("Maria Olofsson", "Fastighetsägare kring Limhamns torg"),
                    person("Gunilla Rask", "Limhamns boendeförening"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": "Vi förklarade att samverkansstöd inte kan betala handelns egen marknadsföring (K4).",
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            Ago(121),
            {
                "metoder": ["enkat", "boendedialog"],
                "involvering_datum": Ago(128),
                "antal_boende": 211,
                "boendes_behov_och_forslag": (
                    "”Det finns ingenstans att sätta sig utan att köpa något.” ”Mer grönt och skugga på "
                    "torget, tack.” ”Marknad ja, men inte varje helg.” Boende önskade bänkar, träd i lådor "
                    "och en lekyta för små barn."
                ),
                "boende_i_aktorsgruppen": True,
                "fortsatt_medverkan": (
                    "Boendeföreningen är med i arbetsgruppen och håller i en dialog på torget varje säsong."
                ),
            },
        ),
        Do(
            "registrera_ansokan",
            Ago(106),
            {
                "syfte_och_mal": "Ett levande Limhamns torg med fler sittplatser, mer grönt och en säsongsmarknad.",
                "forvantade_resultat": "Fler besökare, fler som stannar på torget och boende som trivs där.",
                "mervarde": (
                    "Handlare, fastighetsägare och boende gör torget till en mötesplats ihop, inte var för sig."
                ),
                "atagande": [
                    commitment("Fastighetsägare kring Limhamns torg", "Planteringar och belysning", 250_000, "Skötsel"),
                    commitment("Föreningen På Limhamn", "Säsongsmarknaden", 80_000, "Marknadsgeneral ideellt"),
                    commitment("Limhamns boendeförening", "Dialog på torget", 0, "Ideell tid"),
                ],
                "sokt_stod": {
                    "belopp_sek": 700_000,
                    "resurser": (
                        "Tillfälliga möbler och planteringslådor på torget, samt 300 000 kr till marknadsföring."
                    ),
                },
                "planerad_start": START,
                "planerad_slut": END,
                "langsiktig_plan": (
                    "Möbleringen blir permanent om den fungerar; föreningen driver marknaden vidare själv."
                ),
            },
        ),
        Do(
            "bedomning",
            Ago(92),
            {
                "k1": criterion("uppfyllt", "Handlare, fastighetsägare och boende står bakom förslaget."),
                "k2": criterion("uppfyllt", "På Limhamn har samarbetat med fastighetsägarna i flera år."),
                "k3": criterion("uppfyllt", "330 000 kr och skötsel från aktörerna."),
                "k4": criterion(
                    "delvis", "Torget ger mervärde; marknadsföringen av handeln är aktörernas eget ansvar."
                ),
                "k5": criterion("uppfyllt", "211 boende har svarat; boendeföreningen är med."),
                "rekommendation": "tillstyrk",
                "foreslaget_belopp_sek": 400_000,
                "foreslaget_stod": (
                    "400 000 kr för torget och dialogen. Marknadsföringen (300 000 kr) föreslås inte få stöd."
                ),
                "planerat_sammantrade": MEETING,
            },
        ),
        Do(
            "namndbeslut",
            MEETING + 1,
            {
                "sammantradesdatum": MEETING,
                "diarienummer": Diarie(317, MEETING),
                "beslut": "delvis_beviljat",
                "beviljat_belopp_sek": 400_000,
                "beviljade_resurser": "Tillfälliga möbler och planteringslådor från FGK:s förråd under stödperioden.",
                "villkor": (
                    "Stödet avser åtgärder och aktiviteter på Limhamns torg och Linnégatan och dialogen med "
                    "boende. Marknadsföring av handeln ingår inte."
                ),
                "period_start": START,
                "period_slut": END,
                "uppfoljningsintervall": "P12M",
            },
        ),
        Do(
            "samverkansoverenskommelse",
            Ago(30),
            {
                "roller": [
                    role("Föreningen På Limhamn", "Sökande; driver säsongsmarknaden och rapporterar."),
                    role("Fastighetsägare kring Limhamns torg", "Planteringar, belysning och skötsel."),
                    role("Limhamns boendeförening", "Dialog med boende varje säsong."),
                    role(f"Malmö stad, {FGK.lower()}", "Möbler och planteringslådor; tillstånd för marknaden."),
                ],
                "mal": "Limhamns torg som en trivsam mötesplats för boende och besökare.",
                "indikatorer": [BESOKARE, SITTPLATSER, TRIVSEL],
                "kommunikationsplan": "Föreningens nyhetsbrev, skyltar på torget och Limhamnsbladet inför marknaderna.",
            },
        ),
        Claim("dialog_med_boende", Ago(9)),
        Draft(
            "dialog_med_boende",
            Ago(9),
            {
                "dialogplan": "Boende väljer möbler och växter på en dialog på torget innan något köps in.",
                "aktiviteter": [
                    planned(
                        "Dialog på torget om möbler och växter",
                        "Första lördagen i stödperioden",
                        "Limhamns boendeförening",
                    )
                ],
            },
        ),
    ),
)
