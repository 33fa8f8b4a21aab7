"""The look shared by every chart: colours, type sizes, wrapping, and the Vega-Lite spec helpers.

Colours are from the Okabe–Ito palette (safe for the common colour-vision deficiencies); axis and
legend type is at least `FONT` px in a dark colour, labels are never cut short, and presentation
mode scales type for a projector. `ui.components.charts` builds the figures on top of this.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sim import summary
from sim.labels import CONCESSION_LABELS, LADDER

if TYPE_CHECKING:
    import altair as alt

SCENARIO_COLOUR = "#0072B2"  # Okabe–Ito blue
BASELINE_COLOUR = "#E69F00"  # Okabe–Ito orange
INK = "#222222"
TEXT = "#262730"  # Streamlit's text colour: 15:1 on white
#: Axis and legend type at least this large (px) on every chart, not only on a projector.
FONT = 14
#: Category labels wrap onto lines of about this many characters instead of being cut off.
WRAP = 22
SCENARIO = "This scenario"
BASELINE = "Baseline"
RUN_ORDER = [SCENARIO, BASELINE]


@cache
def run_scale() -> alt.Scale:
    """Scenario blue, baseline orange (a function: Altair is imported only where charts are built,
    in the worker pool, not by the app's server, which only draws their specs)."""
    import altair as alt

    return alt.Scale(domain=RUN_ORDER, range=[SCENARIO_COLOUR, BASELINE_COLOUR])


@cache
def legend() -> alt.Legend:
    """The legend above the chart, in a row."""
    import altair as alt

    return alt.Legend(orient="top", title=None, direction="horizontal")


Spec = dict[str, Any]


@dataclass(frozen=True)
class Figure:
    spec: Spec  # Vega-Lite, ready for st.vega_lite_chart
    caption: str  # one sentence with the key numbers, shown under the chart
    detail: str  # the chart in words, in full (per date or category)


#: Chart kinds whose spec has been checked against the Vega-Lite schema in this process.
_VALIDATED: set[str] = set()


def spec_of(chart: alt.TopLevelMixin, kind: str) -> Spec:
    """The chart's Vega-Lite spec with its data inline, without Altair's default 300 px view
    size (Streamlit sizes charts itself).

    Each kind of chart is checked against the Vega-Lite schema the first time it is drawn in
    this process; later ones differ only in their data, so the check (about half the cost of
    building a chart) is skipped for them."""
    spec: Spec = chart.to_dict(validate=kind not in _VALIDATED)
    _VALIDATED.add(kind)
    readable(spec)
    view = spec.get("config", {}).get("view", {})
    for name in ("continuousWidth", "continuousHeight"):
        view.pop(name, None)
    if "config" in spec and not view:
        spec["config"].pop("view", None)
        if not spec["config"]:
            del spec["config"]
    return spec


def readable(spec: Spec) -> Spec:
    """Type a class can read (changes and returns `spec`): axis and legend text at least
    `FONT` px in a dark colour; labels are never cut short (`labelLimit` 0: no limit)."""
    config = spec.setdefault("config", {})
    for part in ("axis", "legend", "header"):
        entry = config.setdefault(part, {})
        entry.update(labelFontSize=FONT, titleFontSize=FONT, labelColor=TEXT, titleColor=TEXT)
        entry.setdefault("labelLimit", 0)
    config.setdefault("title", {}).update(fontSize=FONT + 2, color=TEXT)
    return spec


def wrap(text: str, width: int = WRAP) -> list[str]:
    """`text` on lines of at most about `width` characters, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]


def wrapped_labels(labels: list[str], width: int = WRAP) -> str:
    """A Vega `labelExpr` that prints each of `labels` wrapped onto several lines (the data keep
    the whole label, for tooltips and the chart in words)."""
    return f"{json.dumps({label: wrap(label, width) for label in labels})}[datum.value]"


def for_projector(spec: Spec, scale: float = 1.5) -> Spec:
    """The same chart with larger type, for presentation mode (changes and returns `spec`): fonts,
    label widths and the chart's height grow by `scale`, so the plot keeps its room."""
    config = spec.setdefault("config", {})
    size = round(12 * scale)
    for part in ("axis", "legend", "header"):
        config.setdefault(part, {}).update(labelFontSize=size, titleFontSize=size)
    config.setdefault("title", {}).update(fontSize=round(14 * scale))
    config.setdefault("text", {}).update(fontSize=size)

    def grow(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "labelLimit" and isinstance(value, int | float):
                    node[key] = round(value * scale)
                else:
                    grow(value)
        elif isinstance(node, list):
            for item in node:
                grow(item)

    grow({k: v for k, v in spec.items() if k != "datasets"})
    if isinstance(spec.get("height"), int | float):
        spec["height"] = round(spec["height"] * scale)
    return spec


def pct(x: float) -> str:
    return f"{x:.1%}"


def day_text(day: int) -> str:
    """'27 Oct': a calendar day of the crisis (index 0 = 16 Oct), each day written once."""
    date = summary.day_date(day)
    return f"{date.day} {date:%b}"


def concession_label(name: str) -> str:
    return CONCESSION_LABELS.get(name, name.replace("_", " ").capitalize())


def rung_label(rung: int) -> str:
    """A ladder rung's name, without its parenthetical example (axis labels must be short)."""
    return LADDER[rung].split(" (")[0]
