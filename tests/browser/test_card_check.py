"""Issue 22 at 360 × 640: the agent checks a membership card on "Periksa kartu" OFFLINE, with
the card keys the phone keeps (GET /api/v1/cards/keys, fetched at login): a real card printed
through the API verifies (membership number, masked name, the protection month as printed, the
issue date; never the NIK or phone), one altered is refused, an old HMAC card says to check online
and is checked online once there is a network, and the card of the agent's own participant shows
the newer status the phone synced. The phone's decoder reads, field for field, what
perisai/cards/tokens.py writes, and refuses what it refuses.

Chromium on Linux has no BarcodeDetector, so the camera test gives the page a stand-in detector
and a canvas stream for a camera (the glue is the screen's; decoding QR images is the browser's).
"""

from __future__ import annotations

import base64
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.cards import hmac_tokens, keys, tokens
from perisai.cards.claims import CardClaim
from perisai.cards.models import Card
from perisai.extensions import db as _db
from perisai.months import Month
from perisai.workers.models import Worker
from tests import factories
from tests.browser.conftest import SCREENSHOTS, _screen_context
from tests.browser.helpers import login, shot
from tests.conftest import login as api_login

DAY = "2026-07-10"


def _phone_day(context, day: str = DAY) -> None:
    context.clock.set_fixed_time(f"{day}T10:00:00+07:00")


def _participant(live_server, agent: str, full_name: str, covered_until: Month | None) -> dict:
    with live_server["app"].app_context(), Session(_db.engine) as session:
        owner = session.get(Agent, live_server["agent_ids"][agent])
        worker = factories.make_worker(session, owner, full_name=full_name, female=True)
        worker.covered_until = covered_until
        session.commit()
        return {
            "id": worker.id,
            "membership_number": worker.membership_number,
            "nik": worker.nik,
            "phone": worker.phone,
        }


def _print_card(live_server, username: str, worker_id) -> str:
    """The token in the card's QR code, the card printed through the API as `username`."""
    return _print(live_server, username, worker_id)["token"]


def _print(live_server, username: str, worker_id) -> dict:
    """The card (API.md "Cards") printed through the API as `username`, with its `token`."""
    client = api_login(live_server["app"], username)
    assert client.get(f"/api/v1/workers/{worker_id}/card.pdf").status_code == 200
    card = client.get(f"/api/v1/workers/{worker_id}/cards").get_json()[0]
    return {**card, "token": card["verify_url"].rsplit("/v/", 1)[1]}


def _old_token(live_server, worker_id) -> str:
    """The first kind of token (HMAC, 28 characters) for the worker's card."""
    app = live_server["app"]
    with app.app_context(), Session(_db.engine) as session:
        card = session.scalar(select(Card).where(Card.worker_id == worker_id))
        return hmac_tokens.sign(CardClaim(card.id, card.membership_number, card.issued_on))


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _altered(token: str, index: int) -> str:
    raw = bytearray(_b64decode(token))
    raw[index] ^= 0x01
    return _b64(bytes(raw))


def _open_check(page, via: str = "#home-scan") -> None:
    """Tap "Periksa kartu" (home, or More then the button)."""
    if via == "#more-scan":
        page.click("#tabs a[data-tab=more]")
    else:
        page.click("#tabs a[data-tab=home]")
    page.click(via)
    page.wait_for_selector("#check-form")


def _check(page, text: str, result: str) -> None:
    """Paste `text` into the field, tap Periksa, wait for the outcome `result`."""
    page.fill("#card-token", text)
    page.click("#check-submit")
    page.wait_for_selector(f"#check-outcome[data-result='{result}']")


def _facts(page, selector: str = "#check-card") -> dict:
    return page.eval_on_selector_all(
        f"{selector} dd",
        "els => Object.fromEntries(els.map(e => [e.dataset.field, e.innerText]))",
    )


def _offline(page, context) -> None:
    context.set_offline(True)
    page.reload()  # from the service worker: the new screen's module is in its precache
    page.wait_for_selector("#stat-waiting")
    assert page.inner_text("#net") == "Luring"


def _shows_nothing_private(page, participant: dict, *words: str) -> None:
    body = page.inner_text("body")
    assert participant["nik"] not in body
    assert participant["phone"][3:] not in body  # +62813… and 0813… alike
    for word in words:
        assert word not in body


@pytest.mark.today(DAY)
def test_a_card_is_checked_offline_and_an_altered_one_refused(page, context, live_server):
    other = _participant(
        live_server, "agent2", "Ni Luh Putu Ayu Saraswati Dewi", covered_until=Month(2026, 8)
    )
    card = _print(live_server, live_server["users"]["agent2"], other["id"])
    token = card["token"]
    assert len(token) > 100
    _phone_day(context)
    login(page, live_server["users"]["agent"])
    _offline(page, context)
    shot(page, "card-check-home-offline-360")
    _open_check(page)
    assert page.is_visible("#no-camera")  # no BarcodeDetector here: typed or pasted
    assert page.is_visible("#keys-at")
    shot(page, "card-check-empty-360")

    _check(page, f"{live_server['url']}/v/{token}", "genuine")
    assert page.inner_text("#check-heading") == "Kartu asli"
    assert page.get_attribute("#check-outcome", "data-online") == "no"
    assert _facts(page) == {
        "membership_number": other["membership_number"],
        "name_masked": "Ni L*** P*** A*** S*** D***",
        "covered_until": "Agu 2026\nstatus saat dicetak",
        "issued_on": "10 Jul 2026",
        "serial": str(card["serial"]),
    }
    # Offline it says no more than the signature proves, and the participant is agent2's.
    assert "hanya terlihat saat online" in page.inner_text("#check-offline-note")
    assert page.locator("#check-server").count() == 0
    assert page.is_visible("#check-not-mine")
    _shows_nothing_private(page, other, "Saraswati", "Luh ")
    shot(page, "card-check-genuine-offline-360")
    page.screenshot(
        path=str(SCREENSHOTS / "card-check-genuine-offline-360-whole.png"), full_page=True
    )

    # Someone "extends" the card's protection month: the signature no longer matches.
    page.click("#check-again")
    _check(page, _altered(token, 13), "invalid")
    assert page.inner_text("#check-heading") == "Kartu tidak sah"
    assert page.locator("#check-card").count() == 0
    assert page.locator("#check-caseload, #check-not-mine").count() == 0
    shot(page, "card-check-tampered-offline-360")
    for bad in (_altered(token, 6), _altered(token, 70), token[:-1], token + "A"):
        _check(page, bad, "invalid")

    page.fill("#card-token", "bukan kartu: https://example.org/x?y=1")
    page.click("#check-submit")
    assert "bukan kode kartu Perisai" in page.inner_text("#card-token-error")
    assert page.locator("#check-outcome").count() == 0


@pytest.mark.today(DAY)
def test_an_old_hmac_card_says_check_online_and_is_checked_online(page, context, live_server):
    other = _participant(live_server, "agent2", "Budi Santoso", covered_until=Month(2026, 7))
    _print_card(live_server, live_server["users"]["agent2"], other["id"])
    old = _old_token(live_server, other["id"])
    assert len(old) == 28
    _phone_day(context)
    login(page, live_server["users"]["agent"])
    _offline(page, context)
    _open_check(page, via="#more-scan")

    _check(page, f"{live_server['url']}/v/{old}", "old")
    assert page.inner_text("#check-heading") == "Kartu lama: periksa secara online"
    assert page.locator("#check-card").count() == 0  # nothing of it is proven offline
    assert page.locator("#check-caseload, #check-not-mine").count() == 0
    shot(page, "card-check-old-offline-360")

    context.set_offline(False)
    page.click("#check-submit")
    page.wait_for_selector("#check-outcome[data-online='done']")
    assert page.get_attribute("#check-outcome", "data-result") == "valid"
    assert page.inner_text("#check-heading") == "Kartu asli dan berlaku"
    assert page.is_visible("#check-reprint")
    facts = _facts(page)
    assert (facts["membership_number"], facts["name_masked"]) == (
        other["membership_number"],
        "Budi S***",
    )
    assert _facts(page, "#check-server") == {"status": "Aktif", "covered_until": "Jul 2026"}
    _shows_nothing_private(page, other, "Santoso")
    shot(page, "card-check-old-online-360")


@pytest.mark.today(DAY)
def test_a_replaced_card_is_genuine_offline_and_not_valid_online(page, context, live_server):
    """What a signature cannot prove: the card was replaced since. Online, the server says so."""
    app = live_server["app"]
    other = _participant(live_server, "agent2", "Wayan Sudarma", covered_until=Month(2026, 7))
    first = _print_card(live_server, live_server["users"]["agent2"], other["id"])
    with app.app_context(), Session(_db.engine) as session:
        session.get(Worker, other["id"]).full_name = "Wayan Sudarma Putra"
        session.commit()
    _print_card(live_server, live_server["users"]["agent2"], other["id"])  # replaces the first
    _phone_day(context)
    login(page, live_server["users"]["agent"])
    _offline(page, context)
    _open_check(page)
    _check(page, first, "genuine")

    context.set_offline(False)
    page.click("#check-submit")
    page.wait_for_selector("#check-outcome[data-online='done']")
    assert page.get_attribute("#check-outcome", "data-result") == "not_valid"
    assert page.inner_text("#check-heading") == "Kartu tidak berlaku"
    assert (
        page.inner_text("#check-reason") == "Kartu ini sudah diganti dengan kartu yang lebih baru."
    )
    assert _facts(page)["covered_until"] == "Jul 2026\nstatus saat dicetak"  # still as printed
    shot(page, "card-check-replaced-online-360")


@pytest.mark.today(DAY)
def test_a_card_of_the_agents_own_participant_shows_the_newer_status(page, context, live_server):
    app = live_server["app"]
    mine = _participant(live_server, "agent", "Kadek Ayu Lestari", covered_until=Month(2026, 5))
    token = _print_card(live_server, live_server["users"]["agent"], mine["id"])
    # Paid at the office after the card was printed: three months, up to August.
    with app.app_context(), Session(_db.engine) as session:
        worker = session.get(Worker, mine["id"])
        factories.record_test_payment(session, worker, date(2026, 7, 10), 3)
        session.commit()
    _phone_day(context)
    login(page, live_server["users"]["agent"])
    _offline(page, context)
    _open_check(page)

    _check(page, token, "genuine")
    assert _facts(page)["covered_until"] == "Mei 2026\nstatus saat dicetak"
    caseload = _facts(page, "#check-caseload")
    assert caseload["status"] == "Aktif" and caseload["covered_until"] == "Agu 2026"
    assert caseload["synced_at"].startswith("10/7/2026")
    assert page.locator("#check-unsent").count() == 0
    _shows_nothing_private(page, mine, "Lestari")
    page.locator("#check-caseload").scroll_into_view_if_needed()
    shot(page, "card-check-caseload-offline-360")
    page.click("#check-open")
    page.wait_for_selector("#participant-screen h1")
    assert page.inner_text("#participant-screen h1") == "Kadek Ayu Lestari"


@pytest.mark.today(DAY)
def test_the_camera_reads_a_card_and_closes(page, context, live_server):
    other = _participant(live_server, "agent2", "Siti Rahayu", covered_until=Month(2026, 9))
    url = f"{live_server['url']}/v/" + _print_card(
        live_server, live_server["users"]["agent2"], other["id"]
    )
    context.add_init_script(STAND_IN_CAMERA.replace("__URL__", url))
    _phone_day(context)
    login(page, live_server["users"]["agent"])
    _offline(page, context)
    _open_check(page)
    page.click("#camera-start")
    page.wait_for_selector("#check-outcome[data-result='genuine']")
    assert page.input_value("#card-token") == url
    assert page.is_hidden("#camera-preview") and page.is_visible("#camera-start")
    assert page.evaluate("window.__cameraStopped") is True
    assert _facts(page)["name_masked"] == "Siti R***"


# A detector that sees a QR code holding __URL__ on its third frame (after a QR code that is not
# a card's), and a camera that is a canvas.
STAND_IN_CAMERA = """
(() => {
  let frames = 0;
  window.BarcodeDetector = class {
    static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
    constructor(options) { this.formats = options.formats; }
    async detect(source) {
      if (!(source instanceof HTMLVideoElement)) throw new TypeError("a video");
      frames += 1;
      if (frames === 1) return [];
      if (frames === 2) return [{ rawValue: "https://example.org/promo", format: "qr_code" }];
      return [{ rawValue: "__URL__", format: "qr_code" }];
    }
  };
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    if (!constraints.video) throw new Error("video only");
    const canvas = document.createElement("canvas");
    canvas.width = 320;
    canvas.height = 240;
    canvas.getContext("2d").fillRect(0, 0, 320, 240);
    const stream = canvas.captureStream(5);
    for (const track of stream.getTracks()) {
      const stop = track.stop.bind(track);
      track.stop = () => { window.__cameraStopped = true; stop(); };
    }
    return stream;
  };
})();
"""


@pytest.mark.today(DAY)
def test_the_check_screen_on_a_laptop(browser, live_server):
    other = _participant(live_server, "agent2", "Ni Made Sari", covered_until=None)
    token = _print_card(live_server, live_server["users"]["agent2"], other["id"])
    context = _screen_context(browser, live_server, 1366, 768, touch=False)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(error))
        _phone_day(context)
        login(page, live_server["users"]["agent"])
        _offline(page, context)
        _open_check(page, via="#more-scan")
        _check(page, token, "genuine")
        assert _facts(page)["covered_until"] == "Belum pernah membayar\nstatus saat dicetak"
        assert _facts(page)["name_masked"] == "Ni M*** S***"
        page.screenshot(path=str(SCREENSHOTS / "card-check-genuine-laptop.png"))
        assert errors == []
    finally:
        context.close()


def test_the_phone_reads_tokens_as_the_server_does(page, live_server):
    """cardcheck.js against perisai/cards/tokens.py: every field of genuine tokens (names of one
    word, of many, with letters beyond ASCII, never paid), and the same refusals."""
    app = live_server["app"]
    cases = [
        ("Ni Luh Putu Ayu Saraswati Dewi", "00000000010", date(2026, 7, 10), Month(2026, 8)),
        ("Ketut", "99999999999", date(2020, 1, 1), None),
        ("Ñoño Álvarez Ünal", "12345678901", date(2099, 12, 31), Month(2020, 1)),
        (
            "I Gede Made Wayan Komang Putu Kadek Nyoman Ketut",
            "00000000001",
            date(2030, 2, 28),
            Month(2026, 12),
        ),
        ("Muhammadabdurrahmanwahid Alfarisi", "55555555555", date(2026, 1, 31), Month(2025, 11)),
    ]
    with app.app_context():
        signer = keys.signer(_db.session)
        _db.session.commit()
        good = [
            tokens.sign(signer, CardClaim(100 + n, number, issued, covered_until=month), name)
            for n, (name, number, issued, month) in enumerate(cases)
        ]
        bad = [_altered(good[0], i) for i in (0, 4, 9, 11, 13, 14, 15, 40)]
        bad += [good[1][:-2], good[1] + "AA", good[2][1:], "", "A" * 120]
        bad += [_noncanonical(t) for t in good if len(t) % 4]
        raw = bytearray(_b64decode(good[3]))
        raw[0] = 200  # a key id nobody published
        bad.append(_b64(bytes(raw)))
        expected = [tokens.verify(token) for token in good + bad]
    assert all(expected[: len(good)]) and not any(expected[len(good) :])
    got = page.evaluate(
        """async ({url, tokens}) => {
          const c = await import(url);
          await c.refreshKeys();
          const out = [];
          for (const token of tokens) out.push(await c.checkOffline(token));
          return out;
        }""",
        {"url": _module_url(page, "cardcheck"), "tokens": good + bad},
    )
    for token, claim, result in zip(good + bad, expected, got, strict=True):
        if claim is None:
            assert result["kind"] in ("invalid", "unknown_key"), token
            continue
        assert result == {
            "kind": "genuine",
            "card": {
                "kid": claim.kid,
                "serial": claim.serial,
                "membership_number": claim.membership_number,
                "issued_on": claim.issued_on.isoformat(),
                "covered_until": str(claim.covered_until) if claim.covered_until else None,
                "name_masked": claim.name_masked,
            },
        }, token
    assert got[-1]["kind"] == "unknown_key"


def _noncanonical(token: str) -> str:
    """The same bytes spelled with other unused low bits in the last character."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return token[:-1] + alphabet[alphabet.index(token[-1]) ^ 1]


def _module_url(page, name: str) -> str:
    page.goto("/app/")
    app_js = page.eval_on_selector("script[type=module]", "s => s.src")
    return app_js[: -len("app.js")] + f"{name}.js"


@pytest.fixture(autouse=True)
def _page_errors(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield
    assert errors == []
