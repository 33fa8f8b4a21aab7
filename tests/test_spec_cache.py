"""Chart specs from templates (ui.components.spec_cache) are Altair's own, byte for byte.

Every chart of the Explore page (the first screen's, outcomes, both fans, resolution, deals) is
built for several scenarios and seeds twice: with templates and with Altair alone
(`spec_cache.ENABLED = False`). The JSON must be identical, and the templates must really be
used (hits, not only refusals), or the speed-up would be a no-op.
"""

from __future__ import annotations

import json

import pytest

from sim.ensemble import Paired
from sim.scenario import load_scenario
from ui.components import headline, pool_jobs, spec_cache

CASES = [
    ("thor_immobilisation", 0, 600),
    ("thor_immobilisation", 1, 600),
    ("real_consultation", 0, 600),
    ("berlin_linkage", 2, 800),
    ("air_strike_first", 3, 500),
]


def _specs(scenario: str, seed: int, runs: int) -> list[str]:
    base = load_scenario("baseline").params()
    scen = load_scenario(scenario).params()
    scen_run, base_run, figures = pool_jobs.page_job(scen.key(), base.key(), seed, runs, "T")
    measure = load_scenario(scenario).focus()[1]
    head = headline.figure(Paired(scen_run, base_run), measure, runs)
    pool_jobs._fans.clear()  # noqa: SLF001 - the workers' fan specs would hide the templates
    specs = [figures.outcome, *figures.fans, figures.resolution, figures.concession, head]
    return [json.dumps(f.spec) for f in specs]


@pytest.fixture
def fresh_templates() -> object:
    spec_cache.clear()
    before = dict(spec_cache.stats)
    yield before
    spec_cache.ENABLED = True
    spec_cache.clear()


def test_templated_specs_are_altairs_own(fresh_templates: dict[str, int]) -> None:
    pool_jobs._run.cache_clear()  # noqa: SLF001 - fresh runs, not another test's
    reference = {}
    spec_cache.ENABLED = False
    for case in CASES:
        reference[case] = _specs(*case)
    spec_cache.ENABLED = True
    for _ in range(2):  # the first pass makes the templates, the second reuses them
        for case in CASES:
            assert _specs(*case) == reference[case], case
    hits = spec_cache.stats["hits"] - fresh_templates["hits"]
    refused = spec_cache.stats["refused"] - fresh_templates["refused"]
    assert refused == 0
    assert hits >= len(CASES) * 6  # the second pass at least: six charts per case


def test_a_template_is_refused_when_its_data_do_not_match() -> None:
    """A shape whose spec does not carry exactly the given rows gets no template."""
    spec_cache.clear()
    rows = spec_cache.records([{"a": 1.0}])
    spec = {"data": {"name": "other"}, "datasets": {"other": [{"a": 2.0}]}}
    before = spec_cache.stats["refused"]
    assert spec_cache.templated(("test", "refused"), lambda _: dict(spec), [rows]) == spec
    assert spec_cache.stats["refused"] == before + 1


def test_records_match_altair_for_mixed_numbers() -> None:
    rows = [{"x": 0, "y": "a"}, {"x": 0.5, "y": "b"}]
    assert json.dumps(spec_cache.records(rows)) == '[{"x": 0.0, "y": "a"}, {"x": 0.5, "y": "b"}]'
