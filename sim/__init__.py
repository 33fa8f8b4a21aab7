"""cuba62: a counterfactual decision simulator of the Cuban missile crisis with Britain as an actor.

Public API (what the CLI and the web app use; neither reaches into agents or world arrays):

- `sim.params`: the one parameter schema (`SCHEMA`, `make_params`, `ParameterError`).
- `sim.scenario`: scenario files (`list_scenarios`, `load_scenario`, `parse_scenario`).
- `sim.ensemble`: `run`, `run_paired` → `Results`, `Paired`.
- `sim.summary`: shares with intervals, paired differences, fan-chart percentiles, dates.
- `sim.history`: `replay` one history with its event log and `narrative`.

This package never imports Streamlit or the `ui` package.
"""

__version__ = "0.1.0"
