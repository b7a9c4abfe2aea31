"""The statistics over cases walked through the real model, against figures worked out by hand.

Five cases, all but E started on 2027-03-01 (the test clock):
A  actors, Rosengård: applied 250 000, 64 residents, nämnd 2027-03-15 partly grants 200 000 for
   2027-04-01 – 2028-04-01 every 6 months. Report 1 in 2027-10-01 (due 2027-11-01: on time,
   80 000 used, 300 + 40 residents and 21 from associations); report 2 (due 2028-05-03) first in
   2028-05-10 (late), sent back, sent again (100 000 used, 200 residents) and approved; final report.
B  the city, Sofielund: applied 90 000, 30 residents, nämnd 2027-04-20 says avslag; ended.
C  actors, Sofielund: applied 40 000, 12 residents, advised against (avstyrk); ended.
D  actors, Rosengård: applied 60 000, 25 residents, nämnd 2027-03-29 grants 50 000 from
   2027-04-01 every 6 months; neither report in by 2028-05-10: both late.
E  actors, Rosengård, started 2028-05-10: only its initiative registered.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from sqlalchemy import delete, select

from engine import schema, statistics
from tests.document_case import (
    APPLICATION,
    DECISION,
    FIRST_REPORT,
    INDICATORS,
    INITIATIVE,
    SECOND_REPORT,
    decided_case,
)
from tests.http import ApiClient
from tests.samverkansstod import INITIERING, Driver

ROSENGARD, SOFIELUND = "rosengard", "sofielund"


def _case_a(drive: Driver) -> int:
    case_id = decided_case(drive)  # sammantradesdatum from the sample data: 2027-03-15
    drive.move_to("2027-10-01T08:00")
    drive.complete(case_id, "uppfoljningsrapport", **FIRST_REPORT)
    drive.complete(case_id, "granska_uppfoljning", godkand=True)
    return case_id


def _finish_a(drive: Driver, case_id: int) -> None:
    drive.complete(case_id, "uppfoljningsrapport", **{**SECOND_REPORT, "budgetutfall_sek": 1})
    drive.complete(case_id, "granska_uppfoljning", godkand=False, kommentar="Budgetutfallet saknas.")
    drive.complete(case_id, "uppfoljningsrapport", **SECOND_REPORT)
    drive.complete(case_id, "granska_uppfoljning", godkand=True)
    drive.complete(case_id, "slutrapport_effektmatning")


def _to_assessment(drive: Driver, start: str, area: str, residents: int, applied: int) -> int:
    case_id = drive.start(start)
    drive.complete(case_id, "registrera_initiativ", **{**INITIATIVE, "omrade": area})
    drive.complete(case_id, "forsta_mote")
    drive.complete(case_id, "tidig_boendeinvolvering", antal_boende=residents)
    drive.complete(case_id, "registrera_ansokan", **{**APPLICATION, "sokt_stod": {"belopp_sek": applied}})
    return case_id


def _walk_five(drive: Driver) -> dict[str, int]:
    b = _to_assessment(drive, "start_stadsinitiativ", SOFIELUND, 30, 90_000)
    drive.complete(b, "bedomning", rekommendation="tillstyrk")
    drive.complete(b, "namndbeslut", beslut="avslag", sammantradesdatum="2027-04-20", beviljat_belopp_sek=10)
    drive.complete(b, "meddela_beslut")
    c = _to_assessment(drive, "start_aktorsinitiativ", SOFIELUND, 12, 40_000)
    drive.complete(c, "bedomning", rekommendation="avstyrk")
    drive.complete(c, "meddela_avslag")
    d = _to_assessment(drive, "start_aktorsinitiativ", ROSENGARD, 25, 60_000)
    drive.complete(d, "bedomning", rekommendation="tillstyrk")
    drive.complete(
        d,
        "namndbeslut",
        **{**DECISION, "beslut": "beviljat", "beviljat_belopp_sek": 50_000, "sammantradesdatum": "2027-03-29"},
    )
    drive.complete(d, "samverkansoverenskommelse", indikatorer=INDICATORS)
    drive.complete(d, "dialog_med_boende")
    a = _case_a(drive)
    drive.move_to("2028-05-10T09:00")
    _finish_a(drive, a)
    e = drive.start()
    drive.complete(e, "registrera_initiativ", **{**INITIATIVE, "omrade": ROSENGARD})
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


def _essentials(figures: dict[str, Any]) -> dict[str, Any]:
    return {key: figures[key] for key in ("cases", "decisions", "sek", "residents_reached", "participants")} | {
        "median_days": figures["median_days"],
        "reports": figures["reports"],
    }


ALL = {
    "cases": {
        "total": 5,
        "active": 2,  # D and E
        "by_start_event": {"start_aktorsinitiativ": 4, "start_stadsinitiativ": 1},
        "by_end_event": {"slut_avslag": 1, "slut_avslutat": 1, "slut_avstyrkt": 1},
    },
    "decisions": {"avslag": 1, "beviljat": 1, "delvis_beviljat": 1},
    # applied 250 000 + 90 000 + 40 000 + 60 000; granted 200 000 + 0 (avslag) + 50 000; used 80 000 + 100 000
    "sek": {"applied": 440_000, "granted": 250_000, "used": 180_000},
    "residents_reached": 131,  # 64 + 30 + 12 + 25
    "participants": {"total": 561, "by_target_group": {"boende": 540, "foreningsliv": 21}},
    # to decision: A 14 days, B 50, D 28; decision to first report: A 2027-03-15 -> 2027-10-01
    "median_days": {"first_contact_to_decision": 28.0, "decision_to_first_report": 200.0},
    # due: A's two, D's two; late: A's second and both of D's
    "reports": {"due": 4, "late": 3, "late_share": 0.75},
}
ROSENGARD_ONLY = {
    "cases": {
        "total": 3,
        "active": 2,
        "by_start_event": {"start_aktorsinitiativ": 3},
        "by_end_event": {"slut_avslutat": 1},
    },
    "decisions": {"beviljat": 1, "delvis_beviljat": 1},
    "sek": {"applied": 310_000, "granted": 250_000, "used": 180_000},
    "residents_reached": 89,
    "participants": ALL["participants"],
    "median_days": {"first_contact_to_decision": 21.0, "decision_to_first_report": 200.0},
    "reports": ALL["reports"],
}
YEAR_2028 = {
    "cases": {"total": 1, "active": 1, "by_start_event": {"start_aktorsinitiativ": 1}, "by_end_event": {}},
    "decisions": {},
    "sek": {"applied": 0, "granted": 0, "used": 0},
    "residents_reached": 0,
    "participants": {"total": 0, "by_target_group": {}},
    "median_days": {"first_contact_to_decision": None, "decision_to_first_report": None},
    "reports": {"due": 0, "late": 0, "late_share": None},
}


def test_statistics_match_the_figures_worked_out_by_hand(drive: Driver) -> None:
    _walk_five(drive)
    engine = drive.engine
    everything = statistics.figures(engine)
    assert _essentials(everything) == ALL
    assert _essentials(statistics.figures(engine, area=ROSENGARD)) == ROSENGARD_ONLY
    assert _essentials(statistics.figures(engine, year=2028)) == YEAR_2028
    assert statistics.figures(engine, year=2027)["cases"]["total"] == 4
    assert everything["years"] == [2028, 2027] and everything["areas"] == [ROSENGARD, SOFIELUND]
    per_year = {row["year"]: row["cases"]["total"] for row in everything["by_year"]}
    assert per_year == {2027: 4, 2028: 1}
    cells = {(row["year"], row["area"]): row["sek"]["applied"] for row in everything["by_year_area"]}
    assert cells == {(2027, ROSENGARD): 310_000, (2027, SOFIELUND): 130_000, (2028, ROSENGARD): 0}


def test_the_migration_backfills_the_same_figures(drive: Driver) -> None:
    _walk_five(drive)
    engine = drive.engine
    before = statistics.figures(engine)
    f = schema.case_figures
    with engine.db.begin() as conn:
        stored = sorted(tuple(r) for r in conn.execute(select(f).order_by(f.c.case_id)))
        conn.execute(delete(f))
    assert _essentials(statistics.figures(engine))["sek"] == {"applied": 0, "granted": 0, "used": 0}
    migration = importlib.import_module("engine.migrations.versions.0012_figures")
    with engine.db.begin() as conn:
        migration._backfill(conn)
    assert statistics.figures(engine) == before
    with engine.db.connect() as conn:
        again = [r._mapping for r in conn.execute(select(f).order_by(f.c.case_id))]
    assert [{k: v for k, v in r.items() if k != "updated_at"} for r in again] == [
        {k: v for k, v in zip(f.c.keys(), row, strict=True) if k != "updated_at"} for row in stored
    ]


def test_a_case_without_figures_steps_has_no_row(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, *INITIERING[:2])
    with drive.engine.db.connect() as conn:
        assert conn.execute(select(schema.case_figures).where(schema.case_figures.c.case_id == case_id)).first() is None
    assert statistics.figures(drive.engine)["cases"]["total"] == 1


def test_the_api_answers_the_same_figures_to_managers_only(drive: Driver, api: ApiClient) -> None:
    _walk_five(drive)
    chef = api.as_user("cecilia", "chef")
    answer = chef.get("/statistics?area=rosengard")
    assert answer.status == 200
    assert _essentials(answer.body) == ROSENGARD_ONLY
    assert answer.body == json.loads(json.dumps(statistics.figures(drive.engine, area=ROSENGARD)))
    assert _essentials(api.as_user("ada", "admin").get("/statistics?year=2028").body) == YEAR_2028
    assert api.as_user("kim", "kontaktperson").get("/statistics").status == 403
    assert api.get("/statistics").status == 401
    bad = chef.get("/statistics?year=tjugo&area=atlantis")
    assert bad.status == 422
    assert {d["field"] for d in bad.body["error"]["details"]} == {"year", "area"}
