"""A daily trend drawn as inline SVG on the server: no script, no external CDN, and readable without
colour (received are solid bars, completed a dashed line with square markers, both named in a legend
and listed in a table under the chart)."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 40, 24, 10


def _n(value: float) -> str:
    return f"{value:.1f}"


def trend_svg(points: list[dict]) -> SafeString:
    if not points:
        return SafeString("")
    peak = max(max(p["received"], p["completed"]) for p in points) or 1
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = plot_w / len(points)
    bar_w = max(step * 0.6, 1)

    def y(value: int) -> float:
        return TOP + plot_h - (value / peak) * plot_h

    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="bar"><title>{}</title></rect>',
        (
            (
                _n(LEFT + i * step + (step - bar_w) / 2),
                _n(y(p["received"])),
                _n(bar_w),
                _n(TOP + plot_h - y(p["received"])),
                gettext("%(day)s: %(n)d tiếp nhận") % {"day": f"{p['day']:%d/%m}", "n": p["received"]},
            )
            for i, p in enumerate(points)
        ),
    )
    line = " ".join(f"{LEFT + i * step + step / 2:.1f},{y(p['completed']):.1f}" for i, p in enumerate(points))
    markers = format_html_join(
        "",
        '<rect x="{}" y="{}" width="5" height="5" class="marker"><title>{}</title></rect>',
        (
            (
                _n(LEFT + i * step + step / 2 - 2.5),
                _n(y(p["completed"]) - 2.5),
                gettext("%(day)s: %(n)d hoàn thành") % {"day": f"{p['day']:%d/%m}", "n": p["completed"]},
            )
            for i, p in enumerate(points)
        ),
    )
    first, last = points[0]["day"], points[-1]["day"]
    return format_html(
        '<svg viewBox="0 0 {w} {h}" class="chart" role="img" aria-labelledby="chart-title">'
        '<title id="chart-title">{title}</title>'
        '<line x1="{left}" y1="{base}" x2="{w}" y2="{base}" class="axis"/>'
        '<text x="{left_text}" y="{top_text}" class="tick">{peak}</text>'
        '<text x="{left_text}" y="{base}" class="tick">0</text>'
        "{bars}"
        '<polyline points="{line}" class="line"/>'
        "{markers}"
        '<text x="{left}" y="{h}" class="tick start">{first}</text>'
        '<text x="{w}" y="{h}" class="tick end">{last}</text>'
        "</svg>",
        w=WIDTH,
        h=HEIGHT - 4,
        left=LEFT,
        base=TOP + plot_h,
        left_text=LEFT - 6,
        top_text=TOP + 8,
        peak=peak,
        bars=bars,
        line=line,
        markers=markers,
        first=f"{first:%d/%m/%Y}",
        last=f"{last:%d/%m/%Y}",
        title=gettext("Hồ sơ tiếp nhận và hoàn thành theo ngày, từ %(first)s đến %(last)s")
        % {"first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"},
    )
