"""Nydalatorget: MKB and HelaMalmö with the square's businesses and tenants. The assessment asked
for a complement that never came; 60 days later the deadline closed the case without a decision."""

from __future__ import annotations

from samverkan_cli.demo_cases.common import (
    AKTORSINITIATIV,
    KONTAKTPERSON,
    actor,
    commitment,
    criterion,
    person,
    phone,
)
from samverkan_cli.demo_plan import ON, Cal, DemoCase, Do

CASE = DemoCase(
    title="Nydalatorget",
    area="nydala",
    start_event=AKTORSINITIATIV,
    started=Cal(2, 2, 6),
    expected=frozenset({"slut_utan_beslut"}),
    steps=(
        Do(
            "registrera_initiativ",
            Cal(2, 2, 6),
            {
                "aktorer": [
                    actor("MKB Fastighets AB", "fastighetsagare", f"Områdeschefen i Nydala, {phone(44)}"),
                    actor("HelaMalmö", "forening", f"Projektledaren, {phone(45)}"),
                    actor("Näringsidkare vid Nydalatorget", "foretag", f"Via HelaMalmö, {phone(45)}"),
                    actor("Hyresgästföreningen Nydala", "boende", f"Ordföranden, {phone(46)}"),
                ],
                "omrade": "nydala",
                "plats": "Nydalatorget och gångvägarna runt torget",
                "ide": (
                    "Göra Nydalatorget till en mötesplats: belysning, sittplatser, en kiosk med café som "
                    "drivs av unga från området, och aktiviteter för barn på eftermiddagarna."
                ),
            },
        ),
        Do(
            "forsta_mote",
            Cal(2, 2, 15),
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Jenny Åkesson", "MKB Fastighets AB"),
                    person("Ahmed Khalil", "HelaMalmö"),
                    person("Sanna Nyström", "Hyresgästföreningen Nydala"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": (
                    "HelaMalmö driver idén; MKB är positivt men har inte bestämt vad bolaget kan bidra med."
                ),
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            Cal(2, 3, 10),
            {
                "metoder": ["enkat", "boendedialog"],
                "involvering_datum": Cal(2, 3, 4),
                "antal_boende": 112,
                "boendes_behov_och_forslag": (
                    "”Torget är tomt när affärerna stängt.” ”Ge ungdomarna något att göra, och ett jobb.” "
                    "Boende föreslog ett café, bättre belysning vid busshållplatsen och lekredskap."
                ),
                "boende_i_aktorsgruppen": True,
                "fortsatt_medverkan": "Hyresgästföreningen är med i planeringen och rekryterar unga till kiosken.",
            },
        ),
        Do(
            "registrera_ansokan",
            Cal(2, 3, 24),
            {
                "syfte_och_mal": "Ett levande Nydalatorget och sommarjobb för unga i området.",
                "forvantade_resultat": "En kiosk med café, bättre belysning och fler som vistas på torget.",
                "mervarde": "HelaMalmö når de unga, MKB äger marken runt torget, boende vet vad som behövs.",
                "atagande": [
                    commitment("HelaMalmö", "Handledning av unga i kiosken", 0, "Två handledare"),
                    commitment("MKB Fastighets AB", "Lokal för kiosken", 0, "Ej bestämt"),
                ],
                "sokt_stod": {"belopp_sek": 600_000, "resurser": "Belysning och möblering av torget."},
                "planerad_start": Cal(2, 6, 1),
                "planerad_slut": Cal(1, 5, 31),
                "langsiktig_plan": "Kiosken ska bära sig själv efter första året.",
            },
        ),
        Do(
            "bedomning",
            Cal(2, 4, 8),
            {
                "k1": criterion("uppfyllt", "Fastighetsägare, förening, företag och hyresgäster."),
                "k2": criterion("delvis", "HelaMalmö har förtroende bland unga; samarbetet med MKB är nytt."),
                "k3": criterion("delvis", "MKB:s åtagande är inte bestämt och saknar belopp."),
                "k4": criterion("delvis", "Mervärdet beror på att MKB upplåter lokalen."),
                "k5": criterion("uppfyllt", "112 boende har svarat eller deltagit i dialog."),
                "rekommendation": "komplettering",
                "foreslaget_stod": "Bedöms när MKB:s åtagande är klart.",
            },
        ),
        Do(
            "begar_komplettering",
            Cal(2, 4, 9),
            {
                "begard_komplettering": (
                    "MKB:s åtagande i kronor och timmar, vem som driver kiosken och en budget per aktivitet."
                ),
                "skickad_datum": ON,
            },
        ),
    ),
)
