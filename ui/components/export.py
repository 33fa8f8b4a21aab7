"""Files that keep a view: every history as CSV, the settings as a scenario TOML file."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from sim import histories_table
from sim.ensemble import Paired
from sim.params import defaults
from sim.scenario import ID_PATTERN, Scenario, to_toml
from ui.components.session import Settings


def histories_csv(p: Paired) -> Callable[[], str]:
    """A deferred CSV of every history, the scenario beside its baseline (generated when the
    button is clicked): the table of `sim.histories_table`, the same as `cuba62 compare --format
    csv` writes."""

    def build() -> str:
        return histories_table.histories_csv(p)

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
