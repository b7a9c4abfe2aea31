"""Generate bpmn/samverkansstod.bpmn (process model + full BPMN DI layout).

Run from the repository root:  .venv/bin/python bpmn/tools/generate_samverkansstod.py

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
    ("lane_kontaktperson", "Kontaktperson", POOL_Y, 540),
    ("lane_namndsekreterare", "Nämndsekreterare", POOL_Y + 540, 170),
    ("lane_chef", "Chef", POOL_Y + 710, 150),
]
POOL_H = sum(h for *_, h in LANES)
TOP_LINE = 105  # y of the highest routed loop (komplettering, "no follow-up")
UPPER, MAIN, LOWER = 200, 350, 505
NS = POOL_Y + 540 + 85
CHEF = POOL_Y + 710 + 75

# (column name, width); x of a column = its centre
COLUMNS = [
    ("start", 110), ("init_script", 160), ("registrera_initiativ", 170), ("forsta_mote", 170),
    ("tidig", 170), ("gw_boende", 110), ("rensa", 160),
    ("registrera_ansokan", 170), ("bedomning", 170), ("gw_rek", 170), ("begar", 170),
    ("reg_kompl", 180), ("utan_beslut", 110),
    ("namndbeslut", 170), ("gw_beslut", 110), ("meddela_beslut", 170), ("slut_avslag", 100),
    ("overenskommelse", 235), ("dialog", 170), ("berakna_forsta", 160), ("gw_forsta", 110),
    ("vanta", 110), ("rapport_senast", 160), ("rapport", 190), ("granska", 170),
    ("gw_godkand", 110), ("berakna_nasta", 160), ("gw_fler", 120),
    ("slutrapport", 180), ("slut", 100),
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
    (SAM, "overenskommelse", "gw_forsta"),
    (GEN, "vanta", "gw_fler"),
    (AVS, "slutrapport", "slut"),
]

# ---------------------------------------------------------------- model
NODES: dict[str, dict] = {}
FLOWS: list[dict] = []


def node(kind, id_, name, col, y, lane="lane_kontaktperson", phase=None, **kw):
    x = COL_X[col] + kw.pop("dx", 0)
    NODES[id_] = dict(kind=kind, id=id_, name=name, x=x, y=y, lane=lane, phase=phase, **kw)
    return id_


def user(id_, name, col, y, phase, lane="lane_kontaktperson"):
    return node("userTask", id_, name, col, y, lane, phase)


def script(id_, name, col, y, code, phase, lane="lane_kontaktperson"):
    return node("scriptTask", id_, name, col, y, lane, phase, script=code)


def size(n):
    k = n["kind"]
    if k in ("userTask", "scriptTask"):
        return n.get("w", TASK_W), TASK_H
    if k == "exclusiveGateway":
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
user("forsta_mote", "Första möte", "forsta_mote", MAIN, INIT)
node("boundaryEvent", "paminnelse_forsta_mote", "14 dagar utan första möte", "forsta_mote",
     MAIN + TASK_H / 2, phase=INIT, attached="forsta_mote", cancel=False,
     timer=("timeDuration", '"P14D"'), action="reminder")
node("endEvent", "paminnelse_forsta_mote_skickad", "Påminnelse skickad", "forsta_mote", LOWER,
     phase=INIT)
user("tidig_boendeinvolvering", "Tidig boendeinvolvering", "tidig", MAIN, INIT)
node("exclusiveGateway", "gw_boende_nadda", "Har boende nåtts?", "gw_boende", MAIN, phase=INIT)
script("ange_aterkoppling_boende", "Ange återkoppling: inga boende nådda", "gw_boende", UPPER,
       'aterkoppling = "Inga boende har nåtts ännu. Involvera boende från början '
       "(t.ex. boendedialog, enkät, trygghetsvandring eller möte i föreningslokal) och ange "
       'hur många som nåtts innan ansökan kan registreras och bedömas."', INIT)
script("rensa_aterkoppling", "Rensa återkoppling", "rensa", MAIN, 'aterkoppling = ""', INIT)

# --- 2. Ansökan och bedömning
user("registrera_ansokan", "Registrera ansökan", "registrera_ansokan", MAIN, ANS)
user("bedomning", "Bedöma ansökan mot kriterierna", "bedomning", MAIN, ANS)
node("exclusiveGateway", "gw_rekommendation", "Rekommendation?", "gw_rek", MAIN, phase=ANS)
user("meddela_avslag", "Meddela avstyrkan till aktörerna", "gw_rek", UPPER, ANS)
node("endEvent", "slut_avstyrkt", "Avstyrkt", "begar", UPPER, phase=ANS)
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
node("endEvent", "slut_utan_beslut", "Avslutat utan beslut", "utan_beslut", LOWER, phase=ANS)

# --- 3. Beslut
NSL = "lane_namndsekreterare"
user("namndbeslut", "Registrera nämndbeslut", "namndbeslut", NS, BES, lane=NSL)
node("exclusiveGateway", "gw_beslut", "Beslut?", "gw_beslut", NS, lane=NSL, phase=BES)
user("meddela_beslut", "Meddela beslut", "meddela_beslut", NS, BES, lane=NSL)
node("endEvent", "slut_avslag", "Avslag", "slut_avslag", NS, lane=NSL, phase=BES)

# --- 4. Samarbete
node("userTask", "samverkansoverenskommelse", "Samverkansöverenskommelse", "overenskommelse",
     MAIN, phase=SAM, w=195)
user("dialog_med_boende", "Planera dialog med boende", "dialog", MAIN, SAM)
script("berakna_forsta_uppfoljning", "Beräkna första uppföljning", "berakna_forsta", MAIN,
       "try:\n"
       '    uppfoljningsintervall = uppfoljningsintervall or "P12M"\n'
       "except NameError:\n"
       '    uppfoljningsintervall = "P12M"\n'
       "nasta_uppfoljning = add_duration(period_start, uppfoljningsintervall)\n"
       "antal_uppfoljningar = 0", SAM)
node("exclusiveGateway", "gw_forsta_uppfoljning", "Uppföljning inom perioden?", "gw_forsta",
     MAIN, phase=SAM)

# --- 5. Genomförande och uppföljning
node("intermediateCatchEvent", "vanta_uppfoljning", "Vänta till uppföljningsdatum", "vanta",
     MAIN, phase=GEN, timer=("timeDate", "start_of_day(nasta_uppfoljning)"))
script("berakna_rapport_senast", "Beräkna sista dag för rapport", "rapport_senast", MAIN,
       'rapport_senast = add_duration(nasta_uppfoljning, "P30D")', GEN)
user("uppfoljningsrapport", "Registrera uppföljningsrapport", "rapport", MAIN, GEN)
node("boundaryEvent", "paminnelse_uppfoljningsrapport", "Rapporten förfaller", "rapport",
     MAIN + TASK_H / 2, dx=-35, phase=GEN, attached="uppfoljningsrapport", cancel=False,
     timer=("timeDate", "start_of_day(rapport_senast)"), action="reminder")
node("endEvent", "paminnelse_rapport_skickad", "Påminnelse skickad", "rapport", LOWER, dx=-35,
     phase=GEN)
node("boundaryEvent", "eskalering_uppfoljningsrapport", "14 dagar efter förfallodag", "rapport",
     MAIN + TASK_H / 2, dx=35, phase=GEN, attached="uppfoljningsrapport", cancel=False,
     timer=("timeDate", 'start_of_day(add_duration(rapport_senast, "P14D"))'),
     action="escalation")
user("paminn_forsenad_rapport", "Påminn om försenad rapport", "granska", CHEF, GEN,
     lane="lane_chef")
node("endEvent", "eskalering_hanterad", "Försenad rapport hanterad", "gw_godkand", CHEF,
     lane="lane_chef", phase=GEN)
user("granska_uppfoljning", "Granska uppföljning", "granska", MAIN, GEN)
node("exclusiveGateway", "gw_godkand", "Godkänd?", "gw_godkand", MAIN, phase=GEN)
script("berakna_nasta_uppfoljning", "Beräkna nästa uppföljning", "berakna_nasta", MAIN,
       "nasta_uppfoljning = add_duration(nasta_uppfoljning, uppfoljningsintervall)\n"
       "antal_uppfoljningar = antal_uppfoljningar + 1", GEN)
node("exclusiveGateway", "gw_fler_uppfoljningar", "Fler uppföljningar inom perioden?", "gw_fler",
     MAIN, phase=GEN)

# --- 6. Avslut
user("slutrapport_effektmatning", "Slutrapport och effektmätning", "slutrapport", MAIN, AVS)
node("endEvent", "slut_avslutat", "Avslutat", "slut", MAIN, phase=AVS)

# ---------------------------------------------------------------- flows


def straight(a, b):
    return [R(a), L(b)]


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
     [B("paminnelse_forsta_mote"), T("paminnelse_forsta_mote_skickad")])
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
flow("f_bedomning_gw", "bedomning", "gw_rekommendation", straight("bedomning", "gw_rekommendation"))
rx = COL_X["gw_rek"]
flow("f_tillstyrk", "gw_rekommendation", "namndbeslut",
     [B("gw_rekommendation"), (rx, NS), L("namndbeslut")], name="Tillstyrk",
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
     [B("paminnelse_komplettering"), T("paminnelse_komplettering_skickad")])
bx, by = B("tidsgrans_komplettering")
flow("f_tidsgrans_kompl", "tidsgrans_komplettering", "slut_utan_beslut",
     [(bx, by), (bx, LOWER), L("slut_utan_beslut")])
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
flow("f_dialog_berakna", "dialog_med_boende", "berakna_forsta_uppfoljning",
     straight("dialog_med_boende", "berakna_forsta_uppfoljning"))
flow("f_berakna_gw", "berakna_forsta_uppfoljning", "gw_forsta_uppfoljning",
     straight("berakna_forsta_uppfoljning", "gw_forsta_uppfoljning"))
fx = COL_X["gw_forsta"]
flow("f_forsta_ja", "gw_forsta_uppfoljning", "vanta_uppfoljning",
     straight("gw_forsta_uppfoljning", "vanta_uppfoljning"), name="Ja",
     cond="nasta_uppfoljning <= period_slut", label=lbl(fx + 28, MAIN - 22, 20))
flow("f_forsta_nej", "gw_forsta_uppfoljning", "slutrapport_effektmatning",
     [T("gw_forsta_uppfoljning"), (fx, TOP_LINE), (COL_X["slutrapport"], TOP_LINE),
      T("slutrapport_effektmatning")], name="Nej", default=True,
     label=lbl(fx + 6, MAIN - 62, 24))
flow("f_vanta_berakna", "vanta_uppfoljning", "berakna_rapport_senast",
     straight("vanta_uppfoljning", "berakna_rapport_senast"))
flow("f_senast_rapport", "berakna_rapport_senast", "uppfoljningsrapport",
     straight("berakna_rapport_senast", "uppfoljningsrapport"))
flow("f_paminnelse_rapport", "paminnelse_uppfoljningsrapport", "paminnelse_rapport_skickad",
     [B("paminnelse_uppfoljningsrapport"), T("paminnelse_rapport_skickad")])
ex, ey = B("eskalering_uppfoljningsrapport")
flow("f_eskalering", "eskalering_uppfoljningsrapport", "paminn_forsenad_rapport",
     [(ex, ey), (ex, CHEF), L("paminn_forsenad_rapport")])
flow("f_paminn_slut", "paminn_forsenad_rapport", "eskalering_hanterad",
     straight("paminn_forsenad_rapport", "eskalering_hanterad"))
flow("f_rapport_granska", "uppfoljningsrapport", "granska_uppfoljning",
     straight("uppfoljningsrapport", "granska_uppfoljning"))
flow("f_granska_gw", "granska_uppfoljning", "gw_godkand", straight("granska_uppfoljning", "gw_godkand"))
kx = COL_X["gw_godkand"]
LOOP_GODKAND = MAIN - TASK_H / 2 - 40
LOOP_FLER = UPPER
flow("f_godkand_ja", "gw_godkand", "berakna_nasta_uppfoljning",
     straight("gw_godkand", "berakna_nasta_uppfoljning"), name="Ja", cond="godkand",
     label=lbl(kx + 28, MAIN - 22, 20))
flow("f_godkand_nej", "gw_godkand", "uppfoljningsrapport",
     [T("gw_godkand"), (kx, LOOP_GODKAND), (COL_X["rapport"], LOOP_GODKAND),
      T("uppfoljningsrapport")], name="Nej, komplettera", default=True,
     label=lbl(kx + 6, LOOP_GODKAND + 2, 90))
flow("f_nasta_gw", "berakna_nasta_uppfoljning", "gw_fler_uppfoljningar",
     straight("berakna_nasta_uppfoljning", "gw_fler_uppfoljningar"))
lx = COL_X["gw_fler"]
flow("f_fler_ja", "gw_fler_uppfoljningar", "vanta_uppfoljning",
     [T("gw_fler_uppfoljningar"), (lx, LOOP_FLER), (COL_X["vanta"], LOOP_FLER),
      T("vanta_uppfoljning")], name="Ja", cond="nasta_uppfoljning <= period_slut",
     label=lbl(lx + 6, LOOP_FLER + 4, 20))
flow("f_fler_nej", "gw_fler_uppfoljningar", "slutrapport_effektmatning",
     straight("gw_fler_uppfoljningar", "slutrapport_effektmatning"), name="Nej", default=True,
     label=lbl(lx + 30, MAIN - 22, 24))
flow("f_slutrapport_slut", "slutrapport_effektmatning", "slut_avslutat",
     straight("slutrapport_effektmatning", "slut_avslutat"))

# ---------------------------------------------------------------- event/gateway label placement
LABELS: dict[str, tuple[float, float, float, float]] = {}


def below(id_, w=100, h=28, dy=6, dx=0):
    x, y, bw, bh = box(id_)
    LABELS[id_] = (x + bw / 2 - w / 2 + dx, y + bh + dy, w, h)


def above(id_, w=100, h=28, dy=6, dx=0):
    x, y, bw, bh = box(id_)
    LABELS[id_] = (x + bw / 2 - w / 2 + dx, y - dy - h, w, h)


def right_of(id_, w=90, h=28, dx=6):
    x, y, bw, bh = box(id_)
    LABELS[id_] = (x + bw + dx, y + bh / 2 - h / 2, w, h)


def left_of(id_, w=90, h=28, dx=6):
    x, y, bw, bh = box(id_)
    LABELS[id_] = (x - dx - w, y + bh / 2 - h / 2, w, h)


below("start_aktorsinitiativ", 90)
below("start_stadsinitiativ", 90)
left_of("paminnelse_forsta_mote", 80, 28, 4)
LABELS["paminnelse_forsta_mote"] = (COL_X["forsta_mote"] - 94, MAIN + 62, 84, 28)
right_of("paminnelse_forsta_mote_skickad", 70)
below("gw_boende_nadda", 90, 14, dy=8)
LABELS["gw_boende_nadda"] = (COL_X["gw_boende"] - 45, MAIN + 30, 90, 14)
LABELS["gw_rekommendation"] = (COL_X["gw_rek"] - 104, MAIN + 46, 98, 14)
below("slut_avstyrkt", 60, 14)
LABELS["paminnelse_komplettering"] = (NODES["paminnelse_komplettering"]["x"] - 66, MAIN + 62, 44, 14)
LABELS["tidsgrans_komplettering"] = (NODES["tidsgrans_komplettering"]["x"] + 22, MAIN + 62, 44, 14)
below("paminnelse_komplettering_skickad", 70)
below("slut_utan_beslut", 80)
LABELS["gw_beslut"] = (COL_X["gw_beslut"] - 20, NS + 30, 40, 14)
below("slut_avslag", 40, 14)
LABELS["gw_forsta_uppfoljning"] = (COL_X["gw_forsta"] - 50, MAIN + 30, 100, 28)
below("vanta_uppfoljning", 90)
LABELS["paminnelse_uppfoljningsrapport"] = (NODES["paminnelse_uppfoljningsrapport"]["x"] - 84, MAIN + 58, 62, 28)
LABELS["eskalering_uppfoljningsrapport"] = (NODES["eskalering_uppfoljningsrapport"]["x"] + 22, MAIN + 58, 84, 28)
below("paminnelse_rapport_skickad", 70)
below("eskalering_hanterad", 90)
LABELS["gw_godkand"] = (COL_X["gw_godkand"] - 30, MAIN + 30, 60, 14)
LABELS["gw_fler_uppfoljningar"] = (COL_X["gw_fler"] - 55, MAIN + 30, 110, 28)
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
        edges_xml(),
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
