"""Rosengård samverkan och mobilisering: a calendar-year grant, followed up and finished.

The follow-up report is the real 2024 report of the collaboration (seed 004): the network, the
events with their participant counts, the 200+ fault reports, the lessons per actor (told by
organisation, without the names of the people who wrote them). The grant year is two years
before the year the demo is built; the case closed early last year.
"""

from __future__ import annotations

from samverkan_cli.demo_cases.common import (
    AKTORSINITIATIV,
    FGK,
    KONTAKTPERSON,
    actor,
    commitment,
    criterion,
    effect,
    held,
    indicator,
    measured,
    person,
    phone,
    planned,
    role,
)
from samverkan_cli.demo_cases.rosengard_report import ACTOR_INPUT, BUDGET_CSV, REPORT
from samverkan_cli.demo_plan import ON, Cal, DemoCase, Diarie, Do, File, Publish, Workday

MEETING = Workday(Cal(3, 12, 13))
START, END = Cal(2, 1, 1), Cal(2, 12, 31)

FELANMALNINGAR = indicator("Brister i offentlig miljö som felanmälts vid rundorna", "0 (inga rundor)", "150 per år")
AKTORER = indicator("Aktörer som deltar aktivt i nätverket", "8", "15")
TRAFFAR = indicator("Nätverksträffar per år", "0", "10")
DELTAGARE = indicator("Deltagare i evenemang och dialogaktiviteter", "0", "800")
TRYGGHET = indicator(
    "Boende som känner sig trygga på Örtagårdstorget kvällstid (enkät vid trygghetsvandringarna)", "38 %", "50 %"
)
INDICATORS = [FELANMALNINGAR, AKTORER, TRAFFAR, DELTAGARE, TRYGGHET]

CASE = DemoCase(
    title="Rosengård samverkan och mobilisering",
    area="rosengard",
    start_event=AKTORSINITIATIV,
    started=Cal(3, 10, 2),
    expected=frozenset({"slut_avslutat"}),
    steps=(
        Do(
            "registrera_initiativ",
            Cal(3, 10, 2),
            {
                "aktorer": [
                    actor("Made in Rosengård", "forening", f"Samordnaren, {phone(11)}"),
                    actor("Rosengård Fastigheter", "fastighetsagare", f"Områdeschefen, {phone(12)}"),
                    actor("BID Malmö", "forening", f"Processledaren, {phone(13)}"),
                    actor("BRF Ida", "boende", f"Styrelsens ordförande, {phone(14)}"),
                    actor("Trygg Malmö", "annan", f"Trygghetssamordnaren för Rosengård, {phone(15)}"),
                ],
                "omrade": "rosengard",
                "plats": "Örtagårdstorget, Rosengårds centrum och gångstråken runt Herrgården och Törnrosen",
                "ide": (
                    "Ett lokalt nätverk av föreningar, fastighetsägare och boende som tillsammans ska öka "
                    "tryggheten och trivseln runt Örtagårdstorget: regelbundna felanmälningsrundor och "
                    "trygghetsvandringar, månatliga nätverksträffar och evenemang som tar tillbaka torget "
                    "som en mötesplats för barnfamiljer och unga."
                ),
            },
        ),
        Do(
            "forsta_mote",
            Cal(3, 10, 11),
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Amina Warsame", "Made in Rosengård"),
                    person("Peter Holmgren", "Rosengård Fastigheter"),
                    person("Sara Lindahl", "BID Malmö"),
                    person("Hassan Jaber", "BRF Ida"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": (
                    "Mötet hölls i Made in Rosengårds lokal vid Örtagårdstorget. Vi gick igenom modellen för "
                    "samverkansstöd och de fem kriterierna. Aktörerna har redan gjort två gemensamma "
                    "trygghetsvandringar under hösten. Kriterium 5 diskuterades särskilt: gruppen ska visa hur "
                    "boende har varit med innan ansökan lämnas in. BRF Ida och Hyresgästföreningen bjuds in "
                    "till nästa vandring."
                ),
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            Cal(3, 11, 6),
            {
                "metoder": ["trygghetsvandring", "boendedialog", "mote_forening"],
                "involvering_datum": Cal(3, 10, 28),
                "antal_boende": 64,
                "boendes_behov_och_forslag": (
                    "”Belysningen i gångtunneln mot Herrgården har varit trasig sedan i somras, där går ingen "
                    "efter mörkrets inbrott.” ”Torget är bara en genomfart, det finns inget för barnen att göra "
                    "där.” ”Vi vill veta vem man ska ringa när något är trasigt – och att det faktiskt händer "
                    "något.” Boende föreslog fler grillkvällar och fotboll för unga på kvällarna, och att "
                    "felanmälningar ska följas upp på nästa träff."
                ),
                "boende_i_aktorsgruppen": True,
                "fortsatt_medverkan": (
                    "Boende bjuds in till varje felanmälningsrunda och nätverksträff. BRF Ida och "
                    "Hyresgästföreningen sitter med i styrgruppen. Boendedialoger hålls i Somaliska Freds "
                    "lokal och i Rosengårds Folkets Hus, med tolk på arabiska och somaliska vid behov."
                ),
            },
        ),
        Do(
            "registrera_ansokan",
            Cal(3, 11, 15),
            {
                "syfte_och_mal": (
                    "Öka tryggheten och trivseln runt Örtagårdstorget genom ett lokalt nätverk som arbetar "
                    "tillsammans med boende. Mål för året: ett nätverk med minst 15 aktiva aktörer, tio "
                    "nätverksträffar, regelbundna felanmälningsrundor och evenemang som når minst 800 deltagare."
                ),
                "forvantade_resultat": (
                    "Brister i den offentliga miljön anmäls och åtgärdas snabbare; boende vet hur de själva "
                    "felanmäler; Örtagårdstorget används av fler vid fler tider på dygnet; föreningar, "
                    "fastighetsägare, polis och kommun samordnar sina insatser i stället för att arbeta var för sig."
                ),
                "mervarde": (
                    "Ingen av aktörerna kan ensam hålla ihop ett nätverk med civilsamhälle, fastighetsägare, "
                    "polis och kommun. Tillsammans når vi boende som ingen av oss når var för sig, och "
                    "fastighetsägarna får felanmälningar som annars aldrig hade kommit in."
                ),
                "atagande": [
                    commitment(
                        "Made in Rosengård",
                        "Samordning av nätverket, evenemang och rapportering",
                        0,
                        "Samordnare på halvtid, lokal vid Örtagårdstorget",
                    ),
                    commitment(
                        "Rosengård Fastigheter",
                        "Medfinansiering av festivaler och trygghetsvandringar",
                        150_000,
                        "Lokaler för nätverksträffar, bosociala värdar vid evenemang",
                    ),
                    commitment(
                        "BID Malmö", "Processtöd och kommunikationsplan", 0, "Processledare cirka fyra timmar i månaden"
                    ),
                    commitment("BRF Ida", "Boendedialoger och lokal förankring", 0, "Styrelseledamöter som värdar"),
                ],
                "sokt_stod": {
                    "belopp_sek": 450_000,
                    "resurser": (
                        "Snabb hantering av felanmälningar från rundorna, tillstånd för evenemang på "
                        "Örtagårdstorget och en kontaktperson på FGK."
                    ),
                },
                "planerad_start": START,
                "planerad_slut": END,
                "langsiktig_plan": (
                    "Efter det första året ska nätverket bära sig självt med en gemensam plattform och ett "
                    "tydligt syfte. Fastighetsägarna tar över en större del av finansieringen år två."
                ),
            },
        ),
        Do(
            "bedomning",
            Cal(3, 11, 24),
            {
                "k1": criterion(
                    "uppfyllt",
                    "Föreningar, fastighetsägare, bostadsrättsförening och Trygg Malmö står bakom förslaget.",
                ),
                "k2": criterion(
                    "uppfyllt",
                    "Gruppen har gjort trygghetsvandringar ihop under hösten och har förtroende bland boende.",
                ),
                "k3": criterion(
                    "uppfyllt", "Rosengård Fastigheter bidrar med 150 000 kr; övriga med tid, lokaler och samordning."
                ),
                "k4": criterion(
                    "uppfyllt", "Nätverket når boende och samordnar aktörer på ett sätt ingen av dem klarar ensam."
                ),
                "k5": criterion(
                    "uppfyllt", "64 boende har nåtts vid vandringar och dialoger; boende sitter i styrgruppen."
                ),
                "rekommendation": "tillstyrk",
                "foreslaget_belopp_sek": 450_000,
                "foreslaget_stod": (
                    "450 000 kr för kalenderåret, kontaktperson på FGK och prioriterad hantering av "
                    "felanmälningar från rundorna."
                ),
                "planerat_sammantrade": MEETING,
            },
        ),
        Do(
            "namndbeslut",
            MEETING + 1,
            {
                "sammantradesdatum": MEETING,
                "diarienummer": Diarie(1187, MEETING),
                "beslut": "beviljat",
                "beviljat_belopp_sek": 450_000,
                "beviljade_resurser": "Kontaktperson på FGK; felanmälningar från rundorna hanteras med förtur.",
                "villkor": (
                    "Stödet används för samordning, evenemang och dialog i Rosengård. En uppföljningsrapport "
                    "lämnas efter året enligt FGK:s mall, med budgetutfall och deltagarantal."
                ),
                "period_start": START,
                "period_slut": END,
                "uppfoljningsintervall": "P12M",
            },
        ),
        Publish(Cal(2, 1, 16), ("Made in Rosengård", "Rosengård Fastigheter", "BID Malmö", "BRF Ida")),
        Do(
            "samverkansoverenskommelse",
            Cal(2, 1, 16),
            {
                "roller": [
                    role(
                        "Made in Rosengård",
                        "Sökande och samordnare: kallar till nätverksträffar, håller i evenemang och rapporterar.",
                    ),
                    role(
                        "Rosengård Fastigheter",
                        "Medfinansiär och medarrangör av festivaler; åtgärdar brister på egen mark.",
                    ),
                    role("BID Malmö", "Processtöd i styrgruppen och stöd med kommunikationsplanen."),
                    role("BRF Ida", "Förankring bland boende och värd för boendedialoger."),
                    role("Trygg Malmö", "Trygghetsvandringar, nattfotboll och kontakten med kommunpolisen."),
                    role(
                        f"Malmö stad, {FGK.lower()}",
                        "Kontaktperson; tar emot felanmälningar från rundorna och återkopplar åtgärder.",
                    ),
                ],
                "mal": (
                    "Ett starkt lokalt nätverk som gör Örtagårdstorget och gångstråken tryggare, "
                    "tillsammans med boende."
                ),
                "indikatorer": INDICATORS,
                "kommunikationsplan": (
                    "En gemensam WhatsApp-grupp för nätverket, månadsbrev på svenska, arabiska och somaliska, "
                    "affischer i trapphusen inför evenemang och en återkoppling om åtgärdade felanmälningar "
                    "på varje nätverksträff."
                ),
            },
        ),
        Do(
            "dialog_med_boende",
            Cal(2, 1, 23),
            {
                "dialogplan": (
                    "Boende är med och planerar, inte bara deltar: varje evenemang planeras på en "
                    "nätverksträff där boende är inbjudna, och förslag från rundorna tas upp som "
                    "medborgarinitiativ när de kan bli det."
                ),
                "aktiviteter": [
                    planned("Felanmälningsrundor med boende", "Varannan vecka", "Made in Rosengård"),
                    planned("Boendedialog i Somaliska Freds lokal", "Varje kvartal", "BRF Ida"),
                    planned("Vår- och höstfestival på Örtagårdstorget", "Maj och oktober", "Rosengård Fastigheter"),
                    planned("Medborgardialog med kommunpolisen", "Hösten", "Trygg Malmö"),
                ],
                "aterkoppling_till_boende": "Vad som hänt med förslagen redovisas på nästa träff och i månadsbrevet.",
            },
        ),
        Do(
            "uppfoljningsrapport",
            Cal(1, 1, 27),
            {
                **REPORT,
                "dialogaktiviteter": [
                    held("Vårfestival på Örtagårdstorget", Cal(2, 5, 10), "boende", 200),
                    held("Pop up-Returens återvinningsdag på Örtagårdstorget", Cal(2, 5, 30), "boende", 80),
                    held("Rosengårdsfestivalen, grillning och ansiktsmålning", Cal(2, 6, 14), "boende", 450),
                    held(
                        "Fotbollsturnering i Vänskapsparken med Fryshuset och Somaliska Freds",
                        Cal(2, 7, 10),
                        "boende",
                        60,
                    ),
                    held("Grillkväll med Uppsök Ung Malmö utanför Tegelhuset", Cal(2, 8, 1), "boende", 50),
                    held("Fotbollsturnering på Rosengårds norra IP", Cal(2, 8, 8), "boende", 100),
                    held("Hållbarhetsdag på Örtagårdstorget", Cal(2, 9, 27), "boende", 150),
                    held("Medborgardialog med kommunpolisen i Rosengårds Folkets Hus", Cal(2, 10, 10), "boende", 40),
                    held("Höstfestival på Örtagårdstorget", Cal(2, 10, 17), "boende", 300),
                    held("Medborgardialog med VA SYD om återvinning och vatten", Cal(2, 10, 24), "boende", 35),
                    held("Nätverksträff (en av elva under året)", Cal(2, 11, 14), "foreningsliv", 20),
                ],
                "indikatorvarden": [
                    measured(FELANMALNINGAR, "över 200"),
                    measured(AKTORER, "över 20"),
                    measured(TRAFFAR, "11 (varje månad utom juli)"),
                    measured(DELTAGARE, "cirka 1 500"),
                    measured(TRYGGHET, "46 %"),
                ],
                "bilagor": [
                    File("Utfall av budget", "budgetutfall.csv", BUDGET_CSV),
                    File(
                        "Underlag från deltagande aktörer och deras erfarenheter",
                        "aktorernas-underlag.txt",
                        ACTOR_INPUT,
                    ),
                ],
            },
        ),
        Do(
            "granska_uppfoljning",
            Cal(1, 2, 10),
            {
                "godkand": True,
                "kommentar": (
                    "Godkänd. Tydlig redovisning med deltagarantal och budgetutfall. Ta med Rosengård "
                    "Fastigheters synpunkt om ett gemensamt syfte i slutrapporten."
                ),
            },
        ),
        Do(
            "slutrapport_effektmatning",
            Cal(1, 2, 24),
            {
                "effekter": [
                    effect(
                        FELANMALNINGAR,
                        "Över 200 brister anmälda till staden och fastighetsägarna; de flesta åtgärdade.",
                    ),
                    effect(AKTORER, "Över 20 aktörer, bland dem Polisen, Räddningstjänsten och MKB."),
                    effect(TRAFFAR, "11 träffar, varje månad utom juli."),
                    effect(DELTAGARE, "Cirka 1 500 deltagare, varav över 300 på höstfestivalen."),
                    effect(TRYGGHET, "46 %: en ökning, men målet nåddes inte."),
                ],
                "samlad_bedomning": (
                    "Samverkan har nått eller överträffat fyra av fem mål. Nätverket är etablerat och har "
                    "vuxit av sig självt, och polisen bekräftar att närvaron på torget gör skillnad. "
                    "Tryggheten kvällstid har ökat men inte så mycket som planerat."
                ),
                "slutliga_lardomar": (
                    "Ett nätverk tar tid att bygga och behöver ett gemensamt syfte som alla känner igen sig i. "
                    "Samverkan fungerar bara när den ingår i föreningarnas ordinarie arbete. Evenemang på "
                    "publika platser, där de goda krafterna ”äger platsen”, är den insats som gett mest."
                ),
                "slutrekommendation": "ny_ansokan",
            },
        ),
    ),
)
