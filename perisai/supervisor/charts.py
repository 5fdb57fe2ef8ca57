"""Server-rendered SVG charts: no script, no inline style (CSP-safe), labels escaped.

Every chart carries its title on the picture, y ticks on round numbers (1, 2, 2.5 or 5 × 10ⁿ),
month labels in the page's language ("Jan" with the year under January and the first month),
figures written by Babel for the page's language ("2 jt" / "2M"), and a legend laid out so its
entries never overlap. Series are told apart by colour, dash and marker shape, so two lines
drawn on top of each other stay readable.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from markupsafe import Markup, escape

from perisai.months import Month
from perisai.supervisor import formats

WIDTH = 640
PAD_LEFT, PAD_RIGHT, PAD_TOP, PLOT_H = 56, 30, 34, 180
COLOURS = ("#0b6e4f", "#c0392b", "#2c7fb8", "#b7791f")
DASHES = ("", "6 4", "2 3", "8 3 2 3")
STATUS_COLOURS = {
    "active": "#0b6e4f",
    "grace": "#b7791f",
    "ended": "#c0392b",
    "registered": "#6b7280",
}


def nice_ticks(top: float, count: int = 4) -> list[int]:
    """0 … a round number ≥ top in about `count` equal steps of 1, 2, 2.5 or 5 × 10ⁿ."""
    if not top or top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step)) if step >= 1 else 1
    steps = math.ceil(top / step)
    return [i * step for i in range(steps + 1)]


def _text_width(text: str, size: int) -> float:
    return len(text) * size * 0.58


def _legend(entries: list[tuple[str, int]], y: float) -> tuple[list[str], float]:
    """Legend items (name, series index) flowed left to right, wrapping: returns parts, height."""
    parts, x, row = [], PAD_LEFT, 0
    for name, n in entries:
        width = 34 + _text_width(name, 12) + 18
        if x + width > WIDTH and x > PAD_LEFT:
            x, row = PAD_LEFT, row + 1
        top = y + row * 20
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<g class="legend-item"><line x1="{x}" y1="{top + 6}" x2="{x + 26}" y2="{top + 6}" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            f"{_marker(n, x + 13, top + 6, colour)}"
            f'<text x="{x + 32}" y="{top + 10}" font-size="12" fill="#1d2a24">{escape(name)}</text>'
            "</g>"
        )
        x += width
    return parts, (row + 1) * 20


def _marker(n: int, x: float, y: float, colour: str, tip: str = "") -> str:
    title = f"<title>{escape(tip)}</title>" if tip else ""
    shape = n % 3
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">{title}</circle>'
    if shape == 1:
        return (
            f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="#fff" '
            f'stroke="{colour}" stroke-width="2">{title}</rect>'
        )
    return (
        f'<path d="M{x:.1f} {y - 4.5:.1f}L{x + 4.5:.1f} {y + 3.5:.1f}L{x - 4.5:.1f} '
        f'{y + 3.5:.1f}Z" fill="{colour}">{title}</path>'
    )


def line_chart(
    months: list[Month],
    series: list[tuple[str, list[int]]],
    title: str,
    lang: str,
    *,
    money: bool = False,
) -> Markup:
    """One line per series over the months, titled, with round y ticks and a legend."""
    values = [v for _, vals in series for v in vals if v is not None]
    ticks = nice_ticks(max(values or [0]))
    top = ticks[-1]
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    step = inner_w / max(len(months) - 1, 1)
    plot_bottom = PAD_TOP + PLOT_H
    fmt = formats.rupiah if money else formats.number

    def xy(i: int, v: int) -> tuple[float, float]:
        return PAD_LEFT + i * step, plot_bottom - (v / top) * PLOT_H

    legend, legend_h = _legend([(name, n) for n, (name, _) in enumerate(series)], plot_bottom + 40)
    height = plot_bottom + 40 + legend_h
    parts = _chart_head(title, height)
    parts += _y_ticks(ticks, xy, lang)
    parts += _month_ticks(months, xy, plot_bottom, lang)
    parts += _series_lines(months, series, xy, lang, fmt)
    parts.extend(legend)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text piece went through escape()


def _chart_head(title: str, height: float) -> list[str]:
    """The opening <svg> tag with its accessible title and the title drawn on the picture."""
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="{PAD_LEFT}" y="18" font-size="14" font-weight="600" '
        f'fill="#1d2a24">{escape(title)}</text>',
    ]


def _y_ticks(
    ticks: list[int], xy: Callable[[int, int], tuple[float, float]], lang: str
) -> list[str]:
    """A grid line and a compact label per y tick."""
    parts = []
    for value in ticks:
        _, y = xy(0, value)
        label = formats.compact(value, lang)
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="#dde3e0"/><text class="y-tick" x="{PAD_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end" font-size="11" fill="#555">{escape(label)}</text>'
        )
    return parts


def _month_ticks(
    months: list[Month],
    xy: Callable[[int, int], tuple[float, float]],
    plot_bottom: float,
    lang: str,
) -> list[str]:
    """A label per month, with the year under January and under the first month."""
    parts = []
    for i, month in enumerate(months):
        x, _ = xy(i, 0)
        parts.append(
            f'<text class="x-tick" x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle" '
            f'font-size="11" fill="#555">{escape(formats.month_name(month, lang, "month"))}</text>'
        )
        if i == 0 or month.month == 1:
            parts.append(
                f'<text class="x-year" x="{x:.1f}" y="{plot_bottom + 30}" text-anchor="middle" '
                f'font-size="11" fill="#555">{month.year}</text>'
            )
    return parts


def _series_lines(
    months: list[Month],
    series: list[tuple[str, list[int]]],
    xy: Callable[[int, int], tuple[float, float]],
    lang: str,
    fmt: Callable[[int, str], str],
) -> list[str]:
    """Each series' line, in its colour and dash, with a marker and tooltip per month."""
    parts = []
    for n, (name, vals) in enumerate(series):
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(vals)))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr} '
            f'points="{points}"/>'
        )
        for i, v in enumerate(vals):
            x, y = xy(i, v)
            tip = f"{name}, {formats.month_name(months[i], lang)}: {fmt(v, lang)}"
            parts.append(_marker(n, x, y, colour, tip))
    return parts


def bar_chart(rows: list[tuple[str, int, int | None]], title: str, lang: str) -> Markup:
    """Horizontal bars: value against a reference (e.g. active participants vs the estimate)."""
    label_w = 180
    bar_w = WIDTH - label_w - 80
    height = 30 + 24 * len(rows) + 10
    top = max([max(v, ref or 0) for _, v, ref in rows] or [0]) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="6" y="18" font-size="14" font-weight="600" '
        f'fill="#1d2a24">{escape(title)}</text>',
    ]
    for i, (label, value, ref) in enumerate(rows):
        y = 30 + i * 24
        name = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="12">'
            f"<title>{escape(label)}</title>{escape(name)}</text>"
        )
        if ref:
            parts.append(
                f'<rect x="{label_w}" y="{y + 2}" width="{bar_w * ref / top:.1f}" height="16" '
                f'fill="#e3e9e6"/>'
            )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w * value / top:.1f}" height="12" '
            f'fill="{COLOURS[0]}"/><text x="{label_w + bar_w * value / top + 4:.1f}" '
            f'y="{y + 14}" font-size="11">{escape(formats.compact(value, lang))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text piece went through escape()


def plain_map(points: list[dict], title: str, lang: str, width: int = 640) -> Markup:
    """The map without a base map: registration points in their true proportions (longitude
    scaled by the latitude's cosine), coloured by status, with degree gridlines labelled."""
    if not points:
        return Markup("")
    lats = [p["lat"] for p in points]
    lons = [p["lon"] for p in points]
    mid = math.cos(math.radians((max(lats) + min(lats)) / 2))
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) * mid, 0.01) * 1.1
    pad, size = 48, width - 48 - 16
    lat0 = (max(lats) + min(lats)) / 2 - span / 2
    lon0 = (max(lons) + min(lons)) / 2 - span / 2 / mid

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return pad + (lon - lon0) * mid / span * size, 10 + size - (lat - lat0) / span * size

    parts = [
        f'<svg class="plain-map" viewBox="0 0 {width} {size + 40}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
        f'<rect x="{pad}" y="10" width="{size}" height="{size}" fill="#eef2f0" stroke="#cfd8d3"/>'
    ]
    step = nice_step(span)
    lat = math.ceil(lat0 / step) * step
    while lat < lat0 + span:
        _, y = xy(lat, lon0)
        parts.append(
            f'<line x1="{pad}" y1="{y:.1f}" x2="{pad + size}" y2="{y:.1f}" stroke="#d5ddd9"/>'
            f'<text x="{pad - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="#555">'
            f"{escape(_degrees(lat, 'lat', lang))}</text>"
        )
        lat += step
    lon = math.ceil(lon0 / step) * step
    while lon < lon0 + span / mid:
        x, _ = xy(lat0, lon)
        parts.append(
            f'<line x1="{x:.1f}" y1="10" x2="{x:.1f}" y2="{10 + size}" stroke="#d5ddd9"/>'
            f'<text x="{x:.1f}" y="{size + 26}" text-anchor="middle" font-size="10" '
            f'fill="#555">{escape(_degrees(lon, "lon", lang))}</text>'
        )
        lon += step
    for p in points:
        x, y = xy(p["lat"], p["lon"])
        colour = STATUS_COLOURS.get(p.get("status"), STATUS_COLOURS["registered"])
        parts.append(
            f'<circle class="point" data-status="{escape(p.get("status") or "")}" '
            f'cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}" fill-opacity=".8" stroke="#fff"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text piece went through escape()


def nice_step(span: float) -> float:
    """A round gridline step (1, 2 or 5 × 10ⁿ degrees) giving about four lines over span."""
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _degrees(value: float, axis: str, lang: str) -> str:
    hemisphere = {
        ("lat", True): "LU" if lang == "id" else "N",
        ("lat", False): "LS" if lang == "id" else "S",
        ("lon", True): "BT" if lang == "id" else "E",
        ("lon", False): "BB" if lang == "id" else "W",
    }[(axis, value >= 0)]
    text = formats.decimal(abs(value), lang, "#,##0.###")
    return f"{text}° {hemisphere}"
