"""The compiled form check (fastjsonschema) says yes exactly where the full validator finds nothing wrong.

`FormLibrary.errors` answers "no errors" from the compiled check alone when it accepts the data,
so a yes from it where jsonschema would complain would let bad data into a case. Hypothesis
builds data for every bundled form from the form's own fields: valid values, values just off
(an impossible date, a number below the minimum, a value outside the choices, an empty text),
wrong types, missing and extra fields, for the full form and for a draft's partial check.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.forms import FORMS_DIR, FormLibrary
from samverkan_cli.sample import sample_data

LIBRARY = FormLibrary()
FORMS = sorted(path.stem for path in FORMS_DIR.glob("*.json"))

_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=5),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(0, 2), max_size=2),
)
_DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2026-02-30", "2026-13-01", "2026-1-1", "20260101", "2026-02-29", "2028-02-29", ""]),
)


def _value(spec: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for one field: mostly what its schema asks for or just off it, sometimes anything."""
    if not isinstance(spec, dict) or depth > 3:
        return _JUNK
    options: list[st.SearchStrategy[Any]] = [_JUNK]
    if "enum" in spec:
        options += [st.sampled_from(spec["enum"]), st.sampled_from(spec["enum"]), st.just("något_annat")]
    if "const" in spec:
        options += [st.just(spec["const"]), st.just(spec["const"])]
    kind = spec.get("type")
    if kind == "string":
        options.append(_DATES if spec.get("format") == "date" else st.text(max_size=12))
        options.append(st.just(""))
    if kind in ("integer", "number"):
        low, high = spec.get("minimum", -10), spec.get("maximum", 10**9)
        options += [st.integers(int(low) - 2, int(min(high, low + 10**6)) + 2), st.floats(-5, 10**6)]
    if kind == "boolean":
        options += [st.booleans(), st.booleans()]
    if kind == "array":
        options.append(st.lists(_value(spec.get("items", {}), depth + 1), max_size=3))
    if kind == "object" or "properties" in spec:
        options.append(_object(spec, depth + 1))
    return st.one_of(*options)


def _object(spec: dict[str, Any], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: _value(field, depth) for name, field in spec.get("properties", {}).items()}
    extra = st.dictionaries(st.sampled_from(["okänt_fält", "x"]), _JUNK, max_size=1)
    # Most fields present, some missing: required rules and conditional rules both get exercised.
    return st.tuples(
        st.fixed_dictionaries({}, optional=fields) if fields else st.just({}),
        st.fixed_dictionaries(fields) if fields else st.just({}),
        extra,
        st.integers(0, 3),
    ).map(lambda t: {**(t[1] if t[3] else t[0]), **t[2]})


def _near_valid(form: str) -> st.SearchStrategy[dict[str, Any]]:
    """A valid filled-in form with zero, one or two fields (top level or one down) changed or removed.

    One change away from valid is where a looser check would say yes wrongly.
    """
    schema = LIBRARY.schema(form)
    base = sample_data(form, schema)
    paths: list[tuple[str, ...]] = []
    for name, spec in schema.get("properties", {}).items():
        paths.append((name,))
        if isinstance(spec, dict):
            paths += [(name, inner) for inner in spec.get("properties", {})]

    def spec_of(path: tuple[str, ...]) -> Any:
        spec: Any = schema
        for key in path:
            spec = spec.get("properties", {}).get(key, {}) if isinstance(spec, dict) else {}
        return spec

    @st.composite
    def changed(draw: st.DrawFn) -> dict[str, Any]:
        value: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
        changes = draw(st.integers(0, 2)) if paths else 0
        for path in draw(st.lists(st.sampled_from(paths), min_size=changes, max_size=changes)) if changes else []:
            parent = value if len(path) == 1 else value.get(path[0])
            if not isinstance(parent, dict):
                continue
            if draw(st.integers(0, 4)) == 0:
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(_value(spec_of(path)))
        return value

    return changed()


@pytest.mark.parametrize("partial", [False, True], ids=["form", "draft"])
@pytest.mark.parametrize("form", FORMS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_compiled_check_agrees_with_the_full_validator(form: str, partial: bool, data: st.DataObject) -> None:
    accepts = LIBRARY.compiled_check(form, partial)
    if accepts is None:
        return  # the form uses our own keywords: the full validator alone judges it
    near = data.draw(st.booleans())
    value = data.draw(_near_valid(form) if near else _object(LIBRARY.schema(form)))
    full = list(LIBRARY.validator(form, partial).iter_errors(value))
    assert accepts(value) == (not full), (value, [e.message for e in full])


def test_most_forms_get_a_compiled_check_and_our_own_keywords_do_not() -> None:
    compiled = {form for form in FORMS if LIBRARY.compiled_check(form) is not None}
    assert "bedomning" in compiled and "registrera_initiativ" in compiled
    assert "namndbeslut" not in compiled  # x-date-order, x-min-months
    assert len(compiled) >= len(FORMS) - 2


def test_the_compiled_check_never_fills_in_defaults() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string", "default": "fyllt"}}}
    from engine.forms import _compiled_check

    accepts = _compiled_check(schema)
    assert accepts is not None
    value: dict[str, Any] = {}
    assert accepts(value) and value == {}
