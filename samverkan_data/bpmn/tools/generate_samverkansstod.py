"""Generate samverkan_data/bpmn/samverkansstod.bpmn (process model + full BPMN DI layout).

Run from the repository root:  .venv/bin/python samverkan_data/bpmn/tools/generate_samverkansstod.py

The process owner may also edit the generated file directly in the modeler; this script is
the reproducible starting point. Element ids are a contract (docs/modelling.md, the domain
brief): do not rename them.

Layout: columns left to right grouped by phase, three lanes (Kontaktperson, Nämndsekreterare,
Chef). The Kontaktperson lane has three rows: UPPER (rework and side branches), MAIN (the main
path) and LOWER (reminder branches, the second start event).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).resolve().parents[1] / "samverkansstod.bpmn"

INIT = "Initiering"
ANS = "Ansökan och bedömning"
BES = "Beslut"
SAM = "Samarbete"
GEN = "Genomförande och uppföljning"
AVS = "Avslut"

# ---------------------------------------------------------------- geometry
TASK_W, TASK_H = 120, 80
EVENT = 36
GATEWAY = 50

POOL_X, POOL_Y = 120, 40
POOL_HEADER = 30
LANE_HEADER = 30
LANES = [
    # id, name, top, height
    ("lane_kontaktperson", "Kontaktperson", POOL_Y, 560),
    ("lane_namndsekreterare", "Nämndsekreterare", POOL_Y + 560, 230),
    ("lane_chef", "Chef", POOL_Y + 790, 250),
]
POOL_H = sum(h for *_, h in LANES)
TOP_LINE = 105  # y of the highest routed loop (komplettering) and of the "all periods planned" end
UPPER, MAIN, LOWER = 215, 360, 520
NS = POOL_Y + 560 + 85
NS_LOW = NS + 100
CHEF = POOL_Y + 790 + 75
CHEF_LOW = CHEF + 95
CHEF_LOOP = CHEF + 150

# (column name, width); x of a column = its centre
COLUMNS = [
    ("start", 110), ("init_script", 160), ("registrera_initiativ", 170), ("forsta_mote", 170),
    ("tidig", 170), ("gw_boende", 110), ("rensa", 160),
    ("registrera_ansokan", 170), ("bedomning", 170), ("gw_rek", 170), ("begar", 170),
    ("reg_kompl", 180), ("utan_beslut", 110),
    ("namndbeslut", 170), ("gw_beslut", 110), ("meddela_beslut", 170), ("slut_avslag", 100),
    ("overenskommelse", 235), ("dialog", 170), ("berakna", 170),
    ("vanta", 110), ("oppna", 170), ("gw_period", 110), ("rapport", 190), ("granska", 170),
    ("gw_godkand", 110), ("rakna", 170), ("gw_alla", 120),
    ("slutrapport", 190), ("slut", 100),
]
COL_X: dict[str, float] = {}
COL_EDGE: dict[str, tuple[float, float]] = {}
_x = POOL_X + POOL_HEADER + LANE_HEADER + 10
for _name, _w in COLUMNS:
    COL_X[_name] = _x + _w / 2
    COL_EDGE[_name] = (_x, _x + _w)
    _x += _w
POOL_W = _x + 20 - POOL_X

PHASE_COLUMNS = [
    (INIT, "start", "rensa"),
    (ANS, "registrera_ansokan", "utan_beslut"),
    (BES, "namndbeslut", "slut_avslag"),
    (SAM, "overenskommelse", "berakna"),
    (GEN, "vanta", "gw_alla"),
    (AVS, "slutrapport", "slut"),
]

# ---------------------------------------------------------------- model
NODES: dict[str, dict] = {}
FLOWS: list[dict] = []
DATA_OBJECTS = {
    # id: (name, reference id, column, y)
    "godkanda_uppfoljningar": ("Godkända uppföljningar", "ref_godkanda_uppfoljningar", "rakna", TOP_LINE),
}


def node(kind, id_, name, col, y, lane="lane_kontaktperson", phase=None, **kw):
    x = COL_X[col] + kw.pop("dx", 0)
    NODES[id_] = dict(kind=kind, id=id_, name=name, x=x, y=y, lane=lane, phase=phase, **kw)
    return id_


def user(id_, name, col, y, phase, lane="lane_kontaktperson"):
    return node("userTask", id_, name, col, y, lane, phase)


def script(id_, name, col, y, code, phase, lane="lane_kontaktperson", **kw):
    return node("scriptTask", id_, name, col, y, lane, phase, script=code, **kw)


def reminder(id_, name, task, col, y, expression, phase, lane="lane_kontaktperson", dx=0):
    """A non-interrupting reminder timer on ``task``: the task's deadline (its due date)."""
    return node("boundaryEvent", id_, name, col, y, lane, phase, attached=task, cancel=False,
                timer=("timeDate", expression), action="reminder", dx=dx)


def size(n):
    k = n["kind"]
    if k in ("userTask", "scriptTask"):
        return n.get("w", TASK_W), TASK_H
    if k in ("exclusiveGateway", "parallelGateway"):
        return GATEWAY, GATEWAY
    return EVENT, EVENT


def box(id_):
    n = NODES[id_]
    w, h = size(n)
    return n["x"] - w / 2, n["y"] - h / 2, w, h


def R(id_):
    x, y, w, h = box(id_)
    return (x + w, y + h / 2)


def L(id_):
    x, y, w, h = box(id_)
    return (x, y + h / 2)


def T(id_, dx=0):
    x, y, w, h = box(id_)
    return (x + w / 2 + dx, y)


def B(id_, dx=0):
    x, y, w, h = box(id_)
    return (x + w / 2 + dx, y + h)


def flow(id_, src, tgt, points, name=None, cond=None, label=None, default=False):
    FLOWS.append(dict(id=id_, src=src, tgt=tgt, points=points, name=name, cond=cond,
                      label=label, default=default))


# --- 1. Initiering
node("startEvent", "start_aktorsinitiativ", "Aktörer kontaktar staden", "start", MAIN, phase=INIT)
node("startEvent", "start_stadsinitiativ", "Staden initierar samverkan", "start", LOWER, phase=INIT)
script("notera_aktorsinitiativ", "Notera aktörsinitiativ", "init_script", MAIN,
       'initiativ_fran = "aktorer"', INIT)
script("notera_stadsinitiativ", "Notera stadsinitiativ", "init_script", LOWER,
       'initiativ_fran = "staden"', INIT)
user("registrera_initiativ", "Registrera initiativ", "registrera_initiativ", MAIN, INIT)
user("forsta_mote", "Håll första möte", "forsta_mote", MAIN, INIT)
node("boundaryEvent", "paminnelse_forsta_mote", "14 dagar utan första möte", "forsta_mote",
     MAIN + TASK_H / 2, phase=INIT, attached="forsta_mote", cancel=False,
     timer=("timeDuration", '"P14D"'), action="reminder")
node("endEvent", "paminnelse_forsta_mote_skickad", "Påminnelse skickad", "forsta_mote", LOWER,
     phase=INIT)
user("tidig_boendeinvolvering", "Registrera tidig boendeinvolvering", "tidig", MAIN, INIT)
node("exclusiveGateway", "gw_boende_nadda", "Har boende nåtts?", "gw_boende", MAIN, phase=INIT)
script("ange_aterkoppling_boende", "Ange återkoppling: inga boende nådda", "gw_boende", UPPER,
       'aterkoppling = "Inga boende har nåtts ännu. Involvera boende från början '
       "(t.ex. boendedialog, enkät, trygghetsvandring eller möte i föreningslokal) och ange "
       'hur många som nåtts innan ansökan kan registreras och bedömas."', INIT)
script("rensa_aterkoppling", "Rensa återkoppling", "rensa", MAIN, 'aterkoppling = ""', INIT)

# --- 2. Ansökan och bedömning
user("registrera_ansokan", "Registrera ansökan", "registrera_ansokan", MAIN, ANS)
user("bedomning", "Bedöm ansökan mot kriterierna", "bedomning", MAIN, ANS)
reminder("paminnelse_bedomning", "30 dagar", "bedomning", "bedomning", MAIN + TASK_H / 2,
         'start_of_day(add_duration(today(), "P30D"))', ANS)
node("endEvent", "paminnelse_bedomning_skickad", "Påminnelse skickad", "bedomning", LOWER, phase=ANS)
node("exclusiveGateway", "gw_rekommendation", "Rekommendation?", "gw_rek", MAIN, phase=ANS)
user("meddela_avslag", "Meddela aktörerna att ansökan inte går vidare", "gw_rek", UPPER, ANS)
node("endEvent", "slut_avstyrkt", "Avstyrkt", "begar", UPPER, phase=ANS, terminate=True)
user("begar_komplettering", "Begär komplettering", "begar", MAIN, ANS)
user("registrera_komplettering", "Registrera komplettering", "reg_kompl", MAIN, ANS)
node("boundaryEvent", "paminnelse_komplettering", "30 dagar", "reg_kompl", MAIN + TASK_H / 2,
     dx=-35, phase=ANS, attached="registrera_komplettering", cancel=False,
     timer=("timeDuration", '"P30D"'), action="reminder")
node("endEvent", "paminnelse_komplettering_skickad", "Påminnelse skickad", "reg_kompl", LOWER,
     dx=-35, phase=ANS)
node("boundaryEvent", "tidsgrans_komplettering", "60 dagar", "reg_kompl", MAIN + TASK_H / 2,
     dx=35, phase=ANS, attached="registrera_komplettering", cancel=True,
     timer=("timeDuration", '"P60D"'))
node("endEvent", "slut_utan_beslut", "Avslutat utan beslut", "utan_beslut", LOWER, phase=ANS,
     terminate=True)

# --- 3. Beslut
NSL = "lane_namndsekreterare"
script("berakna_namndfrist", "Beräkna frist för nämndbeslut", "begar", NS,
       "try:\n"
       '    namndbeslut_senast = planerat_sammantrade or add_duration(today(), "P60D")\n'
       "except NameError:\n"
       '    namndbeslut_senast = add_duration(today(), "P60D")', BES, lane=NSL)
user("namndbeslut", "Registrera nämndbeslut", "namndbeslut", NS, BES, lane=NSL)
reminder("paminnelse_namndbeslut", "Planerat sammanträde", "namndbeslut", "namndbeslut",
         NS + TASK_H / 2, "start_of_day(namndbeslut_senast)", BES, lane=NSL)
node("endEvent", "paminnelse_namndbeslut_skickad", "Påminnelse skickad", "namndbeslut", NS_LOW,
     lane=NSL, phase=BES)
node("exclusiveGateway", "gw_beslut", "Beslut?", "gw_beslut", NS, lane=NSL, phase=BES)
user("meddela_beslut", "Meddela aktörerna beslutet", "meddela_beslut", NS, BES, lane=NSL)
node("endEvent", "slut_avslag", "Avslag", "slut_avslag", NS, lane=NSL, phase=BES, terminate=True)

# --- 4. Samarbete
node("userTask", "samverkansoverenskommelse", "Upprätta samverkansöverenskommelse", "overenskommelse",
     MAIN, phase=SAM, w=195)
user("dialog_med_boende", "Planera dialog med boende", "dialog", MAIN, SAM)
script("berakna_uppfoljningar", "Beräkna uppföljningsdatum", "berakna", MAIN,
       "try:\n"
       '    uppfoljningsintervall = uppfoljningsintervall or "P12M"\n'
       "except NameError:\n"
       '    uppfoljningsintervall = "P12M"\n'
       "uppfoljningar = follow_up_dates(period_start, period_slut, uppfoljningsintervall)\n"
       "antal_uppfoljningar = len(uppfoljningar)\n"
       "uppfoljning_nr = 0\n"
       "nasta_uppfoljning = uppfoljningar[0]\n"
       "period_fran = period_start\n"
       "godkanda_uppfoljningar = 0", SAM, writes=["godkanda_uppfoljningar"])

# --- 5. Genomförande och uppföljning
node("intermediateCatchEvent", "vanta_uppfoljning", "Uppföljningsdatum", "vanta",
     MAIN, phase=GEN, timer=("timeDate", "start_of_day(nasta_uppfoljning)"))
script("oppna_uppfoljning", "Öppna periodens uppföljning", "oppna", MAIN,
       "uppfoljningsdatum = nasta_uppfoljning\n"
       "uppfoljning_nr = uppfoljning_nr + 1\n"
       'rapport_senast = add_duration(uppfoljningsdatum, "P30D")\n'
       "if uppfoljning_nr < antal_uppfoljningar:\n"
       "    nasta_uppfoljning = uppfoljningar[uppfoljning_nr]\n"
       "else:\n"
       '    nasta_uppfoljning = ""', GEN)
node("parallelGateway", "gw_ny_period", "Perioden följs upp, nästa planeras", "gw_period", MAIN,
     phase=GEN)
node("exclusiveGateway", "gw_fler_uppfoljningar", "Fler uppföljningar?", "gw_period", UPPER,
     phase=GEN)
script("nasta_period", "Nästa period börjar", "oppna", UPPER, "period_fran = uppfoljningsdatum", GEN)
node("endEvent", "alla_uppfoljningar_planerade", "Alla uppföljningar planerade", "gw_period",
     TOP_LINE, phase=GEN)
user("uppfoljningsrapport", "Registrera uppföljningsrapport", "rapport", MAIN, GEN)
reminder("paminnelse_uppfoljningsrapport", "Rapporten förfaller", "uppfoljningsrapport", "rapport",
         MAIN + TASK_H / 2, "start_of_day(rapport_senast)", GEN, dx=-35)
node("endEvent", "paminnelse_rapport_skickad", "Påminnelse skickad", "rapport", LOWER, dx=-35,
     phase=GEN)
node("boundaryEvent", "eskalering_uppfoljningsrapport", "14 dagar efter förfallodag", "rapport",
     MAIN + TASK_H / 2, dx=35, phase=GEN, attached="uppfoljningsrapport", cancel=False,
     timer=("timeDate", 'start_of_day(add_duration(rapport_senast, "P14D"))'),
     action="escalation", ends_with_task=True)
CHL = "lane_chef"
user("paminn_forsenad_rapport", "Hantera försenad rapport", "granska", CHEF, GEN, lane=CHL)
node("exclusiveGateway", "gw_ny_tidsfrist", "Ny tidsfrist?", "gw_godkand", CHEF, lane=CHL,
     phase=GEN)
script("ange_ny_tidsfrist", "Ange ny tidsfrist", "rakna", CHEF, "rapport_senast = ny_tidsfrist", GEN,
       lane=CHL)
node("intermediateCatchEvent", "vanta_ny_tidsfrist", "Ny tidsfrist", "gw_alla", CHEF, lane=CHL,
     phase=GEN, timer=("timeDate", "start_of_day(rapport_senast)"), action="reminder")
node("intermediateCatchEvent", "eskalera_igen", "14 dagar efter ny tidsfrist", "slutrapport", CHEF,
     lane=CHL, phase=GEN, timer=("timeDate", 'start_of_day(add_duration(rapport_senast, "P14D"))'),
     action="escalation")
node("endEvent", "eskalering_hanterad", "Försenad rapport hanterad", "gw_godkand", CHEF_LOW,
     lane=CHL, phase=GEN)
user("granska_uppfoljning", "Granska uppföljning", "granska", MAIN, GEN)
reminder("paminnelse_granskning", "30 dagar", "granska_uppfoljning", "granska", MAIN + TASK_H / 2,
         'start_of_day(add_duration(today(), "P30D"))', GEN)
node("endEvent", "paminnelse_granskning_skickad", "Påminnelse skickad", "granska", LOWER, phase=GEN)
node("exclusiveGateway", "gw_godkand", "Godkänd?", "gw_godkand", MAIN, phase=GEN)
script("ny_frist_komplettering", "Ny frist för kompletterad rapport", "granska", UPPER,
       'rapport_senast = add_duration(today(), "P30D")', GEN)
script("rakna_godkand", "Räkna godkänd uppföljning", "rakna", MAIN,
       "godkanda_uppfoljningar = godkanda_uppfoljningar + 1\n"
       "alla_godkanda = godkanda_uppfoljningar >= antal_uppfoljningar", GEN,
       reads=["godkanda_uppfoljningar"], writes=["godkanda_uppfoljningar"])
node("exclusiveGateway", "gw_alla_godkanda", "Alla uppföljningar godkända?", "gw_alla", MAIN,
     phase=GEN)
node("endEvent", "uppfoljning_godkand", "Periodens uppföljning godkänd", "gw_alla", LOWER, phase=GEN)

# --- 6. Avslut
user("slutrapport_effektmatning", "Registrera slutrapport och effektmätning", "slutrapport", MAIN, AVS)
reminder("paminnelse_slutrapport", "60 dagar efter periodens slut", "slutrapport_effektmatning",
         "slutrapport", MAIN + TASK_H / 2, 'start_of_day(add_duration(period_slut, "P60D"))', AVS)
node("endEvent", "paminnelse_slutrapport_skickad", "Påminnelse skickad", "slutrapport", LOWER,
     phase=AVS)
node("endEvent", "slut_avslutat", "Avslutat", "slut", MAIN, phase=AVS, terminate=True)

# ---------------------------------------------------------------- flows


def straight(a, b):
    return [R(a), L(b)]


def down(a, b):
    return [B(a), T(b)]


def lbl(x, y, w=40, h=14):
    return (x, y, w, h)


flow("f_start_aktor", "start_aktorsinitiativ", "notera_aktorsinitiativ",
     straight("start_aktorsinitiativ", "notera_aktorsinitiativ"))
flow("f_start_stad", "start_stadsinitiativ", "notera_stadsinitiativ",
     straight("start_stadsinitiativ", "notera_stadsinitiativ"))
flow("f_aktor_registrera", "notera_aktorsinitiativ", "registrera_initiativ",
     straight("notera_aktorsinitiativ", "registrera_initiativ"))
flow("f_stad_registrera", "notera_stadsinitiativ", "registrera_initiativ",
     [R("notera_stadsinitiativ"), (COL_X["registrera_initiativ"], LOWER),
      B("registrera_initiativ")])
flow("f_registrera_mote", "registrera_initiativ", "forsta_mote",
     straight("registrera_initiativ", "forsta_mote"))
flow("f_paminnelse_mote", "paminnelse_forsta_mote", "paminnelse_forsta_mote_skickad",
     down("paminnelse_forsta_mote", "paminnelse_forsta_mote_skickad"))
flow("f_mote_tidig", "forsta_mote", "tidig_boendeinvolvering",
     straight("forsta_mote", "tidig_boendeinvolvering"))
flow("f_tidig_gw", "tidig_boendeinvolvering", "gw_boende_nadda",
     straight("tidig_boendeinvolvering", "gw_boende_nadda"))
gx = COL_X["gw_boende"]
flow("f_boende_ja", "gw_boende_nadda", "rensa_aterkoppling",
     straight("gw_boende_nadda", "rensa_aterkoppling"), name="Ja", cond="antal_boende > 0",
     label=lbl(gx + 30, MAIN - 22, 20))
flow("f_boende_nej", "gw_boende_nadda", "ange_aterkoppling_boende",
     [T("gw_boende_nadda"), B("ange_aterkoppling_boende")], name="Nej", default=True,
     label=lbl(gx + 6, MAIN - 60, 24))
tx = COL_X["tidig"]
flow("f_aterkoppling_tidig", "ange_aterkoppling_boende", "tidig_boendeinvolvering",
     [L("ange_aterkoppling_boende"), (tx, UPPER), T("tidig_boendeinvolvering")])
flow("f_rensa_ansokan", "rensa_aterkoppling", "registrera_ansokan",
     straight("rensa_aterkoppling", "registrera_ansokan"))
flow("f_ansokan_bedomning", "registrera_ansokan", "bedomning",
     straight("registrera_ansokan", "bedomning"))
flow("f_paminnelse_bedomning", "paminnelse_bedomning", "paminnelse_bedomning_skickad",
     down("paminnelse_bedomning", "paminnelse_bedomning_skickad"))
flow("f_bedomning_gw", "bedomning", "gw_rekommendation", straight("bedomning", "gw_rekommendation"))
rx = COL_X["gw_rek"]
flow("f_tillstyrk", "gw_rekommendation", "berakna_namndfrist",
     [B("gw_rekommendation"), (rx, NS), L("berakna_namndfrist")], name="Tillstyrk",
     cond='rekommendation == "tillstyrk"', label=lbl(rx + 8, MAIN + 40, 56))
flow("f_komplettering", "gw_rekommendation", "begar_komplettering",
     straight("gw_rekommendation", "begar_komplettering"), name="Komplettering",
     cond='rekommendation == "komplettering"', label=lbl(rx + 28, MAIN - 22, 80))
flow("f_avstyrk", "gw_rekommendation", "meddela_avslag",
     [T("gw_rekommendation"), B("meddela_avslag")], name="Avstyrk",
     cond='rekommendation == "avstyrk"', label=lbl(rx + 8, MAIN - 62, 50))
flow("f_avslag_slut", "meddela_avslag", "slut_avstyrkt", straight("meddela_avslag", "slut_avstyrkt"))
flow("f_begar_registrera", "begar_komplettering", "registrera_komplettering",
     straight("begar_komplettering", "registrera_komplettering"))
flow("f_komplettering_bedomning", "registrera_komplettering", "bedomning",
     [T("registrera_komplettering"), (COL_X["reg_kompl"], TOP_LINE),
      (COL_X["bedomning"], TOP_LINE), T("bedomning")])
flow("f_paminnelse_kompl", "paminnelse_komplettering", "paminnelse_komplettering_skickad",
     down("paminnelse_komplettering", "paminnelse_komplettering_skickad"))
bx, by = B("tidsgrans_komplettering")
flow("f_tidsgrans_kompl", "tidsgrans_komplettering", "slut_utan_beslut",
     [(bx, by), (bx, LOWER), L("slut_utan_beslut")])
flow("f_frist_namndbeslut", "berakna_namndfrist", "namndbeslut",
     straight("berakna_namndfrist", "namndbeslut"))
flow("f_paminnelse_namndbeslut", "paminnelse_namndbeslut", "paminnelse_namndbeslut_skickad",
     down("paminnelse_namndbeslut", "paminnelse_namndbeslut_skickad"))
flow("f_namndbeslut_gw", "namndbeslut", "gw_beslut", straight("namndbeslut", "gw_beslut"))
bgx = COL_X["gw_beslut"]
flow("f_beviljat", "gw_beslut", "samverkansoverenskommelse",
     [T("gw_beslut"), (bgx, MAIN), L("samverkansoverenskommelse")],
     name="Beviljat eller delvis beviljat", cond='beslut in ("beviljat", "delvis_beviljat")',
     label=lbl(bgx + 8, NS - 74, 96, 28))
flow("f_avslag", "gw_beslut", "meddela_beslut", straight("gw_beslut", "meddela_beslut"),
     name="Avslag", cond='beslut == "avslag"', label=lbl(bgx + 28, NS - 22, 40))
flow("f_meddela_slut", "meddela_beslut", "slut_avslag", straight("meddela_beslut", "slut_avslag"))
flow("f_overenskommelse_dialog", "samverkansoverenskommelse", "dialog_med_boende",
     straight("samverkansoverenskommelse", "dialog_med_boende"))
flow("f_dialog_berakna", "dialog_med_boende", "berakna_uppfoljningar",
     straight("dialog_med_boende", "berakna_uppfoljningar"))
flow("f_berakna_vanta", "berakna_uppfoljningar", "vanta_uppfoljning",
     straight("berakna_uppfoljningar", "vanta_uppfoljning"))
flow("f_vanta_oppna", "vanta_uppfoljning", "oppna_uppfoljning",
     straight("vanta_uppfoljning", "oppna_uppfoljning"))
flow("f_oppna_gw", "oppna_uppfoljning", "gw_ny_period", straight("oppna_uppfoljning", "gw_ny_period"))
flow("f_period_rapport", "gw_ny_period", "uppfoljningsrapport",
     straight("gw_ny_period", "uppfoljningsrapport"))
flow("f_period_fler", "gw_ny_period", "gw_fler_uppfoljningar",
     [T("gw_ny_period"), B("gw_fler_uppfoljningar")])
px = COL_X["gw_period"]
flow("f_fler_ja", "gw_fler_uppfoljningar", "nasta_period",
     [L("gw_fler_uppfoljningar"), R("nasta_period")], name="Ja",
     cond="uppfoljning_nr < antal_uppfoljningar", label=lbl(px - 46, UPPER - 20, 20))
flow("f_nasta_vanta", "nasta_period", "vanta_uppfoljning",
     [L("nasta_period"), (COL_X["vanta"], UPPER), T("vanta_uppfoljning")])
flow("f_fler_nej", "gw_fler_uppfoljningar", "alla_uppfoljningar_planerade",
     [T("gw_fler_uppfoljningar"), B("alla_uppfoljningar_planerade")], name="Nej", default=True,
     label=lbl(px + 6, UPPER - 58, 24))
flow("f_paminnelse_rapport", "paminnelse_uppfoljningsrapport", "paminnelse_rapport_skickad",
     down("paminnelse_uppfoljningsrapport", "paminnelse_rapport_skickad"))
ex, ey = B("eskalering_uppfoljningsrapport")
flow("f_eskalering", "eskalering_uppfoljningsrapport", "paminn_forsenad_rapport",
     [(ex, ey), (ex, CHEF), L("paminn_forsenad_rapport")])
flow("f_paminn_gw", "paminn_forsenad_rapport", "gw_ny_tidsfrist",
     straight("paminn_forsenad_rapport", "gw_ny_tidsfrist"))
tgx = COL_X["gw_godkand"]
flow("f_ny_tidsfrist", "gw_ny_tidsfrist", "ange_ny_tidsfrist",
     straight("gw_ny_tidsfrist", "ange_ny_tidsfrist"), name="Ja", cond='atgard == "ny_tidsfrist"',
     label=lbl(tgx + 28, CHEF - 22, 20))
flow("f_hanterad", "gw_ny_tidsfrist", "eskalering_hanterad",
     down("gw_ny_tidsfrist", "eskalering_hanterad"), name="Nej", default=True,
     label=lbl(tgx + 6, CHEF + 30, 24))
flow("f_ange_vanta", "ange_ny_tidsfrist", "vanta_ny_tidsfrist",
     straight("ange_ny_tidsfrist", "vanta_ny_tidsfrist"))
flow("f_vanta_eskalera", "vanta_ny_tidsfrist", "eskalera_igen",
     straight("vanta_ny_tidsfrist", "eskalera_igen"))
flow("f_eskalera_igen", "eskalera_igen", "paminn_forsenad_rapport",
     [B("eskalera_igen"), (COL_X["slutrapport"], CHEF_LOOP), (COL_X["granska"], CHEF_LOOP),
      B("paminn_forsenad_rapport")])
flow("f_rapport_granska", "uppfoljningsrapport", "granska_uppfoljning",
     straight("uppfoljningsrapport", "granska_uppfoljning"))
flow("f_paminnelse_granskning", "paminnelse_granskning", "paminnelse_granskning_skickad",
     down("paminnelse_granskning", "paminnelse_granskning_skickad"))
flow("f_granska_gw", "granska_uppfoljning", "gw_godkand", straight("granska_uppfoljning", "gw_godkand"))
kx = COL_X["gw_godkand"]
flow("f_godkand_ja", "gw_godkand", "rakna_godkand", straight("gw_godkand", "rakna_godkand"),
     name="Ja", cond="godkand", label=lbl(kx + 28, MAIN - 22, 20))
flow("f_godkand_nej", "gw_godkand", "ny_frist_komplettering",
     [T("gw_godkand"), (kx, UPPER), R("ny_frist_komplettering")], name="Nej, komplettera",
     default=True, label=lbl(kx + 6, UPPER - 30, 90))
flow("f_komplettera_rapport", "ny_frist_komplettering", "uppfoljningsrapport",
     [L("ny_frist_komplettering"), (COL_X["rapport"], UPPER), T("uppfoljningsrapport")])
flow("f_rakna_gw", "rakna_godkand", "gw_alla_godkanda", straight("rakna_godkand", "gw_alla_godkanda"))
ax = COL_X["gw_alla"]
flow("f_alla_ja", "gw_alla_godkanda", "slutrapport_effektmatning",
     straight("gw_alla_godkanda", "slutrapport_effektmatning"), name="Ja", cond="alla_godkanda",
     label=lbl(ax + 30, MAIN - 22, 20))
flow("f_alla_nej", "gw_alla_godkanda", "uppfoljning_godkand",
     down("gw_alla_godkanda", "uppfoljning_godkand"), name="Nej", default=True,
     label=lbl(ax + 6, MAIN + 40, 24))
flow("f_paminnelse_slutrapport", "paminnelse_slutrapport", "paminnelse_slutrapport_skickad",
     down("paminnelse_slutrapport", "paminnelse_slutrapport_skickad"))
flow("f_slutrapport_slut", "slutrapport_effektmatning", "slut_avslutat",
     straight("slutrapport_effektmatning", "slut_avslutat"))

# ---------------------------------------------------------------- event/gateway label placement
LABELS: dict[str, tuple[float, float, float, float]] = {}


def below(id_, w=100, h=28, dy=6, dx=0):
    x, y, bw, bh = box(id_)
    LABELS[id_] = (x + bw / 2 - w / 2 + dx, y + bh + dy, w, h)


def right_of(id_, w=90, h=28, dx=6):
    x, y, bw, bh = box(id_)
    LABELS[id_] = (x + bw + dx, y + bh / 2 - h / 2, w, h)


def boundary_label(id_, side, w=84, h=28):
    """A boundary timer's label beside it, below its task."""
    x = NODES[id_]["x"]
    y = NODES[id_]["y"] + 22
    LABELS[id_] = (x - w - 4, y, w, h) if side == "left" else (x + 22, y, w, h)


below("start_aktorsinitiativ", 90)
below("start_stadsinitiativ", 90)
boundary_label("paminnelse_forsta_mote", "left")
right_of("paminnelse_forsta_mote_skickad", 70)
LABELS["gw_boende_nadda"] = (COL_X["gw_boende"] - 45, MAIN + 30, 90, 14)
boundary_label("paminnelse_bedomning", "left", 44, 14)
right_of("paminnelse_bedomning_skickad", 70)
LABELS["gw_rekommendation"] = (COL_X["gw_rek"] - 104, MAIN + 46, 98, 14)
below("slut_avstyrkt", 60, 14)
boundary_label("paminnelse_komplettering", "left", 44, 14)
boundary_label("tidsgrans_komplettering", "right", 44, 14)
below("paminnelse_komplettering_skickad", 70)
below("slut_utan_beslut", 80)
boundary_label("paminnelse_namndbeslut", "left", 74)
right_of("paminnelse_namndbeslut_skickad", 70)
LABELS["gw_beslut"] = (COL_X["gw_beslut"] - 20, NS + 30, 40, 14)
below("slut_avslag", 40, 14)
below("vanta_uppfoljning", 90)
LABELS["gw_ny_period"] = (COL_X["gw_period"] - 50, MAIN + 30, 100, 42)
right_of("gw_fler_uppfoljningar", 70)
right_of("alla_uppfoljningar_planerade", 90)
boundary_label("paminnelse_uppfoljningsrapport", "left", 62)
boundary_label("eskalering_uppfoljningsrapport", "right", 84)
below("paminnelse_rapport_skickad", 70)
LABELS["gw_ny_tidsfrist"] = (COL_X["gw_godkand"] - 34, CHEF - 48, 68, 14)
below("vanta_ny_tidsfrist", 70, 14)
below("eskalera_igen", 90)
right_of("eskalering_hanterad", 90)
boundary_label("paminnelse_granskning", "left", 44, 14)
right_of("paminnelse_granskning_skickad", 70)
LABELS["gw_godkand"] = (COL_X["gw_godkand"] - 30, MAIN + 30, 60, 14)
LABELS["gw_alla_godkanda"] = (COL_X["gw_alla"] + 28, MAIN + 8, 90, 28)
right_of("uppfoljning_godkand", 90)
boundary_label("paminnelse_slutrapport", "left", 90)
right_of("paminnelse_slutrapport_skickad", 70)
below("slut_avslutat", 60, 14)


# ---------------------------------------------------------------- XML
def attr(v):
    return escape(str(v), {'"': "&quot;"})


def fmt(v):
    return f"{v:g}" if isinstance(v, float) else str(v)


def props_xml(n, ind):
    items = []
    if n.get("phase"):
        items.append(("phase", n["phase"]))
    if n.get("action"):
        items.append(("action", n["action"]))
    if n.get("ends_with_task"):
        items.append(("ends_with_task", "true"))
    if not items:
        return ""
    inner = "".join(
        f'{ind}    <spiffworkflow:property name="{k}" value="{attr(v)}" />\n' for k, v in items
    )
    return (f"{ind}<bpmn:extensionElements>\n{ind}  <spiffworkflow:properties>\n{inner}"
            f"{ind}  </spiffworkflow:properties>\n{ind}</bpmn:extensionElements>\n")


HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<!-- Generated by bpmn/tools/generate_samverkansstod.py -->\n"
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="Definitions_samverkansstod" targetNamespace="https://malmo.se/samverkan/bpmn" '
    'exporter="Samverkan generator" exporterVersion="1">\n'
)


def bounds(x, y, bw, bh):
    return f'<dc:Bounds x="{fmt(x)}" y="{fmt(y)}" width="{fmt(bw)}" height="{fmt(bh)}" />'


def collaboration_xml() -> str:
    out = ['  <bpmn:category id="kategori_faser">\n']
    for i, (phase, _a, _b) in enumerate(PHASE_COLUMNS, 1):
        out.append(f'    <bpmn:categoryValue id="fas_{i}" value="{attr(phase)}" />\n')
    out.append("  </bpmn:category>\n")
    out.append('  <bpmn:collaboration id="samarbete_samverkansstod">\n')
    out.append('    <bpmn:participant id="deltagare_samverkansstod" name="Samverkansstöd" '
               'processRef="samverkansstod" />\n')
    for i in range(1, len(PHASE_COLUMNS) + 1):
        out.append(f'    <bpmn:group id="grupp_fas_{i}" categoryValueRef="fas_{i}" />\n')
    out.append("  </bpmn:collaboration>\n")
    return "".join(out)


def lanes_xml() -> str:
    out = ['    <bpmn:laneSet id="roller">\n']
    for lane_id, lane_name, *_ in LANES:
        out.append(f'      <bpmn:lane id="{lane_id}" name="{attr(lane_name)}">\n')
        out.extend(f'        <bpmn:flowNodeRef>{n["id"]}</bpmn:flowNodeRef>\n'
                   for n in NODES.values() if n["lane"] == lane_id)
        out.append("      </bpmn:lane>\n")
    out.append("    </bpmn:laneSet>\n")
    return "".join(out)


def node_xml(n, incoming, outgoing, defaults) -> str:
    ind = "      "
    k = n["kind"]
    a = f'id="{n["id"]}" name="{attr(n["name"])}"'
    if k == "boundaryEvent":
        a += f' cancelActivity="{"true" if n["cancel"] else "false"}" attachedToRef="{n["attached"]}"'
    if n["id"] in defaults:
        a += f' default="{defaults[n["id"]]}"'
    if k == "scriptTask":
        a += ' scriptFormat="python"'
    out = [f"    <bpmn:{k} {a}>\n", props_xml(n, ind)]
    out.extend(f"{ind}<bpmn:incoming>{fid}</bpmn:incoming>\n" for fid in incoming[n["id"]])
    out.extend(f"{ind}<bpmn:outgoing>{fid}</bpmn:outgoing>\n" for fid in outgoing[n["id"]])
    for obj in n.get("reads", ()):
        ref = DATA_OBJECTS[obj][1]
        out.append(f'{ind}<bpmn:property id="{n["id"]}_in_{obj}" name="__targetRef_placeholder" />\n'
                   f'{ind}<bpmn:dataInputAssociation id="{n["id"]}_reads_{obj}">\n'
                   f"{ind}  <bpmn:sourceRef>{ref}</bpmn:sourceRef>\n"
                   f'{ind}  <bpmn:targetRef>{n["id"]}_in_{obj}</bpmn:targetRef>\n'
                   f"{ind}</bpmn:dataInputAssociation>\n")
    for obj in n.get("writes", ()):
        out.append(f'{ind}<bpmn:dataOutputAssociation id="{n["id"]}_writes_{obj}">\n'
                   f"{ind}  <bpmn:targetRef>{DATA_OBJECTS[obj][1]}</bpmn:targetRef>\n"
                   f"{ind}</bpmn:dataOutputAssociation>\n")
    if n.get("terminate"):
        out.append(f'{ind}<bpmn:terminateEventDefinition id="{n["id"]}_terminate" />\n')
    if n.get("timer"):
        kind, expr = n["timer"]
        out.append(f'{ind}<bpmn:timerEventDefinition id="{n["id"]}_timer">\n'
                   f'{ind}  <bpmn:{kind} xsi:type="bpmn:tFormalExpression">{escape(expr)}</bpmn:{kind}>\n'
                   f"{ind}</bpmn:timerEventDefinition>\n")
    if k == "scriptTask":
        out.append(f"{ind}<bpmn:script>{escape(n['script'])}</bpmn:script>\n")
    out.append(f"    </bpmn:{k}>\n")
    return "".join(out)


def flow_xml(f) -> str:
    a = f'id="{f["id"]}"'
    if f["name"]:
        a += f' name="{attr(f["name"])}"'
    a += f' sourceRef="{f["src"]}" targetRef="{f["tgt"]}"'
    if not f["cond"]:
        return f"    <bpmn:sequenceFlow {a} />\n"
    return (f"    <bpmn:sequenceFlow {a}>\n"
            f'      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
            f'{escape(f["cond"])}</bpmn:conditionExpression>\n'
            "    </bpmn:sequenceFlow>\n")


def process_xml() -> str:
    incoming: dict[str, list[str]] = {k: [] for k in NODES}
    outgoing: dict[str, list[str]] = {k: [] for k in NODES}
    for f in FLOWS:
        outgoing[f["src"]].append(f["id"])
        incoming[f["tgt"]].append(f["id"])
    defaults = {f["src"]: f["id"] for f in FLOWS if f["default"]}
    out = ['  <bpmn:process id="samverkansstod" name="Samverkansstöd" isExecutable="true">\n',
           lanes_xml()]
    for obj, (name, ref, _col, _y) in DATA_OBJECTS.items():
        out.append(f'    <bpmn:dataObject id="{obj}" name="{attr(name)}" />\n'
                   f'    <bpmn:dataObjectReference id="{ref}" name="{attr(name)}" dataObjectRef="{obj}" />\n')
    out.extend(node_xml(n, incoming, outgoing, defaults) for n in NODES.values())
    out.extend(flow_xml(f) for f in FLOWS)
    out.append("  </bpmn:process>\n")
    return "".join(out)


def shapes_xml() -> str:
    out = ['      <bpmndi:BPMNShape id="deltagare_samverkansstod_di" bpmnElement="deltagare_samverkansstod" '
           f'isHorizontal="true">\n        {bounds(POOL_X, POOL_Y, POOL_W, POOL_H)}\n'
           "      </bpmndi:BPMNShape>\n"]
    for lane_id, _name, top, height in LANES:
        out.append(f'      <bpmndi:BPMNShape id="{lane_id}_di" bpmnElement="{lane_id}" isHorizontal="true">\n'
                   f"        {bounds(POOL_X + POOL_HEADER, top, POOL_W - POOL_HEADER, height)}\n"
                   "      </bpmndi:BPMNShape>\n")
    for i, (phase, first, last) in enumerate(PHASE_COLUMNS, 1):
        x0 = COL_EDGE[first][0] + 3
        x1 = COL_EDGE[last][1] - 3
        gy = POOL_Y + 6
        gh = POOL_H - 12
        label = bounds(x0 + 8, gy + 6, min(x1 - x0 - 16, 7.5 * len(phase) + 10), 14)
        out.append(f'      <bpmndi:BPMNShape id="grupp_fas_{i}_di" bpmnElement="grupp_fas_{i}">\n'
                   f"        {bounds(x0, gy, x1 - x0, gh)}\n"
                   f"        <bpmndi:BPMNLabel>{label}</bpmndi:BPMNLabel>\n"
                   "      </bpmndi:BPMNShape>\n")
    for n in NODES.values():
        extra = ' isMarkerVisible="true"' if n["kind"] == "exclusiveGateway" else ""
        out.append(f'      <bpmndi:BPMNShape id="{n["id"]}_di" bpmnElement="{n["id"]}"{extra}>\n'
                   f"        {bounds(*box(n['id']))}\n")
        if n["id"] in LABELS:
            out.append(f"        <bpmndi:BPMNLabel>{bounds(*LABELS[n['id']])}</bpmndi:BPMNLabel>\n")
        out.append("      </bpmndi:BPMNShape>\n")
    return "".join(out)


DATA_W, DATA_H = 36, 50


def data_box(obj):
    _name, _ref, col, y = DATA_OBJECTS[obj]
    return COL_X[col] - DATA_W / 2, y - DATA_H / 2, DATA_W, DATA_H


def data_shapes_xml() -> str:
    out = []
    for obj, (_name, ref, _col, _y) in DATA_OBJECTS.items():
        x, y, w, h = data_box(obj)
        out.append(f'      <bpmndi:BPMNShape id="{ref}_di" bpmnElement="{ref}">\n'
                   f"        {bounds(x, y, w, h)}\n"
                   f"        <bpmndi:BPMNLabel>{bounds(x + w + 4, y + 10, 80, 28)}</bpmndi:BPMNLabel>\n"
                   "      </bpmndi:BPMNShape>\n")
    return "".join(out)


ASSOCIATION_TOP = POOL_Y + 22  # the row data associations from far away run along


def association_points(task, obj, kind):
    """Orthogonal waypoints from the data object to a task that reads it, or back from one that writes it."""
    x, y, w, h = data_box(obj)
    tx, ty, tw, th = box(task)
    if tx <= x + w / 2 <= tx + tw:  # the task is right below the data object
        dx = -8 if kind == "reads" else 8
        points = [(x + w / 2 + dx, y + h), (x + w / 2 + dx, ty)]
    else:
        points = [(x, y + 10), (x - 10, y + 10), (x - 10, ASSOCIATION_TOP), (tx + tw / 2, ASSOCIATION_TOP),
                  (tx + tw / 2, ty)]
    return points if kind == "reads" else points[::-1]


def association_edges_xml() -> str:
    out = []
    for n in NODES.values():
        for kind in ("reads", "writes"):
            for obj in n.get(kind, ()):
                out.append(f'      <bpmndi:BPMNEdge id="{n["id"]}_{kind}_{obj}_di" '
                           f'bpmnElement="{n["id"]}_{kind}_{obj}">\n')
                out.extend(f'        <di:waypoint x="{fmt(px)}" y="{fmt(py)}" />\n'
                           for px, py in association_points(n["id"], obj, kind))
                out.append("      </bpmndi:BPMNEdge>\n")
    return "".join(out)


def edges_xml() -> str:
    out = []
    for f in FLOWS:
        out.append(f'      <bpmndi:BPMNEdge id="{f["id"]}_di" bpmnElement="{f["id"]}">\n')
        out.extend(f'        <di:waypoint x="{fmt(px)}" y="{fmt(py)}" />\n' for px, py in f["points"])
        if f["label"]:
            out.append(f"        <bpmndi:BPMNLabel>{bounds(*f['label'])}</bpmndi:BPMNLabel>\n")
        out.append("      </bpmndi:BPMNEdge>\n")
    return "".join(out)


def build() -> str:
    return "".join([
        HEADER,
        collaboration_xml(),
        process_xml(),
        '  <bpmndi:BPMNDiagram id="diagram_samverkansstod">\n',
        '    <bpmndi:BPMNPlane id="plan_samverkansstod" bpmnElement="samarbete_samverkansstod">\n',
        shapes_xml(),
        data_shapes_xml(),
        edges_xml(),
        association_edges_xml(),
        "    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n",
    ])


def check_orthogonal() -> None:
    for f in FLOWS:
        pts = f["points"]
        for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
            if x1 != x2 and y1 != y2:
                raise SystemExit(f"flow {f['id']} is not orthogonal: {(x1, y1)} -> {(x2, y2)}")


if __name__ == "__main__":
    check_orthogonal()
    OUT.write_text(build(), encoding="utf-8")
    print(f"wrote {OUT}")
