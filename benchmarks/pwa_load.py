"""Time to an interactive login screen on an emulated slow 3G link (400 kbit/s, 400 ms RTT):
first load (empty cache) and from the service worker's cache. Targets: ≤ 5 s and ≤ 1 s.

A real server on a free loopback port, Debian's Chromium driven by Playwright, throttled with
CDP Network.emulateNetworkConditions. "Interactive" = the login form is rendered by the app's
JavaScript and its username field accepts input.
.venv/bin/python -m benchmarks.pwa_load
"""

from __future__ import annotations

import collections
import os
import statistics
import tempfile
import threading
import time

from flask_migrate import upgrade
from werkzeug.serving import make_server

from perisai import create_app
from perisai.extensions import db

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}


def interactive(page) -> float:
    start = time.perf_counter()
    page.goto("/app/", wait_until="commit")
    page.wait_for_selector("form.login input[name=username]")
    page.fill("input[name=username]", "x")
    return time.perf_counter() - start


class CountAssets:
    """WSGI wrapper: how many times each /app/v/ asset was asked for (a 304 counts too)."""

    def __init__(self, app):
        self.app, self.hits = app, collections.Counter()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/app/v/"):
            self.hits[environ["PATH_INFO"]] += 1
        return self.app(environ, start_response)


def main(rounds: int = 3) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/load.sqlite3"})
        with app.app_context():
            upgrade()
        counter = CountAssets(app.wsgi_app)
        app.wsgi_app = counter
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        first, cached, fetched = [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(rounds):
                context = browser.new_context(base_url=url, viewport={"width": 360, "height": 640})
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.emulateNetworkConditions", SLOW_3G)
                first.append(interactive(page))
                page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
                page.wait_for_function(
                    "() => navigator.serviceWorker.controller !== null", timeout=60000
                )
                # Every asset asked for during the first visit, service worker install included.
                fetched.append((sum(counter.hits.values()), len(counter.hits)))
                counter.hits.clear()
                cached.append(interactive(page))
                counter.hits.clear()
                context.close()
            browser.close()
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
    print(
        f"slow 3G (400 kbit/s, 400 ms RTT), {rounds} rounds, median: "
        f"first load {statistics.median(first):.2f} s (target ≤ 5 s), "
        f"from cache {statistics.median(cached):.2f} s (target ≤ 1 s)"
    )
    print("  first:", " ".join(f"{s:.2f}" for s in first))
    print("  cache:", " ".join(f"{s:.2f}" for s in cached))
    print(
        "  first visit, /app/v/ requests reaching the server (requests / distinct assets):",
        " ".join(f"{n}/{d}" for n, d in fetched),
    )


if __name__ == "__main__":
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing")
    main()
