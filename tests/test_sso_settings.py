"""The single sign-on settings: all or nothing, a role map that names known roles, claims to roles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.context import Samverkan
from engine.db import make_engine
from engine.roles import ROLES
from engine.settings import Settings, SettingsError
from engine.sso import roles_from_claims

SSO = {
    "SAMVERKAN_OIDC_ISSUER": "https://login.example",
    "SAMVERKAN_OIDC_CLIENT_ID": "samverkan",
    "SAMVERKAN_OIDC_CLIENT_SECRET": "hemlig",
}


def test_off_by_default_and_on_with_all_three() -> None:
    assert not Settings.from_env({}).sso_enabled and Settings.from_env({}).local_login
    settings = Settings.from_env(SSO)
    assert settings.sso_enabled and settings.oidc_roles_claim == "groups"
    assert "hemlig" not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SAMVERKAN_OIDC_ISSUER": "https://login.example"}, "anges tillsammans"),
        ({"SAMVERKAN_LOCAL_LOGIN": "0"}, "SAMVERKAN_LOCAL_LOGIN=0 kräver"),
        ({**SSO, "SAMVERKAN_OIDC_ROLE_MAP": "Grupp=kung"}, "SAMVERKAN_OIDC_ROLE_MAP ska vara"),
        ({**SSO, "SAMVERKAN_OIDC_ROLE_MAP": "Grupp"}, "SAMVERKAN_OIDC_ROLE_MAP ska vara"),
        ({**SSO, "SAMVERKAN_LOCAL_LOGIN": "kanske"}, "SAMVERKAN_LOCAL_LOGIN ska vara 1 eller 0"),
    ],
)
def test_unusable_settings_stop_with_one_line(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message) as raised:
        Settings.from_env(environ)
    assert "\n" not in str(raised.value)


def _engine(role_map: str | None) -> Samverkan:
    environ = {**SSO, **({"SAMVERKAN_OIDC_ROLE_MAP": role_map} if role_map else {})}
    return Samverkan(db=make_engine("sqlite://"), settings=Settings.from_env(environ))


def test_claims_give_roles_through_the_map() -> None:
    mapped = _engine("A=chef,A=admin,B=kontaktperson")
    assert roles_from_claims(mapped, {"groups": ["A", "C"]}) == ["admin", "chef"]
    assert roles_from_claims(mapped, {"groups": "B"}) == ["kontaktperson"]
    assert roles_from_claims(mapped, {"groups": ["chef"]}) == []  # with a map, role names mean nothing
    assert roles_from_claims(mapped, {"groups": 7}) == [] and roles_from_claims(mapped, {}) == []
    plain = _engine(None)
    assert roles_from_claims(plain, {"groups": ["chef", "SG-Något"]}) == ["chef"]


@given(st.lists(st.sampled_from([*ROLES, "A", "B", "Okänd", ""]), max_size=8))
def test_roles_are_only_what_the_map_gives(groups: list[str]) -> None:
    mapping = {"A": {"chef", "admin"}, "B": {"kontaktperson"}}
    roles = roles_from_claims(ENGINE, {"groups": groups})
    assert roles == sorted({role for g in groups for role in mapping.get(g, ())})


ENGINE = _engine("A=chef,A=admin,B=kontaktperson")
