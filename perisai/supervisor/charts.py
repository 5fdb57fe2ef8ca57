"""Server-rendered SVG charts: no script, no inline style (CSP-safe), labels escaped."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 220, 48, 28, 12
COLOURS = ("#0b6e4f", "#c0392b", "#2c7fb8", "#e6a700")


def _scale(values: list[int]) -> int:
    top = max([v for v in values if v is not None] or [0])
    if top <= 0:
        return 1
    magnitude = 10 ** (len(str(int(top))) - 1)
    return ((int(top) // magnitude) + 1) * magnitude


def _short(value: int) -> str:
    for size, suffix in ((1_000_000_000, "M"), (1_000_000, "jt"), (1_000, "rb")):
        if value >= size:
            return f"{value / size:.3g}{suffix}"
    return str(value)


def line_chart(labels: list[str], series: list[tuple[str, list[int]]], title: str) -> Markup:
    """One polyline per series over the month labels, with a legend and gridlines."""
    values = [v for _, vals in series for v in vals]
    top = _scale(values)
    inner_w, inner_h = WIDTH - PAD_LEFT - 10, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = inner_w / max(len(labels) - 1, 1)

    def xy(i: int, v: int) -> tuple[float, float]:
        return PAD_LEFT + i * step, PAD_TOP + inner_h - (v / top) * inner_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 20}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):
        value = top * k // 4
        _, y = xy(0, value)
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{PAD_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#555">{escape(_short(value))}</text>'
        )
    for i, label in enumerate(labels):
        x, _ = xy(i, 0)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="10" '
            f'fill="#555">{escape(label[2:])}</text>'
        )
    for n, (name, vals) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(vals)))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{points}"/>'
        )
        for i, v in enumerate(vals):
            x, y = xy(i, v)
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(name)} {escape(labels[i])}: {v}</title></circle>"
            )
        parts.append(
            f'<rect x="{PAD_LEFT + n * 160}" y="{HEIGHT + 6}" width="12" height="12" '
            f'fill="{colour}"/><text x="{PAD_LEFT + n * 160 + 16}" y="{HEIGHT + 16}" '
            f'font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text piece went through escape()


def bar_chart(rows: list[tuple[str, int, int | None]], title: str) -> Markup:
    """Horizontal bars: value against a reference (e.g. active participants vs the estimate)."""
    height = 24 * len(rows) + 10
    top = _scale([max(v, ref or 0) for _, v, ref in rows]) if rows else 1
    label_w, bar_w = 180, WIDTH - 180 - 70
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value, ref) in enumerate(rows):
        y = 6 + i * 24
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="12">'
            f"{escape(label[:28])}</text>"
        )
        if ref:
            parts.append(
                f'<rect x="{label_w}" y="{y + 2}" width="{bar_w * ref / top:.1f}" height="16" '
                f'fill="#e3e9e6"/>'
            )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w * value / top:.1f}" height="12" '
            f'fill="{COLOURS[0]}"/><text x="{label_w + bar_w * value / top + 4:.1f}" '
            f'y="{y + 14}" font-size="11">{escape(_short(value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text piece went through escape()


def scatter(points: list[dict], title: str, size: int = 320) -> Markup:
    """The map's no-script fallback: registration points scaled into a square."""
    if not points:
        return Markup("")
    lats = [p["lat"] for p in points]
    lons = [p["lon"] for p in points]
    span = max(max(lats) - min(lats), max(lons) - min(lons), 0.01)
    parts = [
        f'<svg class="scatter" viewBox="0 0 {size} {size}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="{size}" height="{size}" fill="#eef2f0"/>'
    ]
    for p in points:
        x = 10 + (p["lon"] - min(lons)) / span * (size - 20)
        y = size - 10 - (p["lat"] - min(lats)) / span * (size - 20)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS[0]}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text piece went through escape()
