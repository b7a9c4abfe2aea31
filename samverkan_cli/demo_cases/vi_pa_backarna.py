"""Vi på Backarna: the first yearly report is late. It was reminded on its deadline and escalated to
the manager 14 days later, who gave a new deadline; that passed too, and the case is escalated
again: the report is open with its (new) deadline and the manager's escalation task is open."""

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
from samverkan_cli.demo_plan import ON, DemoCase, Diarie, Do, MonthEnd, MonthStart, Workday

START, END = MonthStart(18), MonthEnd(-5)
FIRST = MonthStart(6)  # the first follow-up date; its report was due 30 days later
MEETING = Workday(START - 50)

LEKPLATS = indicator("Gårdar med upprustad lekplats och mötesplats", "0", "3")
LAXHJALP = indicator("Barn som kommer till läxhjälpen varje vecka", "0", "25")
MEDLEMMAR = indicator("Hushåll som är medlemmar i Vi på Backarna", "40", "120")

CASE = DemoCase(
    title="Vi på Backarna",
    area="backarna",
    start_event=AKTORSINITIATIV,
    started=START - 140,
    expected=frozenset({"uppfoljningsrapport", "paminn_forsenad_rapport", "vanta_uppfoljning"}),
    steps=(
        Do(
            "registrera_initiativ",
            START - 140,
            {
                "aktorer": [
                    actor("Föreningen Vi på Backarna", "boende", f"Ordföranden, {phone(40)}"),
                    actor(
                        "Fastighetsägarna på Backarna (två bostadsbolag)",
                        "fastighetsagare",
                        f"Förvaltaren, {phone(41)}",
                    ),
                    actor("Backarnas fritidsgård", "annan", f"Föreståndaren, {phone(42)}"),
                    actor("Föräldraföreningen på Backaskolan", "forening", f"Kontaktpersonen, {phone(43)}"),
                ],
                "omrade": "backarna",
                "plats": "Gårdarna och gångvägarna mellan husen på Backarna",
                "ide": (
                    "Boende vill rusta upp gårdarnas lekplatser och mötesplatser tillsammans med "
                    "fastighetsägarna, starta läxhjälp i föreningslokalen och ordna sommaraktiviteter för barn."
                ),
            },
        ),
        Do(
            "forsta_mote",
            START - 131,
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Fatima Yusuf", "Vi på Backarna"),
                    person("Mikael Persson", "Fastighetsägarna på Backarna"),
                    person("Ali Rahimi", "Backarnas fritidsgård"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": (
                    "Föreningen är ny och drivs av några eldsjälar. Vi pratade om vad en uppföljningsrapport "
                    "innebär och att föreningen behöver någon som ansvarar för den."
                ),
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            START - 115,
            {
                "metoder": ["boendedialog", "mote_forening"],
                "involvering_datum": START - 120,
                "antal_boende": 97,
                "boendes_behov_och_forslag": (
                    "”Lekplatsen på vår gård har varit avspärrad i två år.” ”Barnen har ingenstans att göra "
                    "läxorna i lugn och ro.” ”Vi känner inte våra grannar – vi behöver ställen att ses.” "
                    "Boende föreslog grillplatser, läxhjälp och sommarläger på gården."
                ),
                "boende_i_aktorsgruppen": True,
                "fortsatt_medverkan": (
                    "Föreningen är sökande; varje gård väljer ett gårdsombud som är med i planeringen."
                ),
            },
        ),
        Do(
            "registrera_ansokan",
            START - 100,
            {
                "syfte_och_mal": "Gårdar där grannar möts och barn leker, och läxhjälp för barnen på Backarna.",
                "forvantade_resultat": "Tre upprustade gårdar, läxhjälp varje vecka och en växande förening.",
                "mervarde": (
                    "Föreningen når grannarna; fastighetsägarna äger gårdarna. Ingen av dem kan göra detta ensam."
                ),
                "atagande": [
                    commitment("Fastighetsägarna på Backarna", "Upprustning av tre lekplatser", 420_000, "Markarbeten"),
                    commitment("Föreningen Vi på Backarna", "Läxhjälp och sommaraktiviteter", 0, "Ideella läxhjälpare"),
                    commitment("Backarnas fritidsgård", "Sommarläger på gården", 0, "Två fritidsledare i juli"),
                ],
                "sokt_stod": {
                    "belopp_sek": 350_000,
                    "resurser": "Stöd i dialogen med fastighetsägarna och en kontaktperson.",
                },
                "planerad_start": START,
                "planerad_slut": END,
                "langsiktig_plan": "Föreningen ska växa så att läxhjälpen och aktiviteterna bärs av medlemmarna.",
            },
        ),
        Do(
            "bedomning",
            START - 84,
            {
                "k1": criterion("uppfyllt", "Boende, fastighetsägare, fritidsgård och föräldraförening."),
                "k2": criterion("delvis", "Föreningen är ung, men har stort förtroende bland grannarna."),
                "k3": criterion(
                    "delvis", "Fastighetsägarnas åtagande är muntligt och ska skrivas in i överenskommelsen."
                ),
                "k4": criterion("uppfyllt", "Föreningen når grannar som bostadsbolagen inte når."),
                "k5": criterion("uppfyllt", "Initiativet kommer från boende; 97 boende har deltagit."),
                "rekommendation": "tillstyrk",
                "foreslaget_belopp_sek": 350_000,
                "foreslaget_stod": (
                    "350 000 kr under två år och en kontaktperson som stöttar föreningen med uppföljningen."
                ),
                "planerat_sammantrade": MEETING,
            },
        ),
        Do(
            "namndbeslut",
            MEETING + 1,
            {
                "sammantradesdatum": MEETING,
                "diarienummer": Diarie(1042, MEETING),
                "beslut": "beviljat",
                "beviljat_belopp_sek": 350_000,
                "beviljade_resurser": "Kontaktperson på FGK.",
                "villkor": "Fastighetsägarnas åtagande ska skrivas in i samverkansöverenskommelsen.",
                "period_start": START,
                "period_slut": END,
                "uppfoljningsintervall": "P12M",
            },
        ),
        Do(
            "samverkansoverenskommelse",
            START - 15,
            {
                "roller": [
                    role("Föreningen Vi på Backarna", "Sökande; läxhjälp, gårdsombud och uppföljningsrapport."),
                    role("Fastighetsägarna på Backarna", "Rustar upp tre lekplatser för 420 000 kr under första året."),
                    role("Backarnas fritidsgård", "Sommarläger på gården."),
                    role(f"Malmö stad, {FGK.lower()}", "Kontaktperson; stöttar föreningen med uppföljningen."),
                ],
                "mal": "Gårdar där grannar möts och barn leker, och läxhjälp varje vecka.",
                "indikatorer": [LEKPLATS, LAXHJALP, MEDLEMMAR],
                "kommunikationsplan": "Lappar i trapphusen på svenska, arabiska och dari; föreningens Facebookgrupp.",
            },
        ),
        Do(
            "dialog_med_boende",
            START - 8,
            {
                "dialogplan": "Varje gård planerar sin upprustning på en gårdsträff med fastighetsägaren.",
                "aktiviteter": [
                    planned("Gårdsträff per gård", "Före varje upprustning", "Gårdsombuden"),
                    planned("Läxhjälp", "Tisdagar och torsdagar", "Vi på Backarna"),
                ],
                "aterkoppling_till_boende": "Ritningarna sätts upp på gården innan arbetet börjar.",
            },
        ),
        Do(
            "paminn_forsenad_rapport",
            FIRST + 50,
            {
                "atgard": "ny_tidsfrist",
                "ny_tidsfrist": Workday(FIRST + 90),
                "eskalering_kommentar": (
                    "Kontaktpersonen har talat med föreningen. Föreningen har fått ny styrelse och ingen har "
                    "haft ansvar för rapporten. Ny tidsfrist efter föreningens årsmöte."
                ),
            },
        ),
    ),
)
