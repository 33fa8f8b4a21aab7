"""The Explore page's headline chart (its first screen): the measure the scenario is about and
the danger beside it, this scenario above the baseline, with 95% intervals and printed values.

Pure functions of the paired runs, without Streamlit, so the chart is built with the page's
other charts in the app's worker pool (`ui.components.pool_jobs.page_job`), not in the
server's own process where every session shares one core; `ui.components.first_screen` draws it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import summary
from sim.ensemble import Paired, Results
from sim.labels import CONCESSION_LABELS, CONCESSIONS, LABELS, OUTCOMES
from sim.summary import Share
from ui.components import charts

if TYPE_CHECKING:
    import altair as alt

ANY_WAR = "any_war"  # the measure name used by scenario files (sim.lessons.ANY_WAR)
#: A measure's row in the headline chart.
ROW_LABELS = {ANY_WAR: "Any fighting"}
MINUS = "\N{MINUS SIGN}"


def row_label(measure: str) -> str:
    if measure in CONCESSIONS:
        return f"Deal includes: {CONCESSION_LABELS.get(measure, measure)}"
    return ROW_LABELS.get(measure, LABELS.get(measure, measure))


def share(r: Results, measure: str) -> Share:
    """One side's share of a measure with its 95% interval (deals: share of all histories)."""
    if measure == ANY_WAR:
        return summary.war_share(r)
    if measure in OUTCOMES:
        return summary.outcome_shares(r)[measure]
    return summary.deal_shares(r)[measure]


def chart_measures(measure: str) -> list[str]:
    """The headline measure and the danger beside it: any fighting, or for any fighting itself
    the use of nuclear weapons."""
    return [measure, ANY_WAR if measure != ANY_WAR else "nuclear_war"]


def signed(points: float, decimals: int = 1) -> str:
    """'+4.7' / '−4.7' with a true minus sign (points, not shares)."""
    text = f"{abs(points):.{decimals}f}"
    if float(text) == 0:
        return text
    return ("+" if points > 0 else MINUS) + text


#: A concession in a few words, for the scenario picker ("deal: Thors in 80% (+79)").
SHORT_CONCESSIONS = {
    "pledge": "pledge",
    "secret_jupiters": "Jupiter assurance",
    "public_jupiters": "public Jupiter trade",
    "thor_immobilisation": "Thors",
    "west_berlin_guarantee": "Berlin guarantee",
}


def effect_words(p: Paired, measure: str) -> str:
    """The measured effect in a few words: 'any fighting +21.6 pts', 'deal: Thors in 80% (+79)'."""
    d = summary.measure_difference(p, measure)
    if measure in CONCESSIONS:
        name = SHORT_CONCESSIONS.get(measure, measure.replace("_", " "))
        if not summary.moves(d):
            return f"deal: {name} unchanged"
        now = share(p.scenario, measure).share
        return f"deal: {name} in {now:.0%} ({signed(d.share * 100, 0)})"
    name = summary.in_sentence(row_label(measure))
    if not summary.moves(d):
        return f"{name} unchanged"
    return f"{name} {signed(d.share * 100)} pts"


def figure(p: Paired, measure: str, runs: int) -> charts.Figure:
    """Bars with 95% whiskers and printed values: the headline measure and the danger beside it,
    this scenario above the baseline."""
    import altair as alt  # here, not at the top: see ui.components.charts

    measures = chart_measures(measure)
    rows: list[dict[str, object]] = []
    for m in measures:
        for run, r in ((charts.SCENARIO, p.scenario), (charts.BASELINE, p.baseline)):
            s = share(r, m)
            rows.append(
                {
                    "category": row_label(m),
                    "run": run,
                    "share": s.share,
                    "lo": s.lo,
                    "hi": s.hi,
                    "value": summary.percent(s.share),
                    "text": f"{summary.percent(s.share)} (95% interval "
                    f"{summary.percent(s.lo)}–{summary.percent(s.hi)})",
                }
            )
    order = [row_label(m) for m in measures]
    # Room on the right for the printed values; the axis starts at 0 (no exaggeration).
    top = min(1.0, max(float(r["hi"]) for r in rows) * 1.3 + 0.02)  # type: ignore[arg-type]

    def x(end: float) -> alt.X:
        return alt.X(
            "share:Q",
            title="Share of histories",
            scale=alt.Scale(domain=[0, end], nice=False),
            axis=alt.Axis(format="%", tickCount=4, labelFlush=True),
        )

    spec = charts.bars_spec(
        "first-screen", rows, order, "Share of histories", x=x, top=top, values=True, row_height=56
    )
    spec.setdefault("config", {}).setdefault("text", {})["fontSize"] = charts.FONT
    d = summary.measure_difference(p, measure)
    scen, base_share = share(p.scenario, measure), share(p.baseline, measure)
    caption = (
        f"{row_label(measure)}: {summary.percent(scen.share)} in this scenario, "
        f"{summary.percent(base_share.share)} in the baseline"
    )
    if p.scenario is not p.baseline:
        caption += (
            f" ({signed(d.share * 100)} points, 95% interval {signed(d.lo * 100)} to "
            f"{signed(d.hi * 100)})"
        )
    caption += f", on the same {runs:,} histories. Black lines: 95% intervals."
    detail = "; ".join(f"{r['category']}, {r['run'].lower()}: {r['text']}" for r in rows)  # type: ignore[attr-defined]
    return charts.Figure(spec, caption, detail + ".")
