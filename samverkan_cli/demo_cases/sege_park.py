"""Sege Park: started by the city with the builders and the first residents of the new district.
The first assessment asked for the builders' written commitment; it came in, the second
assessment recommends support (K2 cannot be met in a new district, and says why), and the case
waits for the nämnd's meeting in a few weeks."""

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
from samverkan_cli.demo_plan import ON, Ago, DemoCase, Do, File, MonthEnd, MonthStart, Workday

MEETING = Workday(Ago(-20))

LETTER_OF_INTENT = """Avsiktsförklaring – samverkan om det gemensamma i Sege Park

Vi, byggaktörerna i Sege Park, åtar oss att under stödperiodens första år
- inreda delningsförrådet i gamla tvätteriet för 300 000 kr,
- låta Sege Parks boendeförening ta över nyckel, bokning och skötsel efter sex månader,
- delta i styrgruppen för samverkan med en företrädare var.

Undertecknat av företrädare för de sju bolagen och byggemenskaperna.
"""

CASE = DemoCase(
    title="Sege Park",
    area="sege_park",
    start_event=STADSINITIATIV,
    started=Ago(118),
    expected=frozenset({"namndbeslut"}),
    steps=(
        Do(
            "registrera_initiativ",
            Ago(118),
            {
                "aktorer": [
                    actor(
                        "Byggaktörerna i Sege Park (sju bolag och byggemenskaper)",
                        "fastighetsagare",
                        f"Samordnaren för byggaktörerna, {phone(60)}",
                    ),
                    actor("Sege Parks boendeförening", "boende", f"Ordföranden, {phone(61)}"),
                    actor("Föreningen Sege Park odlar", "forening", f"Kontaktpersonen, {phone(62)}"),
                    actor("Mobilitetshusets förvaltare", "foretag", f"Driftchefen, {phone(63)}"),
                ],
                "omrade": "sege_park",
                "plats": "Parken, de gamla sjukhusbyggnaderna och mobilitetshuset i Sege Park",
                "ide": (
                    "Staden tar initiativ till en samverkan om det gemensamma i den nya stadsdelen: "
                    "delningsförråd, odlingar, parkens aktiviteter och mobilitetshuset, så att boende, "
                    "byggaktörer och föreningar tar ansvar för det tillsammans när byggandet är klart."
                ),
            },
        ),
        Do(
            "forsta_mote",
            Ago(109),
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Karin Ljung", "Byggaktörerna i Sege Park"),
                    person("Tobias Rydén", "Sege Parks boendeförening"),
                    person("Nora Eriksson", "Sege Park odlar"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": "De första hushållen har flyttat in; boendeföreningen är nybildad och vill vara med.",
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            Ago(86),
            {
                "metoder": ["boendedialog", "enkat"],
                "involvering_datum": Ago(93),
                "antal_boende": 138,
                "boendes_behov_och_forslag": (
                    "”Vi flyttade hit för delningsidén – nu vet ingen vem som ansvarar för förrådet.” "
                    "”Parken behöver liv på kvällarna.” ”Laddplatser och lådcyklar att låna, inte fler "
                    "bilplatser.” Boende vill driva odlingarna och delningsförrådet själva med stöd i början."
                ),
                "boende_i_aktorsgruppen": True,
                "fortsatt_medverkan": "Boendeföreningen leder arbetsgrupperna för odling och delning.",
            },
        ),
        Do(
            "registrera_ansokan",
            Ago(70),
            {
                "syfte_och_mal": "Att det gemensamma i Sege Park drivs av dem som bor och verkar där.",
                "forvantade_resultat": (
                    "Ett delningsförråd och odlingar som boende driver, och ett mobilitetshus som används."
                ),
                "mervarde": "Byggaktörerna lämnar området när husen är klara; boende och föreningar blir kvar.",
                "atagande": [
                    commitment(
                        "Byggaktörerna i Sege Park",
                        "Inredning av delningsförrådet",
                        300_000,
                        "Lokal i gamla tvätteriet",
                    ),
                    commitment(
                        "Sege Parks boendeförening", "Drift av delningsförråd och odlingar", 0, "Ideella arbetsgrupper"
                    ),
                    commitment("Mobilitetshusets förvaltare", "Lådcyklar att låna", 90_000, "Drift och försäkring"),
                ],
                "sokt_stod": {
                    "belopp_sek": 500_000,
                    "resurser": "Samordning under två år och tillfälliga odlingslådor.",
                },
                "planerad_start": MonthStart(-2),
                "planerad_slut": MonthEnd(-25),
                "langsiktig_plan": "Efter två år tar boendeföreningen över ansvaret med en egen avgift.",
            },
        ),
        Do(
            "bedomning",
            Ago(56),
            {
                "k1": criterion("uppfyllt", "Byggaktörer, boende, föreningar och mobilitetshusets förvaltare."),
                "k2": criterion("ej_uppfyllt", "Stadsdelen är ny; upparbetade samarbeten finns ännu inte."),
                "k3": criterion("delvis", "Byggaktörernas bidrag saknar belopp och tidplan."),
                "k4": criterion("uppfyllt", "Ingen av aktörerna kan ensam ta ansvar för det gemensamma."),
                "k5": criterion("uppfyllt", "138 boende nådda; boendeföreningen leder arbetsgrupperna."),
                "rekommendation": "komplettering",
                "foreslaget_stod": "Bedöms när byggaktörernas åtagande är klart.",
            },
        ),
        Do(
            "begar_komplettering",
            Ago(55),
            {
                "begard_komplettering": (
                    "Byggaktörernas åtagande med belopp och tidplan, undertecknat av alla sju, och hur "
                    "ansvaret för delningsförrådet går över till boendeföreningen."
                ),
                "skickad_datum": ON,
            },
        ),
        Do(
            "registrera_komplettering",
            Ago(37),
            {
                "komplettering_inkommen": Workday(Ago(39)),
                "komplettering": (
                    "Byggaktörerna åtar sig att inreda delningsförrådet för 300 000 kr under första året och "
                    "att låta boendeföreningen ta över nyckel och skötsel efter sex månader. "
                    "Avsiktsförklaringen är undertecknad av alla sju."
                ),
                "kompletteringsbilagor": [
                    File("Avsiktsförklaring från byggaktörerna", "avsiktsforklaring.txt", LETTER_OF_INTENT),
                ],
            },
        ),
        Do(
            "bedomning",
            Ago(26),
            {
                "k1": criterion("uppfyllt", "Byggaktörer, boende, föreningar och mobilitetshusets förvaltare."),
                "k2": criterion(
                    "ej_uppfyllt", "Stadsdelen är ny; samarbeten med förtroendekapital hinner inte finnas ännu."
                ),
                "k3": criterion("uppfyllt", "390 000 kr och lokaler, nu skriftligt åtagna."),
                "k4": criterion("uppfyllt", "Ingen av aktörerna kan ensam ta ansvar för det gemensamma."),
                "k5": criterion("uppfyllt", "138 boende nådda; boendeföreningen leder arbetsgrupperna."),
                "rekommendation": "tillstyrk",
                "tillstyrkan_motivering": (
                    "Kriterium 2 kan inte vara uppfyllt i en stadsdel där de första hushållen just flyttat in. "
                    "Staden har tagit initiativet just för att bygga upp samarbetena, och boendeföreningen "
                    "leder arbetet. Övriga kriterier är uppfyllda."
                ),
                "foreslaget_belopp_sek": 400_000,
                "foreslaget_stod": "400 000 kr under två år och tillfälliga odlingslådor.",
                "planerat_sammantrade": MEETING,
            },
        ),
    ),
)
