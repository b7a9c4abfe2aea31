"""Västra Hamnen: property owners and businesses asked the city to pay for events and marketing;
the kontaktperson advised against (K4 and K5 not met) and told the actors why."""

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
    title="Västra Hamnen",
    area="vastra_hamnen",
    start_event=AKTORSINITIATIV,
    started=Cal(1, 3, 3),
    expected=frozenset({"slut_avstyrkt"}),
    steps=(
        Do(
            "registrera_initiativ",
            Cal(1, 3, 3),
            {
                "aktorer": [
                    actor(
                        "Fastighetsägare i Västra Hamnen (sju bolag)", "fastighetsagare", f"Samordnaren, {phone(53)}"
                    ),
                    actor("Västra Hamnens företagarförening", "foretag", f"Ordföranden, {phone(54)}"),
                ],
                "omrade": "vastra_hamnen",
                "plats": "Sundspromenaden och Dockan",
                "ide": (
                    "Evenemang längs Sundspromenaden vintertid och gemensam marknadsföring av Västra Hamnen, "
                    "med en evenemangssamordnare som staden betalar."
                ),
            },
        ),
        Do(
            "forsta_mote",
            Cal(1, 3, 12),
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Henrik Sandberg", "Fastighetsägare i Västra Hamnen"),
                    person("Camilla Roos", "Västra Hamnens företagarförening"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": (
                    "Vi påpekade att boende saknas i gruppen och att K5 kräver att de involveras från början."
                ),
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            Cal(1, 4, 2),
            {
                "metoder": ["enkat"],
                "involvering_datum": Cal(1, 3, 28),
                "antal_boende": 9,
                "boendes_behov_och_forslag": (
                    "Nio svar på en webbenkät. ”Det är redan mycket evenemang och trafik på sommaren.” "
                    "”Hellre fler bänkar i lä än fler evenemang.”"
                ),
                "boende_i_aktorsgruppen": False,
                "fortsatt_medverkan": "Boende bjuds in till evenemangen.",
            },
        ),
        Do(
            "registrera_ansokan",
            Cal(1, 4, 14),
            {
                "syfte_och_mal": "Fler besökare i Västra Hamnen under vinterhalvåret.",
                "forvantade_resultat": "Fler besökare och högre omsättning för handel och restauranger.",
                "mervarde": "En gemensam evenemangskalender i stället för varje fastighetsägares egen.",
                "atagande": [
                    commitment(
                        "Fastighetsägare i Västra Hamnen", "Ljusinstallationer vintertid", 120_000, "El och montering"
                    ),
                ],
                "sokt_stod": {"belopp_sek": 900_000, "resurser": "En evenemangssamordnare på heltid i ett år."},
                "planerad_start": Cal(1, 9, 1),
                "planerad_slut": Cal(0, 8, 31),
                "langsiktig_plan": "Fastighetsägarna tar över kostnaden om evenemangen ökar omsättningen.",
            },
        ),
        Do(
            "bedomning",
            Cal(1, 5, 5),
            {
                "k1": criterion("delvis", "Fastighetsägare och företagare, men inga boende eller föreningar."),
                "k2": criterion("delvis", "Aktörerna samarbetar sedan tidigare, men inte med dem som bor i området."),
                "k3": criterion("uppfyllt", "120 000 kr i ljusinstallationer."),
                "k4": criterion(
                    "ej_uppfyllt",
                    "Evenemang och marknadsföring kan aktörerna ordna själva; stödet skulle ersätta egen finansiering.",
                ),
                "k5": criterion(
                    "ej_uppfyllt", "Nio enkätsvar; boende är inte med i gruppen och efterfrågar något annat."
                ),
                "rekommendation": "avstyrk",
                "foreslaget_stod": (
                    "Inget stöd. Aktörerna är välkomna tillbaka med ett förslag som tagits fram med boende."
                ),
            },
        ),
        Do(
            "meddela_avslag",
            Cal(1, 5, 8),
            {
                "avslag_motivering": (
                    "Ansökan går inte vidare till tekniska nämnden. Förslaget ger inte mervärde utöver det "
                    "aktörerna kan göra själva (kriterium 4), och boende har inte varit med från början "
                    "(kriterium 5): de nio som svarat efterfrågar snarare bänkar i lä än fler evenemang. Ni är "
                    "välkomna att höra av er igen med ett förslag som tagits fram tillsammans med boende."
                ),
                "avslag_skickat": ON,
            },
        ),
    ),
)
