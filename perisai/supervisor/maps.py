"""The agent's registration map: a tile source from the configuration, or none.

`PERISAI_MAP_TILES` (a URL template with {z}/{x}/{y}) and `PERISAI_MAP_ATTRIBUTION` name the
base map; without them (the default, and in tests) the page draws the points on a plain map
with degree gridlines (perisai.supervisor.charts.plain_map) and no server outside is
contacted. With them, Leaflet draws the tiles and falls back to the plain map when the tile
server does not answer (static/map.js). Either way a legend says what each colour means.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from perisai.months import Month
from perisai.workers.models import status_for

STATUSES = ("active", "grace", "ended", "registered")
CSP = (
    "default-src 'self'; img-src 'self' data: blob: {tiles}; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def map_status(points: list[dict], month: Month) -> list[dict]:
    """Each point's participant status in `month`, as the status counts define it."""
    for point in points:
        until = Month.parse(point["covered_until"][:7]) if point.get("covered_until") else None
        point["status"] = status_for(until, month)
    return points


def map_tiles() -> dict | None:
    """{"url": template, "attribution": text} when a tile source is configured."""
    url = current_app.config.get("MAP_TILES")
    if not url:
        return None
    return {"url": url, "attribution": current_app.config.get("MAP_ATTRIBUTION", "")}


def allow_tiles(response):
    """A page that shows tiles from another origin lets the browser load them (img-src)."""
    tiles = map_tiles()
    if tiles and tiles["url"].startswith("https://"):
        host = urlsplit(tiles["url"]).netloc.replace("{s}", "*")  # a.tile…, b.tile… → *.tile…
        response.headers["Content-Security-Policy"] = CSP.format(tiles="https://" + host)
    return response
