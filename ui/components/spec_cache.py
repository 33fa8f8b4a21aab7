"""Vega-Lite specs without Altair on every redraw: Altair's output for one shape of chart, reused
with new data.

Why: building a chart with Altair (channel objects, pandas sanitising, `to_dict`) costs 30-100 ms
a chart, so the Explore page's six charts were most of a slider move's server time, though only
their data change from one move to the next. A spec is Altair's output for a chart *shape* (the
`key`: everything the chart is built from except its data rows, e.g. the category order and
titles) plus its inline datasets, each named by a hash of its rows. So the first time a shape is
drawn it is built with Altair, and the spec without its rows is kept as a template; later charts
of that shape get the template with their own rows put in, and their datasets' names computed as
Altair computes them (`dataset_name`). Numbers that are part of the shape but vary continuously
(an axis's upper end) are `params`: the template is built with a sentinel value in their place,
which is then replaced in the JSON text.

The output is Altair's own, byte for byte: when a template is made, the chart is also built with
Altair with its real data and params, and the template is kept only if filling it gives exactly
that spec (else Altair is used for that shape every time). tests/test_spec_cache.py compares
every Explore chart with Altair's for several scenarios. `ENABLED = False` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ui.components.chart_style import Spec

#: Off: every chart is built with Altair (the tests' reference).
ENABLED = True
#: At most this many shapes are kept (a shape is small: a few KB of JSON).
MAX_TEMPLATES = 512
#: Sentinels for `params`, one per parameter in order: unlikely to occur in a spec otherwise, and
#: valid wherever a share between 0 and 1 is (a scale's domain).
SENTINELS = (0.6180339887498949, 0.7071067811865476, 0.5772156649015329)

Records = list[dict[str, Any]]

_templates: dict[Hashable, tuple[str, tuple[str, ...]]] = {}
_lock = threading.Lock()
stats = {"hits": 0, "built": 0, "refused": 0}


def _plain(value: Any) -> Any:
    """A value as pandas' `to_dict` gives it to Altair (numpy scalars as Python numbers, NaN as
    None, which is what Altair's sanitising writes)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(data: Sequence[Mapping[str, Any]] | pd.DataFrame) -> Records:
    """The rows Altair would put in the spec for `data` (a DataFrame, or rows that would become
    one): datetimes as ISO strings, numeric columns with any float as floats."""
    if isinstance(data, pd.DataFrame):
        columns: dict[str, list[Any]] = {}
        for name in data.columns:
            column = data[name]
            if pd.api.types.is_datetime64_any_dtype(column):
                columns[str(name)] = [t.isoformat() for t in column]
            else:
                columns[str(name)] = [_plain(v) for v in column.tolist()]
        return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    rows = [dict(r) for r in data]
    names: list[str] = []
    for r in rows:
        names.extend(k for k in r if k not in names)
    for name in names:
        values = [r.get(name) for r in rows]
        numbers = all(
            isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in values
        )
        if numbers and any(isinstance(v, float | np.floating) for v in values):
            for r in rows:
                r[name] = float(r[name])
    return [{name: _plain(r.get(name)) for name in names} for r in rows]


def dataset_name(values: Records) -> str:
    """The name Altair gives an inline dataset (altair.vegalite.v6.api._dataset_name)."""
    if values == [{}]:
        return "empty"
    text = json.dumps(values, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _fill(
    template: str, built_names: tuple[str, ...], data: list[Records], params: Sequence[float]
) -> Spec:
    names = [dataset_name(d) for d in data]
    text = template
    for old, new in zip(built_names, names, strict=True):
        text = text.replace(old, new)
    for sentinel, value in zip(SENTINELS, params, strict=False):
        text = text.replace(json.dumps(sentinel), json.dumps(value))
    spec: Spec = json.loads(text)
    spec["datasets"] = {n: d for n, d in zip(names, data, strict=True)}
    return spec


def _template(spec: Spec, data: list[Records]) -> tuple[str, tuple[str, ...]] | None:
    """(spec JSON with its datasets emptied, their names in `data`'s order), or None when the
    spec's datasets are not exactly `data` (then this shape is always built with Altair)."""
    names = tuple(dataset_name(d) for d in data)
    datasets = spec.get("datasets", {})
    if len(set(names)) != len(names) or list(datasets) != list(names):
        return None
    if json.dumps(datasets) != json.dumps(dict(zip(names, data, strict=True))):
        return None
    return json.dumps({**spec, "datasets": {}}), names


def templated(
    key: Hashable,
    build: Callable[[Sequence[float]], Spec],
    data: Sequence[Records],
    params: Sequence[float] = (),
) -> Spec:
    """The spec `build(params)` makes (Altair, with `data` as its datasets in order), from the
    template of shape `key` when there is one."""
    if len(params) > len(SENTINELS):
        raise ValueError(f"at most {len(SENTINELS)} params")
    rows = list(data)
    names = [dataset_name(d) for d in rows]
    if ENABLED and len(set(names)) == len(names):
        with _lock:
            found = _templates.get(key)
        if found is not None:
            stats["hits"] += 1
            return _fill(*found, rows, params)
    spec = build(params)
    if not ENABLED:
        return spec
    made = _template(build(SENTINELS[: len(params)]), rows) if params else _template(spec, rows)
    if made is not None and json.dumps(_fill(*made, rows, params)) == json.dumps(spec):
        with _lock:
            if len(_templates) >= MAX_TEMPLATES:
                _templates.pop(next(iter(_templates)))
            _templates[key] = made
        stats["built"] += 1
    else:
        stats["refused"] += 1
    return spec


def clear() -> None:
    with _lock:
        _templates.clear()
