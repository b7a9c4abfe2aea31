"""BID Sofielund: a three-year grant in its second year; the first report was complemented once,
the second waits for the kontaktperson's review."""

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
from samverkan_cli.demo_plan import (
    ON,
    Ago,
    Claim,
    DemoCase,
    Diarie,
    Do,
    Latest,
    MonthEnd,
    MonthStart,
    OnOrAfter,
    Workday,
)

START, END = MonthStart(25), MonthEnd(-10)
FIRST, SECOND = MonthStart(13), MonthStart(1)  # the first two follow-up dates (yearly)
MEETING = Workday(START - 46)

TRYGGHET = indicator("Boende i Norra Sofielund som känner sig trygga (stadens trygghetsmätning)", "54 %", "65 %")
SKRAP = indicator("Skräp per 100 meter på Lönngatan och Sevedsplan (skräpmätning i maj)", "42", "20")
LOKALER = indicator("Tomma lokaler i bottenvåningarna", "11", "5")
BETALANDE = indicator("Fastighetsägare som betalar in till BID:en", "14", "20")

FIRST_REPORT = {
    "utfall": (
        "Första året har BID:en fått en fast form: en platsutvecklare på heltid, en styrgrupp med "
        "fastighetsägare, boende och företagare som träffas varannan månad, och en gemensam "
        "handlingsplan för städning, belysning och aktiviteter. Tre nya fastighetsägare har gått med."
    ),
    "anvandning_av_medel": (
        "Stadens stöd har gått till platsutvecklarens tjänst (en tredjedel), sommarkvällarna på "
        "Sevedsplan och tillfällig belysning på Rasmusgatan. Fastighetsägarnas avgifter har betalat "
        "resten av tjänsten och den extra städningen."
    ),
    "budgetutfall_sek": 287_000,
    "uppnatt": (
        "Belysningen på Rasmusgatan och i passagen mot Lönngatan är bytt, extra städning varje "
        "måndag har minskat skräpet och två tomma lokaler har fått hyresgäster: en cykelverkstad och "
        "en läxhjälpsförening."
    ),
    "dialogaktiviteter_beskrivning": (
        "Trygghetsvandring med boende och polis, vårstädning, fyra sommarkvällar på Sevedsplan, "
        "en fastighetsägarträff och ett boendemöte om belysningen på Rasmusgatan."
    ),
    "dialogaktiviteter": [
        held("Trygghetsvandring med boende och kommunpolis", START + 40, "boende", 28),
        held("Vårstädning på Sevedsplan", OnOrAfter(START, 4, 26), "boende", 65),
        held("Sommarkvällar på Sevedsplan (fyra kvällar)", OnOrAfter(START, 7, 10), "boende", 240),
        held("Fastighetsägarträff", START + 250, "fastighetsagare", 17),
        held("Boendemöte om belysningen på Rasmusgatan", START + 300, "boende", 34),
    ],
    "medverkande_aktorer": (
        "Fastighetsägarna finansierar och beslutar i styrgruppen. Seveds boendeforum har samlat "
        "boende till vandringar och möten. Sofielunds företagarnätverk har ordnat sommarkvällarna "
        "tillsammans med platsutvecklaren. Kommunpolisen har deltagit i vandringarna."
    ),
    "bidrag_till_omradet": (
        "Stadens stöd gjorde det möjligt att anställa platsutvecklaren från början, innan alla "
        "fastighetsägare var med. Det gav snabba synliga resultat som fått fler att ansluta."
    ),
    "lardomar": (
        "Boende deltar när frågan är konkret (belysningen på deras gata) men sällan i allmänna möten. "
        "Fastighetsägarna vill se effekter mätta på samma sätt varje år."
    ),
    "indikatorvarden": [
        measured(TRYGGHET, "58 %"),
        measured(SKRAP, "Ingen mätning i år"),
        measured(LOKALER, "9"),
        measured(BETALANDE, "17"),
    ],
}

FIRST_REPORT_COMPLEMENTED = {
    **FIRST_REPORT,
    "anvandning_av_medel": (
        "Platsutvecklarens tjänst, stadens del: 150 000 kr. Sommarkvällarna på Sevedsplan: 82 000 kr. "
        "Tillfällig belysning på Rasmusgatan: 41 000 kr. Trygghetsvandringar och boendemöten: 14 000 kr. "
        "Summa 287 000 kr av årets 300 000 kr. Fastighetsägarnas avgifter (612 000 kr) har betalat "
        "resten av tjänsten och den extra städningen."
    ),
    "indikatorvarden": [
        measured(TRYGGHET, "58 %"),
        measured(SKRAP, "33 (mätning i maj, gjord i efterhand av platsutvecklaren)"),
        measured(LOKALER, "9"),
        measured(BETALANDE, "17"),
    ],
}

SECOND_REPORT = {
    "utfall": (
        "Andra året har styrgruppen tagit över mer av planeringen. Boendeforumet har fått en egen "
        "plats i styrgruppen och en budget för egna aktiviteter. Två fastighetsägare till har gått med."
    ),
    "anvandning_av_medel": (
        "Platsutvecklarens tjänst, stadens del: 150 000 kr. Sommarkvällarna: 96 000 kr. "
        "Boendeforumets egna aktiviteter: 38 000 kr. Företagarfrukostar och trygghetsvandringar: "
        "21 000 kr. Summa 305 000 kr; 5 000 kr mer än årets del, som tas från det sista året."
    ),
    "budgetutfall_sek": 305_000,
    "uppnatt": (
        "Skräpet har fortsatt att minska och tryggheten ökar för andra året i rad. Sommarkvällarna "
        "drar nu besökare från andra delar av Malmö. Två lokaler till har hyrts ut."
    ),
    "dialogaktiviteter_beskrivning": (
        "Trygghetsvandring, företagarfrukost på Lönngatan, sommarkvällar, fastighetsägarträff och "
        "ett boendeforum om sophanteringen i kvarteren runt Sevedsplan."
    ),
    "dialogaktiviteter": [
        held("Trygghetsvandring med boende och kommunpolis", START + 400, "boende", 31),
        held("Företagarfrukost på Lönngatan", START + 450, "naringsliv", 22),
        held("Sommarkvällar på Sevedsplan (fem kvällar)", OnOrAfter(FIRST, 7, 9), "boende", 310),
        held("Fastighetsägarträff", START + 610, "fastighetsagare", 19),
        held("Boendeforum om sophanteringen", START + 680, "boende", 41),
    ],
    "medverkande_aktorer": (
        "Som förra året, och därtill Seveds boendeforum med en egen plats i styrgruppen och "
        "Sofielunds företagarnätverk som arrangör av frukostarna."
    ),
    "bidrag_till_omradet": (
        "Stadens stöd är nu en mindre del av BID:ens budget. Det har gett fastighetsägarna "
        "trygghet att binda sig för flera år, och boendeforumet resurser att göra egna aktiviteter."
    ),
    "lardomar": (
        "En egen budget för boendeforumet gav fler boende som tar ansvar. Mätningarna görs nu "
        "samma vecka varje år, vilket gör jämförelserna säkrare."
    ),
    "indikatorvarden": [
        measured(TRYGGHET, "61 %"),
        measured(SKRAP, "24"),
        measured(LOKALER, "7"),
        measured(BETALANDE, "19"),
    ],
}

CASE = DemoCase(
    title="BID Sofielund",
    area="sofielund",
    start_event=AKTORSINITIATIV,
    started=START - 130,
    expected=frozenset({"granska_uppfoljning", "vanta_uppfoljning"}),
    steps=(
        Do(
            "registrera_initiativ",
            START - 130,
            {
                "aktorer": [
                    actor(
                        "Fastighetsägare i Sofielund ekonomisk förening", "fastighetsagare", f"Ordföranden, {phone(20)}"
                    ),
                    actor("Seveds boendeforum", "boende", f"Sekreteraren, {phone(21)}"),
                    actor("Sofielunds företagarnätverk", "foretag", f"Kontaktpersonen, {phone(22)}"),
                ],
                "omrade": "sofielund",
                "plats": "Norra Sofielund och Seved: Lönngatan, Rasmusgatan och Sevedsplan",
                "ide": (
                    "Ett BID (Business Improvement District) där fastighetsägarna tillsammans betalar en "
                    "platsutvecklare, extra städning och belysning, och där boende och företagare är med och "
                    "bestämmer vad som ska göras. Under tre år."
                ),
            },
        ),
        Do(
            "forsta_mote",
            START - 121,
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Magnus Ek", "Fastighetsägare i Sofielund"),
                    person("Leyla Demir", "Seveds boendeforum"),
                    person("Oskar Nilsson", "Sofielunds företagarnätverk"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": (
                    "Gruppen har arbetat ihop sedan flera år men utan gemensam finansiering. Vi gick igenom "
                    "kriterierna; K5 kräver att fler boende än boendeforumets styrelse nås innan ansökan."
                ),
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            START - 104,
            {
                "metoder": ["enkat", "boendedialog", "trygghetsvandring"],
                "involvering_datum": START - 110,
                "antal_boende": 186,
                "boendes_behov_och_forslag": (
                    "”Det är mörkt och skräpigt på Rasmusgatan, jag går omvägar.” ”Sevedsplan borde vara en "
                    "plats för barnen, inte en parkering.” ”Fråga oss innan ni bestämmer – vi har sett många "
                    "projekt komma och gå.” Boende önskade belysning, städning, aktiviteter för barn på "
                    "sommaren och att få vara med i styrgruppen."
                ),
                "boende_i_aktorsgruppen": True,
                "fortsatt_medverkan": "Seveds boendeforum får två platser i styrgruppen och en egen aktivitetsbudget.",
            },
        ),
        Do(
            "registrera_ansokan",
            START - 90,
            {
                "syfte_och_mal": (
                    "En tryggare, renare och mer levande Norra Sofielund genom en BID som fastighetsägare, "
                    "företagare och boende styr tillsammans."
                ),
                "forvantade_resultat": (
                    "Högre upplevd trygghet, mindre skräp, färre tomma lokaler och fler betalande fastighetsägare."
                ),
                "mervarde": (
                    "Ingen fastighetsägare kan ensam hålla en gata ren och trygg; en gemensam platsutvecklare "
                    "samordnar det alla annars gör var för sig, och boende får en röst i besluten."
                ),
                "atagande": [
                    commitment(
                        "Fastighetsägare i Sofielund",
                        "Avgift till BID:en under tre år",
                        1_800_000,
                        "Extra städning, lokaler för möten",
                    ),
                    commitment(
                        "Seveds boendeforum",
                        "Boendedialoger och vandringar",
                        0,
                        "Ideell tid, cirka tio timmar i månaden",
                    ),
                    commitment("Sofielunds företagarnätverk", "Sommarkvällar på Sevedsplan", 60_000, "Scen och ljud"),
                ],
                "sokt_stod": {
                    "belopp_sek": 900_000,
                    "resurser": "Kontaktperson på FGK; samordning av belysningsåtgärder på gatumark.",
                },
                "planerad_start": START,
                "planerad_slut": END,
                "langsiktig_plan": (
                    "Efter tre år finansieras BID:en helt av fastighetsägarna, enligt modellen från andra städer."
                ),
            },
        ),
        Do(
            "bedomning",
            START - 75,
            {
                "k1": criterion("uppfyllt", "Fastighetsägare, företagare och boende står bakom förslaget."),
                "k2": criterion(
                    "uppfyllt", "Samarbetet har pågått i flera år och har förtroende bland boende på Seved."
                ),
                "k3": criterion("uppfyllt", "Fastighetsägarna bidrar med 1,8 miljoner kronor över tre år."),
                "k4": criterion("uppfyllt", "En gemensam platsutvecklare ger det ingen enskild aktör kan."),
                "k5": criterion(
                    "delvis", "186 boende nådda; boende bör få en tydligare plats i styrningen, vilket utlovas."
                ),
                "rekommendation": "tillstyrk",
                "foreslaget_belopp_sek": 300_000,
                "foreslaget_stod": "300 000 kr per år i tre år och en kontaktperson på FGK.",
                "planerat_sammantrade": MEETING,
            },
        ),
        Do(
            "namndbeslut",
            MEETING + 2,
            {
                "sammantradesdatum": MEETING,
                "diarienummer": Diarie(611, MEETING),
                "beslut": "beviljat",
                "beviljat_belopp_sek": 900_000,
                "beviljade_resurser": "Kontaktperson på FGK och samordning av belysningsåtgärder på gatumark.",
                "villkor": "300 000 kr per år. Nästa års del betalas ut när årets uppföljning är godkänd.",
                "period_start": START,
                "period_slut": END,
                "uppfoljningsintervall": "P12M",
            },
        ),
        Do(
            "samverkansoverenskommelse",
            START - 20,
            {
                "roller": [
                    role(
                        "Fastighetsägare i Sofielund",
                        "Finansierar BID:en, anställer platsutvecklaren och leder styrgruppen.",
                    ),
                    role("Seveds boendeforum", "Två platser i styrgruppen; ordnar boendedialoger och vandringar."),
                    role("Sofielunds företagarnätverk", "Ordnar sommarkvällar och företagarfrukostar."),
                    role(f"Malmö stad, {FGK.lower()}", "Kontaktperson; samordnar åtgärder på gatumark och följer upp."),
                ],
                "mal": (
                    "En tryggare, renare och mer levande Norra Sofielund som fastighetsägare och boende styr "
                    "tillsammans."
                ),
                "indikatorer": [TRYGGHET, SKRAP, LOKALER, BETALANDE],
                "kommunikationsplan": (
                    "Nyhetsbrev varannan månad, anslag i trapphusen och ett öppet möte på Sevedsplan varje vår."
                ),
            },
        ),
        Do(
            "dialog_med_boende",
            START - 12,
            {
                "dialogplan": (
                    "Boendeforumet planerar sina aktiviteter själva med egen budget och rapporterar i styrgruppen."
                ),
                "aktiviteter": [
                    planned("Trygghetsvandring med kommunpolis", "Varje höst", "Seveds boendeforum"),
                    planned("Öppet möte på Sevedsplan", "Varje vår", "Platsutvecklaren"),
                    planned("Sommarkvällar", "Juni–augusti", "Sofielunds företagarnätverk"),
                ],
                "aterkoppling_till_boende": "Vad styrgruppen beslutat anslås i trapphusen efter varje möte.",
            },
        ),
        Do("uppfoljningsrapport", FIRST + 26, FIRST_REPORT),
        Do(
            "granska_uppfoljning",
            FIRST + 33,
            {
                "godkand": False,
                "kommentar": (
                    "Komplettera med budgetutfallet per aktivitet, och med skräpmätningen: indikatorn har "
                    "inget uppmätt värde."
                ),
            },
        ),
        Do("uppfoljningsrapport", FIRST + 41, FIRST_REPORT_COMPLEMENTED),
        Do(
            "granska_uppfoljning",
            FIRST + 45,
            {
                "godkand": True,
                "kommentar": "Godkänd efter komplettering. Gör skräpmätningen samma vecka i maj nästa år.",
            },
        ),
        Do("uppfoljningsrapport", Latest((SECOND + 14, Ago(20))), SECOND_REPORT),
        Claim("granska_uppfoljning", Latest((SECOND + 16, Ago(18)))),
    ),
)
