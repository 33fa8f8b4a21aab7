"""Sources & model: what the model cannot tell you, every parameter with its source, the hazard
presets, the full references, and the model description (docs/MODEL.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import streamlit as st

from sim import sources
from sim.params import ACTOR_NAMES, HAZARD_PRESETS, SCHEMA, ParamSpec, format_value
from ui.components import controls, state

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


def value_range(spec: ParamSpec) -> str:
    if spec.kind == "float":
        return f"{spec.minimum:g} to {spec.maximum:g}"
    if spec.kind == "choice":
        return ", ".join(spec.choices)
    if spec.kind == "bool":
        return "true / false"
    return f"16 Oct – 20 Nov, {spec.timezone} time"


def parameter_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Name": [s.name for s in SCHEMA],
            "Label": [s.label for s in SCHEMA],
            "Default": [format_value(s.default) for s in SCHEMA],
            "Range": [value_range(s) for s in SCHEMA],
            "Unit": [s.unit for s in SCHEMA],
            "Actor": [ACTOR_NAMES[s.actor] for s in SCHEMA],
            "Source": [s.source for s in SCHEMA],
            "Meaning": [s.meaning for s in SCHEMA],
        }
    )


def preset_table() -> pd.DataFrame:
    presets = list(HAZARD_PRESETS.values())
    return pd.DataFrame(
        {
            "Preset": [p.label for p in presets],
            "Whole crisis": [f"{p.crisis_probability:.0%}" for p in presets],
            "Range": [f"{p.low:.1%}–{p.high:.0%}" for p in presets],
            "Per day at DEFCON 2": [f"{p.per_day:.4f}" for p in presets],
            "What it measures": [p.measures for p in presets],
            "Source": [p.source for p in presets],
            "Confidence": [controls.CONFIDENCE.get(p.confidence, p.confidence) for p in presets],
        }
    )


def main() -> None:
    settings = state.current()
    state.sync_url(settings)
    st.title("Sources & model", anchor=False)
    st.write(
        "Every number in the app comes from a parameter below. Each parameter names its source: "
        "a key from the project's fact base, resolved to a full reference at the bottom of this "
        "page, or the words 'modelling assumption'."
    )
    text = model_text()

    st.header("What this model cannot tell you", anchor=False)
    cannot = section(text, CANNOT) if text else None
    st.markdown(cannot or CANNOT_FALLBACK)

    st.header("Parameters", anchor=False)
    st.caption(
        f"All {len(SCHEMA)} parameters, as the sliders on the Explore page use them. Scroll the "
        "table sideways on a phone."
    )
    table = parameter_table()
    st.dataframe(table, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3)

    st.header("Incident-hazard presets", anchor=False)
    st.caption(
        "Published estimates of the danger of war over the whole crisis, turned into a chance "
        "per day at the highest alert: h = 1 − (1 − P)^(1/13). They measure different things."
    )
    st.dataframe(preset_table(), hide_index=True, width="stretch")
    for p in HAZARD_PRESETS.values():
        st.markdown(f"- **{p.label}** — measures {p.measures}. Source: {p.source}.")

    st.header("References", anchor=False)
    st.markdown(
        "\n".join(f"- **{key}**: {ref}" for key, ref in sorted(sources.SOURCES.items())).replace(
            "$", r"\$"
        )
    )

    st.header("The model", anchor=False)
    if text is None:
        st.info("The full model description (docs/MODEL.md) is not available in this copy.")
    else:
        with st.expander("Full model description (docs/MODEL.md)"):
            st.markdown(text.replace("$", r"\$"))


with state.friendly_errors("Sources & model"):
    main()
