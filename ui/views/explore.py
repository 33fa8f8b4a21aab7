"""Explore: one scenario beside its paired baseline — headline shares, what changed, charts,
and the link, files and upload that keep or share the view."""

from __future__ import annotations

import copy
import re

import pandas as pd
import streamlit as st

from sim import sources, summary
from sim.ensemble import Paired
from sim.labels import CONCESSION_LABELS, CONCESSIONS, DESCRIPTIONS, LABELS, OUTCOMES, WAR_OUTCOMES
from sim.params import SPECS
from sim.scenario import MAX_BYTES, ScenarioError
from ui.components import (
    cache,
    charts,
    controls,
    export,
    first_screen,
    link,
    session,
    teacher_guide,
)

#: Outcomes always shown as headline cards, whatever their share.
ALWAYS = ("negotiated_withdrawal", "air_strike", "nuclear_war")
#: Outcomes whose rise is good news (war outcomes are bad; the others are neither).
GOOD = ("negotiated_withdrawal", "soviet_climbdown")
HEADLINE_MIN = 0.005
_MENTION = re.compile(r"\b(?:us|uk|ussr|world)\.[a-z_]+\b")


def with_labels(text: str) -> str:
    """Markdown prose with each dotted parameter name shown with its slider label."""

    def label(match: re.Match[str]) -> str:
        name = match.group(0)
        return f"**{SPECS[name].label}** (`{name}`)" if name in SPECS else name

    return _MENTION.sub(label, text.replace("$", r"\$"))


def presenting() -> bool:
    return bool(st.session_state.get("presentation"))


def question(settings: session.Settings) -> None:
    # Keyed so that presentation mode can set the question in smaller type (st-key-question).
    with st.container(key="question"):
        st.header(settings.scenario.question, anchor=False)


def scenario_intro(settings: session.Settings) -> None:
    s = settings.scenario
    if settings.params is not None:
        changed = settings.params.differences(s.params())
        if changed:
            st.caption(
                "Your changes to this scenario: "
                + "; ".join(
                    f"{SPECS[n].label} = {controls.describe_value(SPECS[n], v)}"
                    for n, v in changed.items()
                )
                + "."
            )
    with st.expander("Historical basis, what to notice, things to try"):
        st.markdown("**Historical basis**")
        st.markdown(with_labels(s.historical_basis))
        refs = []
        for key in s.sources:
            try:
                refs.append(f"[{key}] {sources.resolve(key)}")
            except sources.SourceError as error:
                refs.append(f"[{key}] ({error})")
        if refs:
            st.caption("Sources: " + " · ".join(refs))
        notice, tries = st.columns(2)
        with notice:
            st.markdown("**What to notice**")
            st.markdown("\n".join(f"- {with_labels(t)}" for t in s.what_to_notice))
        with tries:
            st.markdown("**Things to try**")
            st.markdown("\n".join(f"- {with_labels(t)}" for t in s.things_to_try))


def delta_text(diff: float) -> tuple[str, str]:
    """('−13.0 points vs baseline', arrow) with a true minus sign; arrow 'up', 'down' or 'off'."""
    value = round(diff * 100, 1)
    if value == 0:
        return "0.0 points vs baseline", "off"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):.1f} points vs baseline", "up" if value > 0 else "down"


def delta_colour(outcome: str, arrow: str) -> str:
    if arrow == "off" or (outcome not in GOOD and outcome not in WAR_OUTCOMES):
        return "gray"
    good_news = (arrow == "up") == (outcome in GOOD)
    return "green" if good_news else "red"


def headline(p: Paired) -> None:
    scen, base = summary.outcome_shares(p.scenario), summary.outcome_shares(p.baseline)
    diff = summary.paired_difference(p)
    shown = [
        o
        for o in OUTCOMES
        if o in ALWAYS or scen[o].share >= HEADLINE_MIN or base[o].share >= HEADLINE_MIN
    ]
    influence = summary.influence(p)
    # Two cards side by side on a phone; in presentation mode (larger type) four to a row on a
    # 1280 px projector.
    width = 200 if presenting() else 158
    with st.container(horizontal=True, gap="small"):
        for o in shown:
            text, arrow = delta_text(diff[o].share)
            st.metric(
                LABELS[o],
                f"{scen[o].share:.1%}",
                text,
                delta_color=delta_colour(o, arrow),  # type: ignore[arg-type]
                delta_arrow=arrow,  # type: ignore[arg-type]
                help=(
                    f"{DESCRIPTIONS[o]} This scenario: {scen[o].share:.1%} (95% interval "
                    f"{scen[o].lo:.1%}–{scen[o].hi:.1%}); baseline {base[o].share:.1%}. Paired "
                    f"difference {summary.points(diff[o].share)} (95% interval "
                    f"{summary.points(diff[o].lo)} to {summary.points(diff[o].hi)})."
                ),
                border=True,
                width=width,
            )
        st.metric(
            "British influence",
            f"{influence.share:.1%}",
            help=(
                "Share of paired histories that end differently from the same history in the "
                f"baseline (95% interval {influence.lo:.1%}–{influence.hi:.1%})."
            ),
            border=True,
            width=width,
        )
    st.caption(
        f"{p.scenario.runs:,} histories, seed {p.scenario.seed}. Percentages are shares of "
        "histories in this scenario; 'points vs baseline' is the change from the same histories "
        "in the baseline."
    )


def what_changed(p: Paired, settings: session.Settings) -> None:
    """The paragraph (with the scenario's lesson when no outcome moves), the lesson otherwise,
    and the paired change in what the deals contain."""
    st.subheader("What changed", anchor=False)
    lesson = settings.scenario.lesson
    unchanged = summary.practically_unchanged(p) and p.scenario is not p.baseline
    text = summary.what_changed(
        p, f"'{settings.scenario.title}'", "the baseline", lesson if unchanged else ""
    )
    st.write(text.replace("$", r"\$"))
    if lesson and not unchanged:
        st.markdown(f"**What this scenario teaches.** {with_labels(lesson)}")
    if (
        lesson
        and settings.params is not None
        and settings.params.differences(settings.scenario.params())
    ):
        st.caption(
            "The lesson is the scenario's as written; your changed settings may not show it."
        )
    deal_table(p)


#: The tables' paired-difference column. Four columns at most, so that a table fits a 375 px
#: phone without scrolling sideways (a region that scrolls must be reachable by keyboard).
DIFFERENCE = "Difference, points (95% interval)"


def difference_cell(d: summary.Share) -> str:
    """'+10.6 (+9.8 to +11.5)': a paired difference in points with its 95% interval."""
    return f"{summary.signed(d.share)} ({summary.signed(d.lo)} to {summary.signed(d.hi)})"


def deal_table(p: Paired) -> None:
    """Each concession: share of all histories whose deal contains it, here and in the baseline,
    and the paired difference with its 95% interval."""
    scen, base = summary.deal_shares(p.scenario), summary.deal_shares(p.baseline)
    diff = summary.paired_concession_difference(p)
    names = list(CONCESSIONS)
    st.table(
        pd.DataFrame(
            {
                "Concession in the deal": [CONCESSION_LABELS.get(c, c) for c in names],
                "This scenario": [summary.percent(scen[c].share) for c in names],
                "Baseline": [summary.percent(base[c].share) for c in names],
                DIFFERENCE: [difference_cell(diff[c]) for c in names],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Share of all histories that end in a deal containing each concession, so a deal that "
        "appears or disappears counts too; same histories on both sides. A difference whose "
        "interval includes 0 may be chance."
    )


def chart(figure: charts.Figure, description: str) -> None:
    """The chart (larger type in presentation mode) and its one-sentence caption."""
    # A copy for the projector: the figure is cached and shared by every session.
    spec = charts.for_projector(copy.deepcopy(figure.spec)) if presenting() else figure.spec
    st.vega_lite_chart(spec, width="stretch", alt=description)
    st.caption(figure.caption)


def in_words(*figures: charts.Figure, extra: str = "") -> None:
    """The charts' numbers in full, collapsed (still in the page for screen readers)."""
    with st.expander("Chart in words"):
        for text in [f.detail for f in figures] + ([extra] if extra else []):
            st.markdown(text.replace("$", r"\$"))


def show(figure: charts.Figure, description: str) -> None:
    chart(figure, description)
    in_words(figure)


def results(page: cache.Page, settings: session.Settings) -> None:
    assert settings.params is not None
    p, figures = page.paired, page.figures
    # The charts were built with the runs, in the server's worker pool (ui.components.pool), and
    # are cached with them: drawing them here costs the server's threads almost nothing.
    scen, base = figures.scenario, figures.baseline
    st.subheader("Outcomes", anchor=False)
    show(
        figures.outcome,
        "Bar chart: share of histories ending in each outcome, this scenario beside the baseline.",
    )

    st.subheader("Escalation over time", anchor=False)
    fans = figures.fans
    left, right = st.columns(2)
    with left:
        chart(fans[0], "Fan chart of escalation by date in this scenario.")
    with right:
        chart(fans[1], "Fan chart of escalation by date in the baseline.")
    st.caption(
        "Line: the median history's rung on the escalation ladder; bands: the middle 50% and "
        "90% of histories. " + charts.markers_text(times=False)
    )
    in_words(*fans, extra=charts.markers_text())

    st.subheader("When the crisis ends", anchor=False)
    show(
        figures.resolution,
        "Bar chart: share of histories resolved on each day, scenario beside baseline.",
    )

    st.subheader("What the deals contained", anchor=False)
    show(
        figures.concession,
        "Bar chart: share of negotiated deals that included each concession.",
    )

    st.subheader("British influence", anchor=False)
    influence = summary.influence(p)
    st.write(
        f"In {influence.share:.1%} of the {p.scenario.runs:,} paired histories (95% interval "
        f"{influence.lo:.1%}–{influence.hi:.1%}) the outcome differs from the same history in "
        "the baseline: same random draws, same seed, only the settings changed. Open **One "
        "history** to read a pair side by side."
    )
    consultation = settings.params.f("uk.consultation")
    if consultation < 0.5:
        st.caption(
            f"London is only informed here ({SPECS['uk.consultation'].label} = "
            f"{consultation:g}): Washington hardly hears British advice, so which British voice "
            "prevails (Cabinet or Foreign Office) changes little. That is Rawnsley's point: "
            "Britain was informed, not consulted [R95; TNA-msg]. Raise it to 0.8 to hear them."
        )
    with st.expander("Numbers behind the charts"):
        s, b = scen.outcomes, base.outcomes
        diff = summary.paired_difference(p)
        st.table(
            pd.DataFrame(
                {
                    "Outcome": [LABELS[o] for o in OUTCOMES],
                    "This scenario (95% interval)": [
                        f"{s[o].share:.1%} ({s[o].lo:.1%}–{s[o].hi:.1%})" for o in OUTCOMES
                    ],
                    "Baseline": [f"{b[o].share:.1%}" for o in OUTCOMES],
                    DIFFERENCE: [difference_cell(diff[o]) for o in OUTCOMES],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def share_section(settings: session.Settings, query: dict[str, str], p: Paired | None) -> None:
    st.subheader("Share this view", anchor=False)
    st.caption(
        "This link opens the same scenario, settings, seed and number of histories, and gives "
        "the same numbers in any browser."
        + (
            " An uploaded scenario is not stored on the server, so the link carries its settings "
            "on top of the baseline."
            if settings.uploaded
            else ""
        )
    )
    link.show(link.share_link(query))
    left, right = st.columns(2)
    with left:
        st.download_button(
            "Download histories (CSV)",
            data=export.histories_csv(p) if p is not None else "",
            file_name=f"cuba62_{settings.scenario.id}_seed{settings.seed}_{settings.runs}.csv",
            mime="text/csv",
            on_click="ignore",
            disabled=p is None,
            help="One row per history, the scenario beside the baseline (the same history there): "
            "history, outcome, baseline_outcome, changed, resolved and baseline_resolved "
            "(Washington time), concessions and baseline_concessions (joined by ';'), "
            "peak_escalation and baseline_peak_escalation (rung 0–6), incidents and "
            "baseline_incidents. The same columns as `cuba62 compare --format csv`.",
            width="stretch",
        )
    with right:
        if settings.params is not None:
            try:
                name, text = export.settings_toml(settings)
            except ScenarioError as error:
                st.error(f"These settings cannot be written as a scenario file: {error}")
            else:
                st.download_button(
                    "Download settings (TOML)",
                    data=text,
                    file_name=name,
                    mime="application/toml",
                    on_click="ignore",
                    help="A scenario file with these settings: check it with `cuba62 validate "
                    "FILE`, run it with the command line, or upload it here later.",
                    width="stretch",
                )
    teacher_guide.buttons(settings)  # built only when clicked
    limit = f"{MAX_BYTES // 1024} KB"
    # Keyed so the app's CSS can hide Streamlit's own size note ("1MB per file": its smallest
    # setting), which is not the real limit.
    with st.container(key="upload"):
        st.file_uploader(
            f"Upload a scenario (TOML file, at most {limit})",
            type=["toml"],
            key=session.K_UPLOAD,
            on_change=session.on_upload,
            max_upload_size=1,
            help=f"A scenario file like those in scenarios/ (at most {limit}). It becomes the "
            "active scenario in this browser session only; nothing is saved on the server.",
        )
        st.caption(f"One .toml file, at most {limit} ({MAX_BYTES:,} bytes).")
    message = st.session_state.get(session.K_UPLOAD_MESSAGE)
    if message:
        kind, text = message
        (st.error if kind == "error" else st.success)(text)


def main() -> None:
    # Widget values are in the session before the widgets are drawn, so the settings can be read
    # first (and an unavailable scenario replaced before its selectbox exists).
    settings = session.current()
    # The runs first (the pool computes them on the other core while the widgets are drawn).
    cache.prefetch(settings)
    if not presenting():
        st.caption("cuba62 · the Cuban missile crisis, October 1962, played thousands of times")
    controls.scenario_picker(first_screen.picker_label)
    with st.sidebar:
        controls.run_controls()
        controls.parameter_controls(settings.scenario.params())
    session.rerun_if_reconnected()  # after a server restart: read the browser's values, then draw
    query = link.sync_url(settings)
    session.show_notices()
    question(settings)
    p: Paired | None = None
    page: cache.Page | None = None
    if settings.params is None:
        st.error(
            f"These settings cannot hold together: {settings.error}. Change one of them, or press "
            "'Reset to scenario'."
        )
    else:
        # From the shared worker pool; None (with "queued"/"running" shown) while it is computed.
        page = cache.page(settings)
        if page is not None:
            p = page.paired
    # The first screen (above the fold at 1280x720, on a projector too): what to do, the
    # scenario's settings, its headline chart and its lesson; the cards and notes after it.
    first_screen.show(settings, p, presenting(), page.figures.headline if page else None)
    if p is not None:
        headline(p)
    scenario_intro(settings)
    if page is not None and p is not None:
        what_changed(p, settings)
        results(page, settings)
    share_section(settings, query, p)


with session.friendly_errors("Explore"):
    main()
