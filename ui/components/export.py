"""Files that keep a view: every history as CSV, the settings as a scenario TOML file."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from sim import calendar
from sim.ensemble import Paired
from sim.outcomes import OUTCOMES
from sim.params import defaults
from sim.scenario import ID_PATTERN, Scenario, to_toml
from sim.world import CONCESSION_BIT, CONCESSIONS
from ui.components.state import Settings


def histories_csv(p: Paired) -> Callable[[], str]:
    """A deferred CSV of every history (generated when the button is clicked): history, outcome,
    baseline_outcome, resolved (Washington time, empty if unresolved), concessions (joined by
    '+'), peak_escalation (ladder rung 0–6), incidents."""

    def build() -> str:
        s, b = p.scenario, p.baseline
        names = np.asarray(OUTCOMES, dtype=object)
        step_text = np.asarray(
            [calendar.step_time(i).strftime("%Y-%m-%d %H:%M") for i in range(calendar.N_STEPS)]
            + [""],
            dtype=object,
        )
        deals = np.asarray(
            ["+".join(c for c in CONCESSIONS if bits & CONCESSION_BIT[c]) for bits in range(256)],
            dtype=object,
        )
        resolved = np.where(s.resolved_step >= 0, s.resolved_step, calendar.N_STEPS)
        frame = pd.DataFrame(
            {
                "history": np.arange(s.runs),
                "outcome": names[s.outcome],
                "baseline_outcome": names[b.outcome],
                "resolved": step_text[np.clip(resolved, 0, calendar.N_STEPS)],
                "concessions": deals[s.concessions],
                "peak_escalation": s.peak_escalation,
                "incidents": s.incidents,
            }
        )
        return str(frame.to_csv(index=False))

    return build


def settings_toml(settings: Settings) -> tuple[str, str]:
    """(file name, TOML text) of the current settings as a scenario file."""
    assert settings.params is not None
    base_id = settings.scenario.id
    new_id = base_id if base_id.startswith("my_") else f"my_{base_id}"[:64]
    if not ID_PATTERN.fullmatch(new_id):
        new_id = "my_scenario"
    mine: Scenario = dataclasses.replace(
        settings.scenario,
        id=new_id,
        title=f"{settings.scenario.title} (my settings)",
        overrides=settings.params.differences(defaults()),
        path=None,
    )
    return f"{new_id}.toml", to_toml(mine)
