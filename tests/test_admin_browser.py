"""/admin in Chromium: an administrator creates and changes users and areas; axe finds nothing."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from engine import accounts
from engine.context import Samverkan
from tests.browser import axe_violations, base_url, browser_type_launch_args, log_in  # noqa: F401


def test_users_are_created_changed_and_deactivated(
    page: Page, browser: Browser, live_server: str, engine: Samverkan
) -> None:
    log_in(page, live_server, engine, "ada", "admin")
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Ny användare").click()
    page.get_by_role("button", name="Skapa användaren").click()  # empty: refused, said next to the fields
    expect(page.get_by_role("alert")).to_contain_text("Användaren kunde inte skapas.")
    expect(page.get_by_text("Välj minst en roll.").first).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Användarnamn").fill("kim")
    page.get_by_label("Namn", exact=True).fill("Kim Berg")
    page.get_by_label("E-post").fill("kim@malmo.se")
    page.get_by_role("checkbox", name="Kontaktperson").check()
    page.get_by_label("Lösenord").fill("ett-långt-lösenord")
    page.get_by_role("button", name="Skapa användaren").click()
    expect(page.get_by_role("status")).to_contain_text("Användaren kim är skapad.")
    row = page.get_by_role("row").filter(has_text="kim@malmo.se")
    expect(row).to_contain_text("Kontaktperson")

    # Kim logs in in another browser, then is deactivated: the next page Kim asks for is the login.
    other = browser.new_context()
    kims = other.new_page()
    kims.goto(f"{live_server}/login")
    kims.get_by_label("Användarnamn").fill("kim")
    kims.get_by_label("Lösenord").fill("ett-långt-lösenord")
    kims.get_by_role("button", name="Logga in").click()
    expect(kims.get_by_role("heading", level=1)).to_have_text("Att göra")

    page.get_by_role("link", name="Ändra Kim Berg").click()
    page.get_by_role("checkbox", name="Chef").check()
    page.get_by_role("checkbox", name="Aktiv (kan logga in och använda API-nycklar)").uncheck()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Användaren kim är sparad.")
    expect(page.get_by_role("row").filter(has_text="kim@malmo.se")).to_contain_text("Inaktiverad")
    kims.reload()
    expect(kims).to_have_url(f"{live_server}/login?next=/")
    other.close()

    # The history says who did what.
    history = page.get_by_role("table", name="De senaste 2 ändringarna, nyast först")
    expect(history).to_contain_text("ada")
    expect(history).to_contain_text(
        "inaktiverade användaren kim: roller Kontaktperson → Chef, Kontaktperson; aktiv ja → nej"
    )
    expect(history).to_contain_text("skapade användaren kim (Kontaktperson)")

    # An administrator cannot lock themself out.
    page.goto(f"{live_server}/admin/users/ada")
    page.get_by_role("checkbox", name="Aktiv (kan logga in och använda API-nycklar)").uncheck()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Du kan inte inaktivera dig själv")
    assert axe_violations(page) == []
    assert accounts.get_user(engine, "ada") is not None


def test_areas_are_added_renamed_and_deactivated(page: Page, live_server: str, engine: Samverkan) -> None:
    log_in(page, live_server, engine, "ada", "admin")
    page.goto(f"{live_server}/admin")
    areas = page.get_by_role("table", name="13 områden")
    expect(areas.get_by_role("row").filter(has_text="Sofielund")).to_contain_text("Exempel")

    page.get_by_label("Nytt område").fill("Sofielund")  # taken
    page.get_by_role("button", name="Lägg till området").click()
    expect(page.get_by_role("alert")).to_contain_text("Området Sofielund finns redan.")
    assert axe_violations(page) == []
    page.get_by_label("Nytt område").fill("Hyllie")
    page.get_by_role("button", name="Lägg till området").click()
    expect(page.get_by_role("status")).to_contain_text("Området Hyllie är tillagt.")
    hyllie = page.get_by_role("table", name="14 områden").get_by_role("row").filter(has_text="Hyllie")
    expect(hyllie).not_to_contain_text("Exempel")

    page.get_by_label("Nytt namn för Hyllie").fill("Hyllie centrum")
    page.get_by_role("button", name="Byt namn på Hyllie").click()
    expect(page.get_by_role("status")).to_contain_text("Området Hyllie centrum är sparat.")
    page.get_by_role("button", name="Inaktivera Hyllie centrum").click()
    areas = page.get_by_role("table", name="14 områden")
    expect(areas.get_by_role("row").filter(has_text="Hyllie centrum")).to_contain_text("Inaktiverat")
    expect(page.get_by_role("button", name="Aktivera Hyllie centrum")).to_be_visible()
    assert axe_violations(page) == []

    # The area page and new cases no longer offer it.
    page.goto(f"{live_server}/areas")
    expect(page.get_by_label("Område").get_by_role("option", name="Hyllie centrum")).to_have_count(0)


def test_only_administrators(page: Page, live_server: str, engine: Samverkan) -> None:
    log_in(page, live_server, engine, "kim", "chef")
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    response = page.goto(f"{live_server}/admin")
    assert response is not None and response.status == 403
    sent = page.request.post(f"{live_server}/admin/areas", form={"name": "X"})
    assert sent.status in (400, 403)  # no CSRF token, and no role
