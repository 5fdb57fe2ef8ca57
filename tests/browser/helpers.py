"""Steps an agent takes in the PWA, shared by the browser tests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.extensions import db as _db
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, valid_nik


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/app/")
    page.wait_for_selector("form.login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("#stat-waiting")
    # Reference data, the agent's villages and the service worker are ready for going offline.
    page.wait_for_selector("body[data-refreshed='1']")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#stat-waiting")


def supervisor_login(page, username: str, password: str = PASSWORD) -> None:
    """Sign in at /supervisor/login through the form, as a supervisor does."""
    page.goto("/supervisor/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url("**/supervisor/**")
    assert "/supervisor/login" not in page.url, page.inner_text("body")[:500]


def go(page, screen: str) -> None:
    page.evaluate(f"location.hash = '#/{screen}'")


def register(page, n: int, *, nik: str | None = None, name: str | None = None) -> None:
    """Fill every step of the registration form and save (works offline)."""
    go(page, "register/new")
    page.wait_for_selector("input[name=nik]")
    page.fill("input[name=nik]", nik or valid_nik(n))
    page.fill("input[name=full_name]", name or f"Peserta Browser {n}")
    page.fill("input[name=phone]", f"0813{n:08d}")
    page.click("#reg-next")
    page.wait_for_selector("select[name=occupation]")
    page.select_option("select[name=occupation]", "nelayan")
    page.select_option("select[name=income_level]", "1000000")
    page.wait_for_selector("#monthly-amount strong")
    page.click("#reg-next")
    address_beneficiary_consent(page)
    page.wait_for_selector("dl.review")
    page.click("#reg-next")
    page.wait_for_selector("#take-payment")


def choose_place(
    page, village: str = "33.25.01.2001", address: str = "Jl. Pantai Utara No. 7"
) -> None:
    """The address step: district, then village (each once its options are there), address."""
    district = village.rsplit(".", 1)[0]
    page.wait_for_selector(f"select[name=district] option[value='{district}']", state="attached")
    page.select_option("select[name=district]", district)
    page.wait_for_selector(f"select[name=village_code] option[value='{village}']", state="attached")
    page.select_option("select[name=village_code]", village)
    page.wait_for_function(
        f"() => document.querySelector('select[name=village_code]').value === '{village}'"
    )
    page.fill("textarea[name=address]", address)


def address_beneficiary_consent(page, village: str = "33.25.01.2001", **place) -> None:
    """From the address step up to the review: place, beneficiary, consent."""
    choose_place(page, village, **place)
    page.click("#reg-next")
    page.wait_for_selector("input[name=b_name]")
    page.fill("input[name=b_name]", "Siti Aminah")
    page.select_option("select[name=b_relationship]", "istri")
    page.click("#reg-next")
    page.wait_for_selector("#consent")
    page.check("#consent")
    page.click("#reg-next")


def workers_on_server(app, agent_id: int):
    from perisai.workers.models import Worker

    with app.app_context(), Session(_db.engine) as session:
        return session.scalars(select(Worker).where(Worker.registered_by_id == agent_id)).all()


def payments_on_server(app, worker_ids):
    from perisai.contributions.models import Payment

    with app.app_context(), Session(_db.engine) as session:
        return session.scalars(select(Payment).where(Payment.worker_id.in_(worker_ids))).all()
