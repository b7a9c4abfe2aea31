"""Sommargatorna: a car-free summer street on Möllevångsgatan. Recommended by FGK, declined by the
nämnd because the city's own summer-street programme already pays for it."""

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
from samverkan_cli.demo_plan import ON, Cal, DemoCase, Diarie, Do, Workday

MEETING = Workday(Cal(1, 3, 24))

CASE = DemoCase(
    title="Sommargatorna",
    area="mollevangen",
    start_event=AKTORSINITIATIV,
    started=Cal(1, 1, 13),
    expected=frozenset({"slut_avslag"}),
    steps=(
        Do(
            "registrera_initiativ",
            Cal(1, 1, 13),
            {
                "aktorer": [
                    actor("Möllevångens näringsidkare", "foretag", f"Ordföranden, {phone(55)}"),
                    actor("Hyresgästföreningen Möllevången", "boende", f"Ordföranden, {phone(56)}"),
                    actor("Fastighetsägare på Möllevångsgatan", "fastighetsagare", f"Förvaltaren, {phone(57)}"),
                    actor("Föreningen Möllan odlar", "forening", f"Kontaktpersonen, {phone(58)}"),
                ],
                "omrade": "mollevangen",
                "plats": "Möllevångsgatan mellan Möllevångstorget och Bergsgatan",
                "ide": (
                    "En bilfri sommargata juni–augusti med sittplatser, odlingslådor, lek för barn och "
                    "kvällsaktiviteter, som handlare, fastighetsägare och boende driver tillsammans."
                ),
            },
        ),
        Do(
            "forsta_mote",
            Cal(1, 1, 22),
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Lars Friberg", "Möllevångens näringsidkare"),
                    person("Nadia Saleh", "Hyresgästföreningen Möllevången"),
                    person("Ida Wallin", "Föreningen Möllan odlar"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": (
                    "Vi berättade att staden har ett eget program för sommargator och att nämnden kan komma "
                    "att hänvisa dit. Gruppen vill ändå pröva samverkansstöd för de delar programmet inte täcker."
                ),
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            Cal(1, 2, 9),
            {
                "metoder": ["boendedialog", "enkat"],
                "involvering_datum": Cal(1, 2, 3),
                "antal_boende": 236,
                "boendes_behov_och_forslag": (
                    "”Vi vill kunna sitta ute utan att det blir uteservering överallt.” ”Tänk på nattsömnen – "
                    "inga konserter efter tio.” ”Låt barnen leka på gatan.” Boende föreslog gratis "
                    "sittplatser, odlingslådor som grannar sköter och tyst tid efter klockan 22."
                ),
                "boende_i_aktorsgruppen": True,
                "fortsatt_medverkan": (
                    "Hyresgästföreningen och Möllan odlar sköter odlingarna och en grannvärd per kvarter."
                ),
            },
        ),
        Do(
            "registrera_ansokan",
            Cal(1, 2, 16),
            {
                "syfte_och_mal": "En bilfri, grön och lugn sommargata som grannarna känner är deras.",
                "forvantade_resultat": "Fler som vistas på gatan, fler barn som leker och färre klagomål på buller.",
                "mervarde": (
                    "Handlare, fastighetsägare och boende delar ansvaret för gatan i stället för att ställas mot "
                    "varandra."
                ),
                "atagande": [
                    commitment("Möllevångens näringsidkare", "Kvällsaktiviteter och städning", 60_000, "Personal"),
                    commitment("Fastighetsägare på Möllevångsgatan", "Odlingslådor", 40_000, "Vatten"),
                    commitment("Föreningen Möllan odlar", "Skötsel av odlingarna", 0, "Ideell tid"),
                ],
                "sokt_stod": {"belopp_sek": 380_000, "resurser": "Avstängning av gatan, möbler och tillstånd."},
                "planerad_start": Cal(1, 6, 1),
                "planerad_slut": Cal(1, 8, 31),
                "langsiktig_plan": "Sommargatan återkommer varje år om boende vill det.",
            },
        ),
        Do(
            "bedomning",
            Cal(1, 2, 27),
            {
                "k1": criterion("uppfyllt", "Handlare, fastighetsägare, förening och hyresgäster."),
                "k2": criterion("uppfyllt", "Gruppen har ordnat gatufester tillsammans i flera år."),
                "k3": criterion("uppfyllt", "100 000 kr och skötsel från aktörerna."),
                "k4": criterion("uppfyllt", "Grannarna tar ansvar för gatan tillsammans med handeln."),
                "k5": criterion("uppfyllt", "236 boende nådda; hyresgästföreningen är med från början."),
                "rekommendation": "tillstyrk",
                "foreslaget_belopp_sek": 380_000,
                "foreslaget_stod": "380 000 kr för sommaren, om nämnden inte hänvisar till programmet för sommargator.",
                "planerat_sammantrade": MEETING,
            },
        ),
        Do(
            "namndbeslut",
            MEETING,
            {
                "sammantradesdatum": MEETING,
                "diarienummer": Diarie(248, MEETING),
                "beslut": "avslag",
                "beviljade_resurser": (
                    "Inget samverkansstöd. Sommargatan hänvisas till stadens program för sommargator, som "
                    "står för avstängning, möbler och tillstånd."
                ),
                "villkor": "Nämnden ger inte samverkansstöd till en insats som redan finansieras i ett annat program.",
            },
        ),
        Do(
            "meddela_beslut",
            MEETING + 3,
            {
                "beslut_meddelande": (
                    "Tekniska nämnden har beslutat att inte bevilja samverkansstöd, eftersom sommargatan kan "
                    "genomföras inom stadens program för sommargator. Kontaktpersonen hjälper er att anmäla "
                    "Möllevångsgatan till programmet; era åtaganden och boendes förslag kan användas där."
                ),
                "beslut_skickat": ON,
            },
        ),
    ),
)
