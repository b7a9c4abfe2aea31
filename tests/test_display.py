"""The display layer shows stored values as people read them, never as their codes."""

from __future__ import annotations

import pytest

from engine.forms import FormLibrary
from web import display

INTERVAL = FormLibrary().schema("namndbeslut")["properties"]["uppfoljningsintervall"]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("P3M", "Kvartal"), ("P6M", "Halvår"), ("P12M", "År"), ("P1Y", "År"), ("P18M", "Var 18:e månad"),
     ("P1M", "Varje månad")],
)  # fmt: skip
def test_a_follow_up_interval_is_shown_as_the_choice_it_was_made_with(stored: str, shown: str) -> None:
    form = {"properties": {"uppfoljningsintervall": INTERVAL}}
    [entry] = display.describe(form, {"uppfoljningsintervall": stored}, {})
    assert (entry.label, entry.text) == ("Uppföljningsintervall", shown)
