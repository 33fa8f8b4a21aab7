"""The result chart of the printable guide: outcome shares with their 95% intervals, the scenario
beside the baseline, as one inline SVG.

Inline SVG, not an image or a chart library, because the guide must be one self-contained file
that prints the same from a browser and from WeasyPrint, with no script and no request. It must
also read in black and white: the scenario's bars are solid dark grey, the baseline's are white
with black hatching, every bar carries its value in words, and the interval is a black whisker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from sim.summary import Share, percent

#: Geometry in SVG user units (the chart scales to the page width; 640 units ≈ 170 mm).
WIDTH = 640
_LABEL = 200  # left column: the outcome's name
_VALUE = 62  # right column: the printed value of the bar
_BAR = 11
_GAP = 9
_TOP = 24
_AXIS = 28


@dataclass(frozen=True)
class Row:
    """One measure: its label, the scenario's share and the baseline's (None when the scenario
    is the baseline itself)."""

    label: str
    scenario: Share
    baseline: Share | None = None


def _scale_max(rows: list[Row]) -> float:
    """The axis' end: the largest interval end, rounded up to a tenth (at least 10%), so that a
    chart of rare outcomes is not a row of slivers."""
    top = max(
        [r.scenario.hi for r in rows] + [r.baseline.hi for r in rows if r.baseline is not None]
    )
    return min(1.0, max(0.1, math.ceil(top * 10 - 1e-9) / 10))


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def svg(rows: list[Row], scenario_name: str, baseline_name: str | None) -> str:
    """The chart as an `<svg>` element (a `<title>` and `<desc>` say what it shows)."""
    pair = any(r.baseline is not None for r in rows)
    bars = 2 if pair else 1
    row_h = bars * _BAR + _GAP
    top = _TOP + (14 if pair else 0)  # room for the legend's second line
    height = top + len(rows) * row_h + _AXIS
    span = WIDTH - _LABEL - _VALUE
    end = _scale_max(rows)

    def x(value: float) -> float:
        return _LABEL + span * min(value, end) / end

    parts: list[str] = []
    step = 0.05 if end <= 0.2 else 0.1 if end <= 0.5 else 0.2
    ticks = [i * step for i in range(int(round(end / step)) + 1)]
    bottom = top + len(rows) * row_h
    for t in ticks:
        parts.append(
            f'<line x1="{_fmt(x(t))}" y1="{top - 4}" x2="{_fmt(x(t))}" y2="{bottom}" '
            'stroke="#999" stroke-width="0.6" stroke-dasharray="2 2"/>'
            f'<text x="{_fmt(x(t))}" y="{bottom + 14}" text-anchor="middle" '
            f'class="tick">{round(t * 100)}%</text>'
        )
    for i, row in enumerate(rows):
        y0 = top + i * row_h
        parts.append(
            f'<text x="{_LABEL - 8}" y="{_fmt(y0 + bars * _BAR / 2 + 4)}" text-anchor="end" '
            f'class="label">{escape(row.label)}</text>'
        )
        series = [(row.scenario, "scenario")]
        if row.baseline is not None:
            series.append((row.baseline, "baseline"))
        for j, (share, kind) in enumerate(series):
            y = y0 + j * _BAR
            fill = "#333" if kind == "scenario" else "url(#hatch)"
            width = max(0.0, x(share.share) - _LABEL)
            lo, hi = x(share.lo), x(share.hi)
            mid, y1, y2 = y + _BAR / 2, _fmt(y + 2), _fmt(y + _BAR - 2)
            parts.append(
                f'<rect x="{_LABEL}" y="{_fmt(y + 1)}" width="{_fmt(width)}" height="{_BAR - 2}" '
                f'fill="{fill}" stroke="#000" stroke-width="0.6"/>'
                f'<line x1="{_fmt(lo)}" y1="{_fmt(mid)}" x2="{_fmt(hi)}" y2="{_fmt(mid)}" '
                'stroke="#000" stroke-width="1.2"/>'
                f'<line x1="{_fmt(lo)}" y1="{y1}" x2="{_fmt(lo)}" y2="{y2}" '
                'stroke="#000" stroke-width="1.2"/>'
                f'<line x1="{_fmt(hi)}" y1="{y1}" x2="{_fmt(hi)}" y2="{y2}" '
                'stroke="#000" stroke-width="1.2"/>'
                f'<text x="{WIDTH - 4}" y="{_fmt(mid + 3.5)}" text-anchor="end" class="value">'
                f"{escape(percent(share.share))}</text>"
            )
    legend = (
        '<rect x="4" y="4" width="14" height="9" fill="#333" stroke="#000" stroke-width="0.6"/>'
        f'<text x="23" y="12" class="legend">{escape(scenario_name)}</text>'
    )
    if pair and baseline_name is not None:
        legend += (
            '<rect x="4" y="18" width="14" height="9" fill="url(#hatch)" stroke="#000" '
            f'stroke-width="0.6"/><text x="23" y="26" class="legend">{escape(baseline_name)}'
            "</text>"
        )
    described = (
        f"Share of histories ending in each outcome, {scenario_name}"
        + (f" (dark bars) beside {baseline_name} (hatched bars)" if pair and baseline_name else "")
        + "; the black whisker on each bar is its 95% interval: "
        + "; ".join(
            f"{r.label}: {percent(r.scenario.share)}"
            + (f" against {percent(r.baseline.share)}" if r.baseline is not None else "")
            for r in rows
        )
    )
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="chart-title">The model\'s outcome shares</title>'
        f'<desc id="chart-desc">{escape(described)}</desc>'
        '<defs><pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="4" height="4" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="4" stroke="#000" stroke-width="1.2"/></pattern></defs>'
        '<style>text{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;fill:#000}'
        ".label{font-size:11px}.value{font-size:10.5px}.tick{font-size:9px}"
        ".legend{font-size:10.5px}</style>" + legend + "".join(parts) + "</svg>"
    )
