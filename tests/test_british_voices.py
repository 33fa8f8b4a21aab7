"""Britain's two voices differ where the sources say (issue 12, item 4; docs/MODEL.md "Britain's two
voices").

Where London is really consulted (`uk.consultation` = 0.8), moving `uk.foreign_office_weight` from
0 (Macmillan's Cabinet) to 1 (the Foreign Office) must move a paired outcome or deal share by at
least 2 points in two scenarios: `oil_tankers` (the FO's objection to stopping tankers, S:56–58,
keeps Washington from widening the quarantine: fewer confrontations at sea, more deals) and
`berlin_linkage` (the Cabinet's fear of a Cuba–Berlin trade argues against any Jupiter assurance
while Berlin is in play; the FO's UN route lets it through). Where London is only
informed (0.1) the same move stays small: Rawnsley's point.

Paired runs on common random numbers, pooled over seeds 0–2 at 4,000 histories each (12,000 paired
histories): the whole 95% interval of the difference must clear 2 points (or stay under 2 points
for the informed-only check), so sampling noise cannot fake the result.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from sim.ensemble import Results, run
from sim.outcomes import NEGOTIATED, OUTCOMES
from sim.scenario import load_scenario
from sim.summary import Share, _paired
from sim.world import CONCESSION_BIT

RUNS = 4_000
SEEDS = (0, 1, 2)


def indicator(r: Results, measure: str) -> npt.NDArray[np.float64]:
    """Per history: did it end in outcome `measure`, or in a deal containing `measure`?"""
    if measure in OUTCOMES:
        return (r.outcome == OUTCOMES.index(measure)).astype(np.float64)
    deal = (r.outcome == NEGOTIATED) & ((r.concessions & CONCESSION_BIT[measure]) > 0)
    return deal.astype(np.float64)


def fo_effect(scenario: str, measure: str, consultation: float) -> Share:
    """Paired difference (FO weight 1 minus 0) of `measure`, pooled over SEEDS."""
    params = load_scenario(scenario).params().with_overrides({"uk.consultation": consultation})
    diffs = []
    for seed in SEEDS:
        cabinet, foreign_office = (
            indicator(
                run(params.with_overrides({"uk.foreign_office_weight": fo}), RUNS, seed), measure
            )
            for fo in (0.0, 1.0)
        )
        diffs.append(foreign_office - cabinet)
    return _paired(np.concatenate(diffs))


@pytest.mark.parametrize(
    ("scenario", "measure", "sign"),
    [
        # FO heard: tankers sail free, fewer confrontations at sea, more deals.
        ("oil_tankers", "negotiated_withdrawal", +1),
        # FO heard: the Jupiter assurance goes through although Moscow links Berlin; the
        # Cabinet's no-trade line holds it back while Berlin is in play.
        ("berlin_linkage", "secret_jupiters", +1),
    ],
)
def test_foreign_office_weight_moves_results_where_london_is_consulted(
    scenario: str, measure: str, sign: int
) -> None:
    d = fo_effect(scenario, measure, consultation=0.8)
    low, high = sorted((sign * d.lo, sign * d.hi))
    assert low >= 0.02, f"{scenario} {measure}: {d.share:+.2%} (95% {d.lo:+.2%} to {d.hi:+.2%})"


@pytest.mark.parametrize(
    ("scenario", "measure"),
    [("oil_tankers", "negotiated_withdrawal"), ("berlin_linkage", "secret_jupiters")],
)
def test_foreign_office_weight_stays_small_where_london_is_only_informed(
    scenario: str, measure: str
) -> None:
    d = fo_effect(scenario, measure, consultation=0.1)
    assert max(abs(d.lo), abs(d.hi)) < 0.02, f"{scenario} {measure}: {d.share:+.2%}"
