"""Decision noise is not the engine of war (issue 12, item 3).

`cuba62 sensitivity baseline --method morris --output nuclear_war`: the noise must not rank above
the incident and escalation parameters or the actors' own (hawkishness, risk acceptance, resolve,
local autonomy). Morris at 12 trajectories of 1,000 histories each (the CLI's API, in ~30 s).
"""

from __future__ import annotations

from sim.analysis.sensitivity import sensitivity
from sim.analysis.space import float_specs
from sim.params import defaults

ABOVE_NOISE = (
    "world.escalation_risk",
    "world.incident_rate",
    "us.hawkishness",
    "ussr.risk_acceptance",
    "ussr.resolve",
    "ussr.local_autonomy",
)


def test_decision_noise_ranks_below_escalation_and_actors() -> None:
    result = sensitivity(
        defaults(), "morris", "nuclear_war", float_specs(), samples=12, runs=1000, seed=0
    )
    order = [ix.name for ix in result.indices]
    noise = order.index("world.decision_noise")
    above = [name for name in ABOVE_NOISE if order.index(name) > noise]
    assert not above, f"ranked below decision noise: {above}; ranking {order}"
