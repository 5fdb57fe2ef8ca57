"""/app/: the shell, the service worker and the versioned assets, served under the strict CSP."""

import gzip
import json
import re
from pathlib import Path

from perisai.pwa.assets import FRONTEND_DIR, bundle


def _version(client):
    html = client.get("/app/").get_data(as_text=True)
    return re.search(r"/app/v/(\w+)/js/app\.js", html).group(1)


def test_shell_is_revalidated_and_loads_only_external_code(client):
    response = client.get("/app/")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    assert "<style" not in html and "style=" not in html and " on" not in html.lower()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert client.get("/app").status_code == 308


def test_frontend_code_never_uses_inline_styles_or_markup_strings():
    for path in Path(FRONTEND_DIR, "js").rglob("*.js"):
        source = path.read_text()
        assert "innerHTML" not in source, path
        assert 'setAttribute("style"' not in source and "eval(" not in source, path


def test_service_worker_scope_version_and_precache(client):
    response = client.get("/app/sw.js")
    assert response.headers["Service-Worker-Allowed"] == "/app/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.content_type.startswith("text/javascript")
    script = response.get_data(as_text=True)
    version = _version(client)
    assert f'const VERSION = "{version}";' in script
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script).group(1))
    assert "/app/" in precache and f"/app/v/{version}/js/app.js" in precache
    assert f"/app/v/{version}/js/outbox.js" in precache
    assert all(client.get(url).status_code == 200 for url in precache)


def test_versioned_assets_are_immutable_and_old_versions_are_not(client):
    version = _version(client)
    response = client.get(f"/app/v/{version}/js/db.js")
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.content_type == "text/javascript; charset=utf-8"
    css = client.get(f"/app/v/{version}/css/app.css")
    assert css.content_type == "text/css; charset=utf-8"
    old = client.get("/app/v/000000000000/js/db.js")
    assert old.status_code == 200 and old.headers["Cache-Control"] == "no-cache"
    assert client.get(f"/app/v/{version}/js/missing.js").status_code == 404
    assert client.get(f"/app/v/{version}/../perisai/config.py").status_code == 404


def test_manifest_and_icons(client):
    response = client.get("/app/manifest.webmanifest")
    assert response.content_type == "application/manifest+json"
    manifest = json.loads(response.get_data())
    assert manifest["start_url"] == "/app/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_text_is_gzipped_when_asked_and_conditional_requests_work(client):
    version = _version(client)
    url = f"/app/v/{version}/js/i18n.js"
    plain = client.get(url).get_data()
    packed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain
    again = client.get(url, headers={"If-None-Match": client.get(url).headers["ETag"]})
    assert again.status_code == 304


def test_first_load_stays_under_100_kb_gzip(client):
    version = _version(client)
    urls = ["/app/"] + [f"/app/v/{version}/{name}" for name in bundle().versioned]
    total = sum(len(gzip.compress(client.get(url).get_data())) for url in urls)
    assert total <= 100 * 1024
