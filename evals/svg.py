"""Inline SVG charts for the offline HTML report: a line chart with CI whiskers and grouped horizontal bars.

No JavaScript and nothing fetched: each chart is a string of SVG markup; hovering a point shows its
value through the SVG <title> element, which browsers display natively.
"""

from __future__ import annotations

from html import escape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")

# A point: (x label, value, ci low, ci high); value None leaves a gap.
Point = tuple[str, float | None, float | None, float | None]


def _nice_max(values: list[float]) -> float:
    top = max(values, default=1.0)
    if top <= 1.0:
        return 1.0
    for step in (2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000):
        if top <= step:
            return float(step)
    return top * 1.1


def _num(v: float) -> str:
    return f"{v:.3f}" if abs(v) < 10 and not float(v).is_integer() else f"{v:g}"


def line_chart(series: dict[str, list[Point]], *, title: str = "", width: int = 680, height: int = 260,
               y_label: str = "", labels: list[str] | None = None) -> str:
    """Lines over categorical x labels (`labels` in order, else as the series first name them), with 95% CI
    whiskers where given."""
    labels = labels or list(dict.fromkeys(p[0] for pts in series.values() for p in pts))
    values = [v for pts in series.values() for p in pts for v in (p[1], p[3]) if v is not None]
    if not labels or not values:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40" role="img"><text x="8" y="24" font-size="13">{escape(title)}：暂无数据</text></svg>'
    y_min = min(0.0, min(values))
    y_max = _nice_max(values)
    left, right, top, bottom = 48, 150, 28, 58
    pw, ph = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (pw * (i + 0.5) / len(labels))

    def y(v: float) -> float:
        return top + ph * (1 - (v - y_min) / ((y_max - y_min) or 1))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
             f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for k in range(5):
        v = y_min + (y_max - y_min) * k / 4
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#555">{_num(v)}</text>')
    if y_label:
        parts.append(f'<text x="12" y="{top + ph / 2:.1f}" transform="rotate(-90 12 {top + ph / 2:.1f})" '
                     f'text-anchor="middle" fill="#555">{escape(y_label)}</text>')
    step = max(1, len(labels) // 12)
    for i, lab in enumerate(labels):
        if i % step == 0 or i == len(labels) - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{top + ph + 14}" text-anchor="end" fill="#555" '
                         f'transform="rotate(-30 {x(i):.1f} {top + ph + 14})">{escape(lab)}</text>')
    for n, (name, pts) in enumerate(series.items()):
        color = PALETTE[n % len(PALETTE)]
        idx = {lab: i for i, lab in enumerate(labels)}
        coords = [(x(idx[p[0]]), y(p[1]), p) for p in pts if p[1] is not None]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _ in coords)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for cx, cy, p in coords:
            if p[2] is not None and p[3] is not None:
                parts.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(p[2]):.1f}" y2="{y(p[3]):.1f}" '
                             f'stroke="{color}" stroke-opacity="0.5" stroke-width="1.5"/>')
            ci = f" [{_num(p[2])}, {_num(p[3])}]" if p[2] is not None and p[3] is not None else ""
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{color}">'
                         f'<title>{escape(name)} @ {escape(p[0])}: {_num(p[1])}{ci}</title></circle>')
        ly = top + 4 + n * 16
        parts.append(f'<rect x="{left + pw + 12}" y="{ly}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{left + pw + 26}" y="{ly + 9}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(groups: dict[str, dict[str, float | None]], series: list[str], *, title: str = "", width: int = 680,
              bar: int = 9) -> str:
    """Grouped horizontal bars on a 0–1 scale: one group per row label (e.g. a finding code), one bar per series."""
    left, right, top = 160, 60, 44
    row_h = bar * len(series) + 8
    height = top + row_h * max(1, len(groups)) + 12
    pw = width - left - right
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
             f'<text x="8" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for n, name in enumerate(series):
        lx = left + n * 110
        parts.append(f'<rect x="{lx}" y="24" width="10" height="10" fill="{PALETTE[n % len(PALETTE)]}"/>'
                     f'<text x="{lx + 14}" y="33">{escape(name)}</text>')
    for k in range(5):
        gx = left + pw * k / 4
        parts.append(f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="{top - 4}" y2="{height - 12}" stroke="#eee"/>'
                     f'<text x="{gx:.1f}" y="{height - 1}" text-anchor="middle" fill="#777">{k / 4:g}</text>')
    for r, (label, vals) in enumerate(groups.items()):
        gy = top + r * row_h
        parts.append(f'<text x="{left - 6}" y="{gy + row_h / 2 + 3:.1f}" text-anchor="end">{escape(label)}</text>')
        for n, name in enumerate(series):
            v = vals.get(name)
            by = gy + n * bar
            if v is None:
                parts.append(f'<text x="{left + 3}" y="{by + bar - 1}" fill="#999" font-size="9">–</text>')
                continue
            w = max(0.0, min(1.0, v)) * pw
            parts.append(f'<rect x="{left}" y="{by}" width="{w:.1f}" height="{bar - 1}" fill="{PALETTE[n % len(PALETTE)]}">'
                         f'<title>{escape(label)} {escape(name)}: {_num(v)}</title></rect>'
                         f'<text x="{left + w + 3:.1f}" y="{by + bar - 1}" font-size="9" fill="#333">{_num(v)}</text>')
    parts.append("</svg>")
    return "".join(parts)
