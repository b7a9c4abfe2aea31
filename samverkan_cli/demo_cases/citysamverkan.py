"""Malmö Citysamverkan: a two-year grant followed up every half year; two reports approved (the
first a few days late), the case waits for the next follow-up date."""

from __future__ import annotations

from samverkan_cli.demo_cases.common import (
    AKTORSINITIATIV,
    FGK,
    KONTAKTPERSON,
    actor,
    commitment,
    criterion,
    held,
    indicator,
    measured,
    person,
    phone,
    planned,
    role,
)
from samverkan_cli.demo_plan import ON, DemoCase, Diarie, Do, MonthEnd, MonthStart, Publish, Workday

START, END = MonthStart(14), MonthEnd(-9)
FIRST, SECOND = MonthStart(8), MonthStart(2)
MEETING = Workday(START - 29)

FOTGANGARE = indicator("Fotgängare på Södergatan en vardagskväll (räkning kl. 19–21)", "1 850", "2 300")
TOMMA = indicator("Tomma butikslokaler i city", "23", "15")
STORNINGAR = indicator("Klagomål på störningar från uteserveringar (miljöförvaltningen), per halvår", "32", "20")
TRIVSEL = indicator("Boende i Gamla staden som trivs i sitt område (enkät)", "71 %", "78 %")


def _report(
    utfall: str, budget: int, spent: str, activities: list[dict[str, object]], values: list[str]
) -> dict[str, object]:
    return {
        "utfall": utfall,
        "anvandning_av_medel": spent,
        "budgetutfall_sek": budget,
        "uppnatt": (
            "Kvällsvärdarna har gjort city tryggare efter stängning, och konst i tomma skyltfönster har "
            "gjort gatorna mindre ödsliga. Fastighetsägarna har hyrt ut lokaler till tillfälliga butiker."
        ),
        "dialogaktiviteter_beskrivning": "Möten med boende i Gamla staden, handlarträffar och en öppen stadsvandring.",
        "dialogaktiviteter": activities,
        "medverkande_aktorer": (
            "Malmö Citysamverkan samordnar. Fastighetsägarna betalar kvällsvärdarna, handlare och "
            "krögare håller öppet längre, och Gamla stadens boendeförening för boendes talan."
        ),
        "bidrag_till_omradet": (
            "Stadens stöd betalar samordnaren och dialogen med boende; utan den hade arbetet stannat "
            "vid handelns egna frågor."
        ),
        "lardomar": (
            "Boende och krögare har olika bilder av vad ett levande city är. Gemensamma regler för "
            "uteserveringarna, framtagna tillsammans, har minskat konflikterna."
        ),
        "indikatorvarden": [
            measured(FOTGANGARE, values[0]),
            measured(TOMMA, values[1]),
            measured(STORNINGAR, values[2]),
            measured(TRIVSEL, values[3]),
        ],
    }


FIRST_REPORT = _report(
    "Första halvåret har kvällsvärdarna kommit i gång och konst visas i sex tomma skyltfönster.",
    148_000,
    "Samordnare (del av tjänst): 90 000 kr. Konst i skyltfönster: 31 000 kr. Boendedialog: 27 000 kr.",
    [
        held("Boendemöte i Gamla staden om uteserveringar", START + 45, "boende", 38),
        held("Handlarträff om öppettider", START + 90, "naringsliv", 26),
        held("Öppen stadsvandring kvällstid", START + 140, "boende", 54),
    ],
    ["2 010", "21", "27", "Mäts årsvis"],
)

SECOND_REPORT = _report(
    "Andra halvåret har gemensamma regler för uteserveringarna antagits och klagomålen minskat.",
    156_000,
    "Samordnare (del av tjänst): 90 000 kr. Konst i skyltfönster: 24 000 kr. Boendedialog och "
    "regler för uteserveringar: 42 000 kr.",
    [
        held("Boendemöte om reglerna för uteserveringar", START + 215, "boende", 47),
        held("Fastighetsägarträff om tomma lokaler", START + 260, "fastighetsagare", 14),
        held("Öppet hus för boende i en tom butikslokal", START + 320, "boende", 120),
    ],
    ["2 140", "18", "21", "75 %"],
)

CASE = DemoCase(
    title="Malmö Citysamverkan",
    area="innerstaden",
    start_event=AKTORSINITIATIV,
    started=START - 100,
    expected=frozenset({"vanta_uppfoljning"}),
    steps=(
        Do(
            "registrera_initiativ",
            START - 100,
            {
                "aktorer": [
                    actor("Malmö Citysamverkan", "forening", f"Verksamhetschefen, {phone(30)}"),
                    actor(
                        "Fastighetsägare i city (elva bolag)",
                        "fastighetsagare",
                        f"Via Malmö Citysamverkan, {phone(30)}",
                    ),
                    actor("Handlare och krögare i city", "foretag", f"Handelsrådet, {phone(31)}"),
                    actor("Gamla stadens boendeförening", "boende", f"Ordföranden, {phone(32)}"),
                ],
                "omrade": "innerstaden",
                "plats": "Gamla staden: Södergatan, Stortorget, Lilla torg och gatorna runt Davidshall",
                "ide": (
                    "Ett tryggt och levande city året runt: kvällsvärdar, konst i tomma skyltfönster, bättre "
                    "belysning i passager och gemensamma regler för uteserveringar som tar hänsyn till boende."
                ),
            },
        ),
        Do(
            "forsta_mote",
            START - 92,
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Johanna Sjöberg", "Malmö Citysamverkan"),
                    person("Erik Malm", "Handelsrådet i city"),
                    person("Birgitta Holm", "Gamla stadens boendeförening"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": "Boendeföreningen är med från början efter förra årets konflikt om uteserveringarna.",
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            START - 78,
            {
                "metoder": ["enkat", "boendedialog"],
                "involvering_datum": START - 84,
                "antal_boende": 143,
                "boendes_behov_och_forslag": (
                    "”Vi vill ha ett levande city, men vi måste kunna sova.” ”De tomma skyltfönstren gör "
                    "kvällarna otrygga.” Boende föreslog tydliga tider för uteserveringarna och fler "
                    "människor i rörelse på kvällarna i stället för fler vakter."
                ),
                "boende_i_aktorsgruppen": True,
                "fortsatt_medverkan": "Boendeföreningen sitter i styrgruppen och håller två boendemöten per år.",
            },
        ),
        Do(
            "registrera_ansokan",
            START - 64,
            {
                "syfte_och_mal": "Ett tryggt och levande city med färre konflikter mellan handel, krogar och boende.",
                "forvantade_resultat": (
                    "Fler fotgängare kvällstid, färre tomma lokaler, färre klagomål och högre trivsel."
                ),
                "mervarde": "Handel, fastighetsägare och boende har aldrig haft ett gemensamt forum för cityfrågorna.",
                "atagande": [
                    commitment(
                        "Fastighetsägare i city", "Kvällsvärdar två år", 1_100_000, "Lokaler för tillfälliga butiker"
                    ),
                    commitment("Handlare och krögare i city", "Längre öppettider torsdagar", 0, "Personal kvällstid"),
                    commitment("Gamla stadens boendeförening", "Boendemöten", 0, "Ideell tid"),
                ],
                "sokt_stod": {
                    "belopp_sek": 600_000,
                    "resurser": "Kontaktperson på FGK; stöd med regler för uteserveringar.",
                },
                "planerad_start": START,
                "planerad_slut": END,
                "langsiktig_plan": "Citysamverkan tar över samordningen i egen regi efter två år.",
            },
        ),
        Do(
            "bedomning",
            START - 50,
            {
                "k1": criterion("uppfyllt", "Fastighetsägare, handel, krogar och boende."),
                "k2": criterion("uppfyllt", "Citysamverkan har arbetat i många år och har förtroende hos aktörerna."),
                "k3": criterion("uppfyllt", "Fastighetsägarna betalar kvällsvärdarna, 1,1 miljoner kronor."),
                "k4": criterion("delvis", "Kvällsvärdarna hade kommit ändå; mervärdet ligger i dialogen med boende."),
                "k5": criterion("uppfyllt", "Boendeföreningen är med från början; 143 boende har svarat."),
                "rekommendation": "tillstyrk",
                "foreslaget_belopp_sek": 600_000,
                "foreslaget_stod": "600 000 kr under två år, för samordning och dialog med boende.",
                "planerat_sammantrade": MEETING,
            },
        ),
        Do(
            "namndbeslut",
            MEETING + 1,
            {
                "sammantradesdatum": MEETING,
                "diarienummer": Diarie(893, MEETING),
                "beslut": "beviljat",
                "beviljat_belopp_sek": 600_000,
                "beviljade_resurser": "Kontaktperson på FGK.",
                "villkor": "Uppföljning varje halvår med klagomålsstatistik från miljöförvaltningen.",
                "period_start": START,
                "period_slut": END,
                "uppfoljningsintervall": "P6M",
            },
        ),
        Publish(START - 10, ("Malmö Citysamverkan", "Handlare och krögare i city", "Gamla stadens boendeförening")),
        Do(
            "samverkansoverenskommelse",
            START - 10,
            {
                "roller": [
                    role("Malmö Citysamverkan", "Samordnare och sökande; rapporterar varje halvår."),
                    role("Fastighetsägare i city", "Betalar kvällsvärdarna och upplåter tomma lokaler."),
                    role("Gamla stadens boendeförening", "För boendes talan och håller boendemöten."),
                    role(
                        f"Malmö stad, {FGK.lower()}", "Kontaktperson; tar fram regler för uteserveringar med aktörerna."
                    ),
                ],
                "mal": "Ett tryggt och levande city där handel, krogar och boende kan samsas.",
                "indikatorer": [FOTGANGARE, TOMMA, STORNINGAR, TRIVSEL],
                "kommunikationsplan": (
                    "Nyhetsbrev till medlemmarna varje månad och en sida om samverkan på Citysamverkans webbplats."
                ),
            },
        ),
        Do(
            "dialog_med_boende",
            START - 5,
            {
                "dialogplan": "Reglerna för uteserveringar tas fram tillsammans med boende, handlare och krögare.",
                "aktiviteter": [
                    planned("Boendemöte i Gamla staden", "Två gånger per år", "Gamla stadens boendeförening"),
                    planned("Öppen stadsvandring kvällstid", "Varje höst", "Malmö Citysamverkan"),
                ],
                "aterkoppling_till_boende": "Protokoll från boendemötena skickas till alla som deltagit.",
            },
        ),
        Do("uppfoljningsrapport", FIRST + 35, FIRST_REPORT),
        Do("granska_uppfoljning", FIRST + 42, {"godkand": True, "kommentar": "Godkänd. Lämna nästa rapport i tid."}),
        Do("uppfoljningsrapport", SECOND + 20, SECOND_REPORT),
        Do("granska_uppfoljning", SECOND + 27, {"godkand": True, "kommentar": "Godkänd. Bra att klagomålen minskat."}),
    ),
)
