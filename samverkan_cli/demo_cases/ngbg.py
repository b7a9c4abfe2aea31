"""NGBG – Norra Grängesbergsgatan: the application is in; the kontaktperson has taken the
assessment and saved a draft. A second collaboration in Sofielund beside BID Sofielund."""

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
from samverkan_cli.demo_plan import ON, Ago, Claim, DemoCase, Do, Draft, MonthEnd, MonthStart

CASE = DemoCase(
    title="NGBG – Norra Grängesbergsgatan",
    area="sofielund",
    start_event=AKTORSINITIATIV,
    started=Ago(76),
    expected=frozenset({"bedomning"}),
    steps=(
        Do(
            "registrera_initiativ",
            Ago(76),
            {
                "aktorer": [
                    actor(
                        "Fastighetsägare längs Norra Grängesbergsgatan (fem bolag)",
                        "fastighetsagare",
                        f"Samordnande förvaltare, {phone(70)}",
                    ),
                    actor("Företagarna på NGBG", "foretag", f"Ordföranden, {phone(71)}"),
                    actor("Kulturföreningar och ateljéer i kvarteren", "forening", f"Kontaktpersonen, {phone(72)}"),
                    actor("Sofielunds boendenätverk", "boende", f"Sekreteraren, {phone(73)}"),
                ],
                "omrade": "sofielund",
                "plats": "Norra Grängesbergsgatan och industrikvarteren mellan Lantmannagatan och Sofielundsvägen",
                "ide": (
                    "Göra industrigatan trygg och öppen även kvällstid för kultur och småföretag: belysning, "
                    "en fickpark, öppna ateljéer några gånger om året, och dialog med boende i Sofielund om "
                    "ljud och trafik."
                ),
            },
        ),
        Do(
            "forsta_mote",
            Ago(58),
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Daniel Åström", "Företagarna på NGBG"),
                    person("Elin Strand", "Kulturföreningar i kvarteren"),
                    person("Robert Lind", "Fastighetsägare längs Norra Grängesbergsgatan"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": (
                    "Mötet blev sent eftersom fastighetsägarna ville vara med. Vi pratade om samordningen med "
                    "BID Sofielund, som arbetar i samma område: båda grupperna bjuds in till ett gemensamt möte."
                ),
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            Ago(40),
            {
                "metoder": ["trygghetsvandring", "enkat"],
                "involvering_datum": Ago(45),
                "antal_boende": 73,
                "boendes_behov_och_forslag": (
                    "”Gatan är helt död efter fem, jag cyklar hellre runt.” ”Konserter är roligt men inte "
                    "mitt i natten.” Boende vill ha belysning på vägen till Sofielundsvägen, en plats att "
                    "sitta på och besked i god tid om evenemang."
                ),
                "boende_i_aktorsgruppen": True,
                "fortsatt_medverkan": (
                    "Sofielunds boendenätverk är med i arbetsgruppen och får evenemangskalendern i förväg."
                ),
            },
        ),
        Do(
            "registrera_ansokan",
            Ago(13),
            {
                "syfte_och_mal": "En trygg och öppen Norra Grängesbergsgatan för kultur, småföretag och grannar.",
                "forvantade_resultat": "Fler människor på gatan kvällstid, en fickpark och färre klagomål på ljud.",
                "mervarde": "Fastighetsägarna äger marken, föreningarna skapar livet; tillsammans blir gatan en plats.",
                "atagande": [
                    commitment(
                        "Fastighetsägare längs Norra Grängesbergsgatan", "Belysning på fasaderna", 220_000, "Elarbeten"
                    ),
                    commitment("Kulturföreningar och ateljéer", "Öppna ateljéer fyra gånger per år", 0, "Ideell tid"),
                ],
                "sokt_stod": {"belopp_sek": 480_000, "resurser": "Fickparken på gatumark och tillstånd för evenemang."},
                "planerad_start": MonthStart(-2),
                "planerad_slut": MonthEnd(-13),
                "langsiktig_plan": "Företagarna på NGBG driver arbetet vidare med en medlemsavgift.",
            },
        ),
        Claim("bedomning", Ago(8)),
        Draft(
            "bedomning",
            Ago(8),
            {
                "k1": criterion("uppfyllt", "Fastighetsägare, företag, kulturföreningar och boende."),
                "k2": criterion("delvis", "Samarbetet är nytt. Stäm av med BID Sofielund hur grupperna samverkar."),
                "k3": criterion("uppfyllt", "220 000 kr i belysning från fastighetsägarna."),
            },
        ),
    ),
)
