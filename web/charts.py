"""Bar charts as SVG, drawn on the server: what a manager copies into a slide.

Our own small module rather than a chart library: the page needs one kind of chart (grouped
bars), it must work without JavaScript and under our Content-Security-Policy (no inline
script or style), and the numbers are also in a table beside each chart for screen readers, so
the SVG is one labelled image. Colours keep 3:1 against white and against each other's
neighbours; every series also has its name in the legend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

COLOURS = ("#005aa0", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#be123c")
WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 12, 40, 56


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    """Categories along the x axis (years, groups), one bar per series in each."""

    id: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""

    @property
    def empty(self) -> bool:
        return not self.categories or not any(v for s in self.series for v in s.values)

    def rows(self) -> list[tuple[str, list[float]]]:
        """The chart's table: one row per category, one cell per series."""
        return [(category, [s.values[i] for s in self.series]) for i, category in enumerate(self.categories)]


def number_sv(value: float) -> str:
    """12 345 (a no-break space between thousands), decimals with a comma."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def _nice_step(top: float) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about four grid lines up to ``top``."""
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def svg(chart: Chart) -> Markup:
    """The chart as an inline SVG image labelled with its title."""
    peak = max((v for s in chart.series for v in s.values), default=0) or 1
    step = _nice_step(peak)
    if all(float(v).is_integer() for s in chart.series for v in s.values):
        step = max(step, 1.0)  # counts: no grid line at half a case
    top = step * math.ceil(peak / step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart.id}-svg-title"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart.id}-svg-title">{escape(chart.title)} (siffrorna finns i tabellen intill)</title>',
    ]
    for k in range(round(top / step) + 1):
        y = TOP + plot_h - plot_h * (k * step) / top
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="chart__grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{number_sv(k * step)}</text>')
    group_w = plot_w / max(len(chart.categories), 1)
    bar_w = min(48.0, group_w * 0.8 / max(len(chart.series), 1))
    labelled = len(chart.categories) * len(chart.series) <= 16
    for i, category in enumerate(chart.categories):
        x0 = LEFT + i * group_w + (group_w - bar_w * len(chart.series)) / 2
        for j, series in enumerate(chart.series):
            value = series.values[i]
            h = plot_h * value / top
            x, y = x0 + j * bar_w, TOP + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}"'
                f' fill="{COLOURS[j % len(COLOURS)]}"/>'
            )
            if labelled and value:
                parts.append(
                    f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle"'
                    f' class="chart__value">{number_sv(value)}</text>'
                )
        parts.append(
            f'<text x="{LEFT + (i + 0.5) * group_w:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">'
            f"{escape(category)}</text>"
        )
    base = TOP + plot_h
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}" class="chart__axis"/>')
    if chart.unit:
        parts.append(f'<text x="{LEFT}" y="{HEIGHT - 8}" class="chart__unit">{escape(chart.unit)}</text>')
    x = float(LEFT)
    for j, series in enumerate(chart.series):
        colour = COLOURS[j % len(COLOURS)]
        parts.append(f'<rect x="{x:.1f}" y="12" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16:.1f}" y="22">{escape(series.name)}</text>')
        x += 28 + 8.4 * len(series.name)
    parts.append("</svg>")
    return Markup("".join(parts))
