"""A real server on a free port (its own database) and Debian's Chromium driven by Playwright.

The tests skip when /usr/bin/chromium is missing, unless PERISAI_REQUIRE_BROWSER=1 (CI), where
a missing browser is a failure. Never `playwright install`: the machine has no such network.
Screenshots go to test-artifacts/screenshots/ (printed at the start of the run).
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from perisai import create_app
from perisai.extensions import db as _db
from tests import factories
from tests.conftest import own_database_url, reset_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
BROWSER_BACKENDS = ["sqlite"] + (
    ["postgresql"] if os.environ.get("PERISAI_TEST_DATABASE_URL") else []
)


# On PostgreSQL too (when PERISAI_TEST_DATABASE_URL is set): the flows whose storage differs
# most between the backends (the outbox and sync, versioned edits, card printing and search,
# every console page). The other browser modules run on SQLite only, within CI's 30 minutes;
# PERISAI_BROWSER_EVERY_BACKEND=1 runs every module on both.
POSTGRESQL_MODULES = {
    "test_offline.py",
    "test_outbox.py",
    "test_participant_edit.py",
    "test_supervisor_console.py",
    "test_supervisor_tasks.py",
}


def pytest_collection_modifyitems(config, items):
    kept, left_out = [], []
    every = os.environ.get("PERISAI_BROWSER_EVERY_BACKEND") == "1"
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            callspec = getattr(item, "callspec", None)
            backend = callspec.params.get("live_server") if callspec else None
            if (
                backend == "postgresql"
                and not every
                and item.fspath.basename not in (POSTGRESQL_MODULES)
            ):
                left_out.append(item)
                continue
        kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(scope="session", params=BROWSER_BACKENDS)
def live_server(request):
    """(base_url, app, org ids) of a server running in a thread on 127.0.0.1:<free port>."""
    with tempfile.TemporaryDirectory() as tmpdir:
        app = create_app(
            {
                "SECRET_KEY": "browser-test-secret",
                "SQLALCHEMY_DATABASE_URI": own_database_url(request.param, tmpdir, "browser"),
                "PHOTO_STORE": os.path.join(tmpdir, "photos"),
            }
        )
        reset_database(app)
        with app.app_context(), Session(_db.engine) as session:
            org = factories.make_org(session)
            users = {
                "agent": org.agent_user.username,
                "agent2": org.agent2_user.username,
                "supervisor": org.supervisor_user.username,
                "other_supervisor": org.other_supervisor_user.username,
            }
            agent_ids = {"agent": org.agent.id, "agent2": org.agent2.id}
            _never_block_cash(session, org)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {
                "url": f"http://127.0.0.1:{server.server_port}",
                "app": app,
                "users": users,
                "agent_ids": agent_ids,
                "backend": request.param,
            }
        finally:
            server.shutdown()
            thread.join(timeout=10)
            with app.app_context():
                _db.engine.dispose()


def _never_block_cash(session, org) -> None:
    """The shared agents take cash payments in many tests of the session, each on its own date
    (DOMAIN.md §8 would block them once cash is days old): limits of their own that never block.
    A test about cash custody makes an agent of its own (tests/browser/test_cash.py)."""
    from datetime import date

    from perisai.cash.limits import add_limit

    for agent in (org.agent, org.agent2):
        add_limit(
            session,
            effective_from=date(2000, 1, 1),
            ceiling=2_000_000_000,
            max_age_days=36500,
            source="browser tests: the shared agents",
            agent_id=agent.id,
            branch_id=agent.wadah.branch_id,
        )
    session.commit()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("PERISAI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and PERISAI_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {SCREENSHOTS}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server["url"],
        viewport={"width": 360, "height": 640},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",  # an agent's phone keeps Indonesian time, as the server does
        service_workers="allow",
    )
    context.set_default_timeout(15000)
    yield context
    context.close()


def _screen_context(browser, live_server, width: int, height: int, *, touch: bool):
    context = browser.new_context(
        base_url=live_server["url"],
        viewport={"width": width, "height": height},
        device_scale_factor=1,
        has_touch=touch,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        accept_downloads=True,
    )
    context.set_default_timeout(15000)
    return context


@pytest.fixture(params=["laptop", "tablet"])
def office(request, browser, live_server):
    """A supervisor's page at the branch office: a 1366 × 768 laptop and an 800 × 1280 tablet."""
    screens = {"laptop": (1366, 768, False), "tablet": (800, 1280, True)}
    width, height, touch = screens[request.param]
    context = _screen_context(browser, live_server, width, height, touch=touch)
    page = context.new_page()
    page.on("pageerror", lambda error: print("page error:", error))
    page.screen_name = request.param
    yield page
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.on("pageerror", lambda error: print("page error:", error))
    return page
