"""Östervärn/Kirseberg: started by the city around the new station; no resident has been reached
yet, so the early involvement came back with the process's feedback and is being redone."""

from __future__ import annotations

from samverkan_cli.demo_cases.common import KONTAKTPERSON, STADSINITIATIV, actor, person, phone
from samverkan_cli.demo_plan import ON, Ago, DemoCase, Do, Draft, Workday

CASE = DemoCase(
    title="Östervärn/Kirseberg",
    area="ostervarn",
    start_event=STADSINITIATIV,
    started=Ago(46),
    expected=frozenset({"tidig_boendeinvolvering"}),
    steps=(
        Do(
            "registrera_initiativ",
            Ago(46),
            {
                "aktorer": [
                    actor("Fastighetsägare kring Östervärns station", "fastighetsagare", f"Förvaltaren, {phone(90)}"),
                    actor("Kirsebergs företagarförening", "foretag", f"Ordföranden, {phone(91)}"),
                    actor("Kirsebergs hembygdsförening", "forening", f"Sekreteraren, {phone(92)}"),
                ],
                "omrade": "ostervarn",
                "plats": "Stationsområdet vid Östervärn och gångvägen upp mot Kirsebergstorg",
                "ide": (
                    "Staden tar initiativ till samverkan kring den nya stationen: en trygg och trevlig väg "
                    "mellan stationen och Kirsebergstorg, cykelparkering och lokaler för småföretag."
                ),
            },
        ),
        Do(
            "forsta_mote",
            Ago(34),
            {
                "mote_datum": ON,
                "deltagare": [
                    KONTAKTPERSON,
                    person("Ulf Hansson", "Kirsebergs företagarförening"),
                    person("Eva Bengtsson", "Kirsebergs hembygdsförening"),
                    person("Sofia Karlsson", "Fastighetsägare kring Östervärns station"),
                ],
                "process_och_kriterier_forklarade": True,
                "anteckningar": (
                    "Gruppen saknar boende. Vi förklarade att boende måste ha involverats innan en ansökan kan "
                    "bedömas; fastighetsägarna skickar en enkät till sina hyresgäster."
                ),
            },
        ),
        Do(
            "tidig_boendeinvolvering",
            Ago(12),
            {
                "metoder": ["enkat"],
                "involvering_datum": Ago(19),
                "antal_boende": 0,
                "boendes_behov_och_forslag": (
                    "Inga svar ännu: enkäten delades ut i brevlådorna men svarstiden har inte gått ut."
                ),
                "boende_i_aktorsgruppen": False,
                "fortsatt_medverkan": (
                    "En trygghetsvandring kvällstid och ett möte i hembygdsföreningens lokal planeras."
                ),
            },
        ),
        Draft(
            "tidig_boendeinvolvering",
            Ago(5),
            {
                "metoder": ["enkat", "trygghetsvandring"],
                "involvering_datum": Workday(Ago(7)),
                "boendes_behov_och_forslag": (
                    "Enkätsvaren sammanställs. Vid trygghetsvandringen sa boende: ”Tunneln under banan är "
                    "mörk och full av klotter.” ”Vi vill kunna gå till stationen utan att gå längs Kirsebergsgatan.”"
                ),
                "boende_i_aktorsgruppen": False,
                "fortsatt_medverkan": "Boende som var med på vandringen bjuds in till nästa möte i gruppen.",
            },
        ),
    ),
)
