"""Every hidden constant is on the Sources page (issue 12, item 9): `sim.constants.CONSTANTS` lists
each numeric constant of the engine with its live value, a source that resolves (or exactly
"modelling assumption") and where it acts.

The rule for "a constant of the engine": every numeric class attribute of each agent's
`Preferences`; every incident kind's rate and severity; and every public name assigned at the top
level of sim/incidents.py, sim/world.py, sim/model.py and the three agent modules whose value is a
number, a numeric array, or a tuple or dictionary holding numbers — unless `NOT_LISTED` gives the
reason it is not a model constant (a rung index, a historical date, a derived table, speed only).
"""

from __future__ import annotations

import ast
import inspect
from numbers import Real
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from sim import constants
from sim.agents import uk, us, ussr
from sim.constants import ASSUMPTION, CONSTANTS, MODULES, NOT_LISTED
from sim.incidents import INCIDENTS
from sim.sources import SourceError, resolve

NAMES = [c.name for c in CONSTANTS]


def is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def holds_numbers(value: Any) -> bool:
    """A number, a numeric array, or a tuple/dict with a number in it (one level nested)."""
    if is_number(value):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iuf"
    items = value.values() if isinstance(value, dict) else value
    if isinstance(value, (tuple, dict)):
        return any(is_number(x) or (isinstance(x, tuple) and any(map(is_number, x))) for x in items)
    return False


def module_names(module: ModuleType) -> list[str]:
    """Public names assigned at the top level of `module` (imports left out)."""
    tree = ast.parse(inspect.getsource(module))
    names: list[str] = []
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        for target in targets:
            for t in ast.walk(target):
                if isinstance(t, ast.Name) and not t.id.startswith("_"):
                    names.append(t.id)
    return names


def covered(name: str) -> bool:
    """Listed itself, or by its parts ("uk.ADVICE_TARGET" by "uk.ADVICE_TARGET.support")."""
    return name in NAMES or any(n.startswith(name + ".") for n in NAMES)


def test_names_are_unique_and_every_value_is_read_from_the_code() -> None:
    assert len(NAMES) == len(set(NAMES))
    for c in CONSTANTS:
        value = c.value  # raises if the path no longer exists in the code
        assert holds_numbers(value) or isinstance(value, tuple), (c.name, value)
        assert c.text(), c.name
        assert c.acts.strip(), c.name


def test_every_preferences_weight_is_listed() -> None:
    for actor, module in (("us", us), ("uk", uk), ("ussr", ussr)):
        weights = [
            k for k, v in vars(module.Preferences).items() if not k.startswith("_") and is_number(v)
        ]
        assert weights, actor
        missing = [k for k in weights if f"{actor}.Preferences.{k}" not in NAMES]
        assert not missing, f"{actor}.Preferences not in sim/constants.py: {missing}"


def test_every_incident_kind_rate_and_severity_is_listed() -> None:
    for kind in INCIDENTS:
        for attribute in ("per_day", "severity"):
            assert f"incidents.INCIDENTS.{kind.id}.{attribute}" in NAMES


def test_every_numeric_module_constant_is_listed_or_excluded_with_a_reason() -> None:
    missing, stale = [], []
    for prefix, (module, _) in MODULES.items():
        for name in module_names(module):
            dotted = f"{prefix}.{name}"
            if holds_numbers(getattr(module, name)) and not (
                covered(dotted) or dotted in NOT_LISTED
            ):
                missing.append(dotted)
    for dotted, reason in NOT_LISTED.items():
        prefix, name = dotted.split(".", 1)
        if not hasattr(MODULES[prefix][0], name) or covered(dotted):
            stale.append(dotted)
        assert reason.strip()
    assert not missing, f"numeric constants neither in CONSTANTS nor NOT_LISTED: {missing}"
    assert not stale, f"NOT_LISTED names that are gone or also listed: {stale}"


def test_every_source_resolves_or_is_exactly_a_modelling_assumption() -> None:
    for c in CONSTANTS:
        if c.source == ASSUMPTION:
            continue
        for citation in c.source.split("; "):
            assert citation == citation.strip() and citation, (c.name, c.source)
            try:
                resolve(citation)
            except SourceError as e:
                pytest.fail(f"{c.name}: {e}")


def test_the_table_follows_the_code() -> None:
    c = next(c for c in CONSTANTS if c.name == "ussr.Preferences.fear_of_war")
    assert c.value == ussr.Preferences.fear_of_war
    old = ussr.Preferences.fear_of_war
    try:
        ussr.Preferences.fear_of_war = 9.75
        assert "| `ussr.Preferences.fear_of_war` | 9.75 |" in constants.markdown_table()
    finally:
        ussr.Preferences.fear_of_war = old


def test_a_rule_that_misses_a_constant_fails() -> None:
    """The scan sees a new weight: a Preferences attribute not in the table is reported."""
    us.Preferences.brand_new_weight = 1.0  # type: ignore[attr-defined]
    try:
        with pytest.raises(AssertionError, match="brand_new_weight"):
            test_every_preferences_weight_is_listed()
    finally:
        del us.Preferences.brand_new_weight  # type: ignore[attr-defined]
