"""Amiralsstaden: started by the city along Amiralsgatan; the assessment asked for a complement
(written commitments and the tenants' place in the steering group), which has not come in yet."""

from __future__ import annotations

from samverkan_cli.demo_cases.common import (
    KONTAKTPERSON,
    STADSINITIATIV,
    actor,
    commitment,
    criterion,
    person,
    phone,
)
from samverkan_cli.demo_plan import ON, Ago, DemoCase, Do, MonthEnd, MonthStart

CASE = DemoCase(
    title="Amiralsstaden",
    area="amiralsstaden",
    start_event=STADSINITIATIV,
    started=Ago(112),
    expected=frozenset({"registrera_komplettering"}),
    steps=(
        Do(
            "registrera_initiativ",
            Ago(112),
            {
                "aktorer": [
                    actor(
                        "Fastighetsägarna längs Amiralsgatan",
                        "fastighetsagare",
                        f"Fastighetsägarnas samordnare, {phone(80)}",
                    ),
                    actor("Hyresgästföreningen i Rosengård", "boende", f"Ordföranden, {phone(81)}"),
                    actor("Kulturföreningar vid Rosengårdsstråket", "forening", f"Kontaktpersonen, {phone(82)}"),
                    actor("Företagare kring Rosengårds station", "foretag", f"Kontaktpersonen, {phone(83)}"),
                ],
                "omrade": "amiralsstaden",
                "plats": "Amiralsgatan mellan Persborg och Rosengårds station, med Rosengårdsstråket",
                "ide": (
                    "Staden tar initiativ till en samverkan längs Amiralsgatan medan gatan byggs om till en "
                    "stadsgata: tillfälliga mötesplatser under byggtiden, information till boende och "
                    "företagare, och gemensamma aktiviteter som knyter ihop Rosengård och Sofielund."
                ),
            },
        ),
        Do(
            "forsta_mote",
            Ago(101),
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Jonas Berg", "Fastighetsägarna längs Amiralsgatan"),
                    person("Yasmin Haddad", "Hyresgästföreningen i Rosengård"),
                    person("Kristian Holm", "Företagare kring Rosengårds station"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": (
                    "Ombyggnaden pågår i flera år; aktörerna vill att byggtiden inte ska bli en förlorad tid."
                ),
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            Ago(79),
            {
                "metoder": ["boendedialog", "mote_forening"],
                "involvering_datum": Ago(84),
                "antal_boende": 88,
                "boendes_behov_och_forslag": (
                    "”Vi får veta om avstängningarna när de redan har hänt.” ”Barnen korsar Amiralsgatan "
                    "varje dag – det måste vara säkert under byggtiden.” Boende vill ha en informationspunkt, "
                    "säkra övergångar och en plats att ses längs stråket."
                ),
                "boende_i_aktorsgruppen": True,
                "fortsatt_medverkan": "Hyresgästföreningen håller boendemöten varje kvartal under ombyggnaden.",
            },
        ),
        Do(
            "registrera_ansokan",
            Ago(49),
            {
                "syfte_och_mal": "Att byggtiden längs Amiralsgatan blir en tid av samverkan och inte av avstängningar.",
                "forvantade_resultat": (
                    "Boende och företagare som vet vad som händer, tillfälliga mötesplatser och säkra vägar."
                ),
                "mervarde": "Fastighetsägare, föreningar och staden når tillsammans boende som ingen når ensam.",
                "atagande": [
                    commitment("Fastighetsägarna längs Amiralsgatan", "Tillfälliga mötesplatser", 0, "Mark vid husen"),
                    commitment("Kulturföreningar vid Rosengårdsstråket", "Aktiviteter längs stråket", 0, "Ideell tid"),
                ],
                "sokt_stod": {"belopp_sek": 800_000, "resurser": "Informationspunkt och samordning under ombyggnaden."},
                "planerad_start": MonthStart(-3),
                "planerad_slut": MonthEnd(-38),
                "langsiktig_plan": "När gatan är klar blir samverkan ett gatuforum som fastighetsägarna finansierar.",
            },
        ),
        Do(
            "bedomning",
            Ago(24),
            {
                "k1": criterion("uppfyllt", "Fastighetsägare, hyresgäster, föreningar och företagare."),
                "k2": criterion("delvis", "Hyresgästföreningen saknar ännu en plats där besluten fattas."),
                "k3": criterion("delvis", "Åtagandena saknar belopp; fastighetsägarna har bara lovat mark."),
                "k4": criterion("uppfyllt", "Samordning under byggtiden som ingen aktör klarar ensam."),
                "k5": criterion("uppfyllt", "88 boende nådda vid dialoger och möten."),
                "rekommendation": "komplettering",
                "foreslaget_stod": "Bedöms när kompletteringen kommit in.",
            },
        ),
        Do(
            "begar_komplettering",
            Ago(23),
            {
                "begard_komplettering": (
                    "Skriftliga åtaganden från fastighetsägarna med belopp per år, hur Hyresgästföreningen "
                    "ingår i styrgruppen, och en budget per år för de tre åren."
                ),
                "skickad_datum": ON,
            },
        ),
    ),
)
