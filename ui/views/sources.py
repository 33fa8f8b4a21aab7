"""Sources & model: what the model cannot tell you, every parameter with its source, every constant
fixed in the code (sim/constants.py) with its source, how far the decision noise moves the
headline shares, the hazard presets, the full references, and the model description
(docs/MODEL.md).

Parameters are shown as one small card each, grouped by actor (two columns on a wide screen, one
on a phone), so nothing needs sideways scrolling; the same table is also offered whole, for
sorting and copying."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from sim import calendar, constants, presets, sources, summary
from sim.labels import LABELS
from sim.params import ACTOR_NAMES, HAZARD_PRESETS, SCHEMA, SPECS, ParamSpec, Value, format_value
from ui.components import cache, controls, link, session

MODEL_MD = Path(__file__).resolve().parents[2] / "docs" / "MODEL.md"
CANNOT = "what this model cannot tell you"
#: Shown only when docs/MODEL.md has no section of that name.
CANNOT_FALLBACK = """
- **What would have happened.** It gives shares of simulated histories under stated assumptions,
  not probabilities of the real past; a different, equally defensible model could give other
  numbers.
- **Exact numbers for unmeasured things.** Many preferences (hawkishness, resolve, risk
  acceptance) are modelling assumptions; their ranges matter more than their defaults.
- **How likely war really was.** The incident hazard comes from estimates made in hindsight that
  measure different things; choosing a preset is choosing an assumption.
- **People it leaves out.** Castro, the UN, other allies and domestic politics appear only as
  parameters or not at all; three governments are each played as a single actor.
- **Anything a source does not support.** Where a claim is not in the fact base the app says
  "modelling assumption".
"""


def model_text() -> str | None:
    """docs/MODEL.md without its HTML comments (generation markers), or None if absent."""
    try:
        text = MODEL_MD.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)


def section(markdown: str, title: str) -> str | None:
    """The body of the first heading whose text contains `title` (case-insensitive)."""
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"(#+)\s+(.*)", line)
        if match and title in match.group(2).lower():
            level = len(match.group(1))
            body = []
            for following in lines[i + 1 :]:
                head = re.match(r"(#+)\s", following)
                if head and len(head.group(1)) <= level:
                    break
                body.append(following)
            return "\n".join(body).strip() or None
    return None


FACTS_NOTE = (
    "Source keys (such as OH, UPI93 or S:46) refer to the project's fact base: FACTS.md, a sourced "
    'list of facts about Britain and the crisis, in seven sections (§1–§7); "FACTS §7" means '
    "its section 7."
)
SEED_NOTE = (
    "**S:n** — line n of a machine summary of Rawnsley (1995), used only where checked against "
    "the fact base (lines the fact base lists as fabricated, in its §5, are never cited)."
)


def value_range(spec: ParamSpec) -> str:
    if spec.kind == "float":
        return f"{spec.minimum:g} to {spec.maximum:g}"
    if spec.kind == "choice":
        return ", ".join(controls.choice_label(c) for c in spec.choices)
    if spec.kind == "bool":
        return "yes / no"
    first, last = spec.time_range()  # the slider's range, from the schema
    return f"{first.day} {first:%b} – {last.day} {last:%b}, {spec.timezone} time"


def preset_name(value: object) -> str | None:
    """'Ellsberg' when `value` is a preset's escalation risk, else None."""
    chosen = session.preset_for(value)
    if chosen not in HAZARD_PRESETS:
        return None
    return HAZARD_PRESETS[chosen].label.split(":")[0].split(" (")[0]


def default_text(spec: ParamSpec, value: Value | None = None) -> str:
    """A default as a reader wants it: '0.35', '27 Oct 18:00 London', 'yes', and for the hazard
    '0.1 (Ellsberg preset)'."""
    value = spec.default if value is None else value
    if spec.kind == "float" and isinstance(value, float):
        if spec.name == session.HAZARD:
            preset = preset_name(value)
            return f"{value:.3g}" + (f" ({preset} preset)" if preset else "")
        return f"{value:.3g}"
    if spec.kind == "datetime":
        assert isinstance(value, dt.datetime)
        return f"{calendar.fmt(value)} {spec.timezone}"
    return controls.describe_value(spec, value)


def parameter_card(spec: ParamSpec) -> None:
    facts = f"Default **{default_text(spec)}** · range {value_range(spec)}"
    if spec.unit:
        facts += f" ({spec.unit})"
    with st.container(border=True):
        text = f"**{spec.label}** · `{spec.name}`  \n{facts}  \n{spec.meaning}"
        st.markdown(text.replace("$", r"\$"))
        st.caption(f"Source: {spec.source}".replace("$", r"\$"))


def parameter_cards() -> None:
    """One card per parameter, in a tab per actor (every tab's cards are in the page, for search
    and screen readers); two columns that stack on a phone."""
    actors = [(a, [s for s in SCHEMA if s.actor == a]) for a in ACTOR_NAMES]
    actors = [(a, specs) for a, specs in actors if specs]
    tabs = st.tabs([f"{ACTOR_NAMES[a]} ({len(specs)})" for a, specs in actors])
    for tab, (_actor, specs) in zip(tabs, actors, strict=True):
        with tab:
            # Row by row, so that on a phone (where columns stack) the cards keep schema order.
            for row in range(0, len(specs), 2):
                for column, spec in zip(st.columns(2), specs[row : row + 2], strict=False):
                    with column:
                        parameter_card(spec)


def parameter_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Name": [s.name for s in SCHEMA],
            "Label": [s.label for s in SCHEMA],
            "Default": [default_text(s) for s in SCHEMA],
            "Range": [value_range(s) for s in SCHEMA],
            "Unit": [s.unit for s in SCHEMA],
            "Actor": [ACTOR_NAMES[s.actor] for s in SCHEMA],
            "Source": [s.source for s in SCHEMA],
            "Meaning": [s.meaning for s in SCHEMA],
        }
    )


#: Column widths of the whole table (px): the long text columns get the room.
TABLE_COLUMNS = {
    "Name": st.column_config.TextColumn(width=200),
    "Label": st.column_config.TextColumn(width=200),
    "Default": st.column_config.TextColumn(width=150),
    "Range": st.column_config.TextColumn(width=150),
    "Unit": st.column_config.TextColumn(width=150),
    "Actor": st.column_config.TextColumn(width=110),
    "Source": st.column_config.TextColumn(width=360),
    "Meaning": st.column_config.TextColumn(width=480),
}


def constant_table(rows: list[constants.Constant]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Constant": [c.name for c in rows],
            "Value": [c.text() for c in rows],
            "Source": [c.source for c in rows],
            "Where it acts": [c.acts for c in rows],
        }
    )


CONSTANT_COLUMNS = {
    "Constant": st.column_config.TextColumn(width=300),
    "Value": st.column_config.TextColumn(width=170),
    "Source": st.column_config.TextColumn(width=170),
    "Where it acts": st.column_config.TextColumn(width=380),
}


def constant_tabs() -> None:
    """One table per actor or submodel, in tabs (every tab's table is in the page)."""
    grouped = [(title, rows) for title, rows in constants.groups() if rows]
    tabs = st.tabs(
        [f"{title.split(':')[0].split(' (')[0]} ({len(rows)})" for title, rows in grouped]
    )
    for tab, (title, rows) in zip(tabs, grouped, strict=True):
        with tab:
            st.caption(title)
            table = constant_table(rows)
            st.dataframe(
                table,
                hide_index=True,
                width="stretch",
                height=35 * (len(table) + 1) + 3,
                column_config=CONSTANT_COLUMNS,
            )


NOISE = "world.decision_noise"
#: The noise table's run: the app's default size, one fixed seed, so the numbers are stable.
NOISE_RUNS = 5000
NOISE_SEED = 0
#: The headline shares the noise table shows: (column, outcome id, or "any_war").
HEADLINES = (
    (LABELS["negotiated_withdrawal"], "negotiated_withdrawal"),
    ("Any fighting", "any_war"),
    (LABELS["nuclear_war"], "nuclear_war"),
)


def share_text(share: summary.Share) -> str:
    return f"{summary.percent(share.share)} [{share.lo * 100:.1f}–{share.hi * 100:.1f}]"


def noise_table() -> pd.DataFrame:
    """The baseline at the noise's minimum, default and maximum (schema), each on the same
    `NOISE_RUNS` histories (seed `NOISE_SEED`: common random numbers), through the app's cache."""
    spec = SPECS[NOISE]
    base = session.baseline().params()
    rows: dict[str, list[str]] = {"Decision noise": []}
    rows.update({column: [] for column, _ in HEADLINES})
    default = spec.default
    assert spec.minimum is not None and spec.maximum is not None and isinstance(default, float)
    for which, value in (
        ("minimum", spec.minimum),
        ("default", default),
        ("maximum", spec.maximum),
    ):
        results = cache.run(base.with_overrides({NOISE: value}), NOISE_SEED, NOISE_RUNS)
        shares = summary.outcome_shares(results)
        rows["Decision noise"].append(f"{format_value(value)} ({which})")
        for column, outcome in HEADLINES:
            share = summary.war_share(results) if outcome == "any_war" else shares[outcome]
            rows[column].append(share_text(share))
    return pd.DataFrame(rows)


def reference_groups() -> list[tuple[list[str], str]]:
    """Each work once, with every key that points to it ('Sagan', 'Sagan 1993'), by first key.
    The seed key is left out (it is explained on its own)."""
    groups: dict[str, list[str]] = {}
    for key, ref in sources.SOURCES.items():
        if key != sources.SEED_KEY:
            groups.setdefault(ref, []).append(key)
    ordered = [(sorted(keys, key=str.casefold), ref) for ref, keys in groups.items()]
    return sorted(ordered, key=lambda item: item[0][0].casefold())


def references_markdown() -> str:
    lines = [
        "- " + ", ".join(f"**{k}**" for k in keys) + f": {ref}" for keys, ref in reference_groups()
    ]
    # The seed key in its alphabetical place.
    at = next(
        (i for i, (keys, _) in enumerate(reference_groups()) if keys[0].casefold() > "s:"),
        len(lines),
    )
    lines.insert(at, f"- {SEED_NOTE}")
    return "\n".join(lines).replace("$", r"\$")


def preset_table() -> pd.DataFrame:
    """Each preset's estimate beside what the model gives at its solved escalation risk."""
    listed = presets.ordered()
    found = [presets.solved(p.id) for p in listed]
    return pd.DataFrame(
        {
            "Preset": [p.label for p in listed],
            "Estimate": [p.estimate for p in listed],
            "This model gives [95%]": [
                "not solved" if f is None else f.measured.text() for f in found
            ],
            "Escalation risk": [format_value(presets.value(p.id)) for p in listed],
            "Confidence": [controls.CONFIDENCE.get(p.confidence, p.confidence) for p in listed],
        }
    )


def preset_run_size() -> str:
    sizes = [s.run_size for p in presets.PRESETS if (s := presets.solved(p))]
    return sizes[0] if sizes else "not measured yet"


def main() -> None:
    settings = session.current()
    link.sync_url(settings)
    st.title("Sources & model", anchor=False)
    st.write(
        "Every number in the app comes from a parameter below. Each parameter names its source: "
        "a key from the project's fact base, resolved to a full reference at the bottom of this "
        "page, or the words 'modelling assumption'."
    )
    st.info(FACTS_NOTE)
    text = model_text()

    st.header("What this model cannot tell you", anchor=False)
    cannot = section(text, CANNOT) if text else None
    st.markdown(cannot or CANNOT_FALLBACK)

    st.header("Parameters", anchor=False)
    st.caption(
        f"All {len(SCHEMA)} parameters, as the sliders on the Explore page use them, one tab per "
        "actor: default, range, unit, meaning and source."
    )
    parameter_cards()
    with st.expander("All parameters as one table (to sort, search or copy)"):
        table = parameter_table()
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            height=35 * (len(table) + 1) + 3,
            column_config=TABLE_COLUMNS,
        )

    st.header("Constants in the code", anchor=False)
    st.caption(
        f"The {len(constants.CONSTANTS)} numbers fixed in the code rather than set by a slider: "
        "incident rates and severities, how incidents are contained, the danger ladder, war "
        "phases, missile readiness by date, and every weight in each government's reasons. Each "
        "value is read from the code itself. For a weight, the source backs the direction of the "
        "reason it weighs; its size is a modelling assumption calibrated so that the baseline "
        "follows the course of 1962."
    )
    constant_tabs()

    st.header("How much the decision noise matters", anchor=False)
    spec = SPECS[NOISE]
    st.write(
        f"{spec.label} ({spec.meaning.split(':')[0].lower()}) is a modelling assumption: no "
        "source measures it. Its range is bounded so that it moves nuclear war less than the "
        "actors' own settings and the escalation risk do (a sensitivity screen checks this "
        "ranking in the tests). The baseline at its lowest, default and highest value, "
        f"{NOISE_RUNS:,} histories each (seed {NOISE_SEED}, the same histories throughout), "
        "share [95% interval]:"
    )
    st.dataframe(noise_table(), hide_index=True, width="stretch")

    st.header("Escalation-risk presets", anchor=False)
    st.caption(
        "Published estimates of the danger of war over the whole crisis, each beside what this "
        "model's baseline gives at the escalation risk (chance an incident is not contained) "
        f"solved for it. Measured on {preset_run_size()}. They measure different things; at a "
        "preset the model's war share is the estimate by construction."
    )
    st.dataframe(preset_table(), hide_index=True, width="stretch")
    st.markdown(
        "\n".join(
            f"- **{p.label}** — {presets.comparison(p)}; measures {p.note}. Source: {p.source}. "
            f"Confidence: {controls.CONFIDENCE.get(p.confidence, p.confidence)}."
            for p in presets.ordered()
        ).replace("$", r"\$")
    )

    st.header("References", anchor=False)
    st.caption("Each work once, with every key that refers to it.")
    st.markdown(references_markdown())

    st.header("The model", anchor=False)
    if text is None:
        st.info("The full model description (docs/MODEL.md) is not available in this copy.")
    else:
        with st.expander("Full model description (docs/MODEL.md)"):
            st.markdown(text.replace("$", r"\$"))


with session.friendly_errors("Sources & model"):
    main()
