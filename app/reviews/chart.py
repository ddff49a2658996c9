"""The ranking chart, drawn on the server as SVG (prints, needs no script): one bar
per bid for its aggregated score, a whisker from the lowest to the highest raw score
and a dot per flagged score."""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 760
LABEL = 220
ROW = 28
TOP = 30
SCALE = (WIDTH - LABEL - 40) / 100


def _x(value) -> float:
    return round(LABEL + float(value) * SCALE, 1)


def ranking_svg(rows) -> Markup:
    height = TOP + ROW * max(len(rows), 1) + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="ranking-chart" role="img" '
             f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-label="评审得分对比">']
    for tick in range(0, 101, 20):
        x = _x(tick)
        parts.append(f'<line x1="{x}" y1="{TOP - 8}" x2="{x}" y2="{height - 16}" class="grid"/>'
                     f'<text x="{x}" y="{TOP - 12}" class="tick" text-anchor="middle">{tick}</text>')
    for n, row in enumerate(rows):
        y = TOP + n * ROW
        label = f"{row.rank}. {row.lead_name}"
        if len(label) > 16:
            label = label[:15] + "…"
        parts.append(f'<text x="{LABEL - 8}" y="{y + 17}" class="label" text-anchor="end">{escape(label)}</text>')
        if row.mean is None:
            parts.append(f'<text x="{LABEL + 4}" y="{y + 17}" class="none">—</text>')
            continue
        cls = "bar awarded" if row.award is not None and row.award.is_active else "bar"
        parts.append(f'<rect x="{LABEL}" y="{y + 5}" width="{round(float(row.mean) * SCALE, 1)}" height="16" '
                     f'class="{cls}"><title>{escape(str(row.mean))}</title></rect>')
        agg = row.aggregate
        parts.append(f'<line x1="{_x(agg.low)}" y1="{y + 13}" x2="{_x(agg.high)}" y2="{y + 13}" class="whisker"/>')
        for line in row.scores:
            if line.is_flagged:
                parts.append(f'<circle cx="{_x(line.total)}" cy="{y + 13}" r="4" class="flag">'
                             f'<title>{escape(str(line.total))}</title></circle>')
        parts.append(f'<text x="{_x(row.mean) + 4}" y="{y + 17}" class="value">{escape(str(row.mean))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
