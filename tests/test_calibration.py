"""Calibration: the historical baseline must look like October 1962 (MODEL.md, "Calibration").

Every check runs on many seeds of >= 2,000 histories each, or on pooled paired runs of 20,000, so a
single lucky run cannot pass it. Targets (see docs/MODEL.md, section 1):

- the most frequent outcome is a negotiated withdrawal, and the most frequent deal is a no-invasion
  pledge plus a secret Jupiter assurance [OH];
- settlements cluster around 28 Oct: median resolution within two days, 26-30 Oct [OH, PBS-FBIS];
- Soviet ships turn back by 24-25 Oct [OH];
- about five dangerous incidents in the week 22-28 Oct, at least one in most histories (the record
  has about six, FACTS §7);
- nuclear war at the default (Ellsberg) preset lies in Ellsberg's 10-30%, and rises with the
  escalation-risk preset (FACTS §7);
- the British Thor idea changes nothing in the baseline (Rawnsley 1995; S:47-48, UPI93);
- an air strike on 20 Oct is followed by the Joint Chiefs' plan: every history ends in war, many
  in an invasion, and no deal comes before a pledge could reach Moscow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pytest

from sim import calendar
from sim import world as w
from sim.ensemble import Paired, Results, run, run_paired
from sim.outcomes import OUTCOMES
from sim.params import Params, defaults, make_params
from sim.summary import median_resolution, outcome_shares, paired_difference, wilson

#: Independent seeds for the baseline checks; each run has RUNS histories.
SEEDS = tuple(range(101, 111))
RUNS = 4_000
#: Pooled paired runs for small effects (hazard presets, Thor offer).
POOLED = 20_000

NEGOTIATED = OUTCOMES.index("negotiated_withdrawal")
PLEDGE = w.CONCESSION_BIT["pledge"]
SECRET = w.CONCESSION_BIT["secret_jupiters"]


def _per_seed(params: Params) -> dict[int, Results]:
    return {seed: run(params, RUNS, seed=seed) for seed in SEEDS}


@pytest.fixture(scope="module")
def baseline_runs() -> dict[int, Results]:
    return _per_seed(defaults())


def _failures(runs: dict[int, Results], check: Callable[[Results], str | None]) -> list[str]:
    """Run `check` on every seed; collect 'seed N: what was measured' for the seeds that fail."""
    out = []
    for seed, r in runs.items():
        problem = check(r)
        if problem is not None:
            out.append(f"seed {seed}: {problem}")
    return out


def test_most_frequent_outcome_is_negotiated_withdrawal(baseline_runs: dict[int, Results]) -> None:
    def check(r: Results) -> str | None:
        shares = {k: s.share for k, s in outcome_shares(r).items()}
        top = max(shares, key=lambda k: shares[k])
        if top != "negotiated_withdrawal":
            return (
                f"most frequent is {top} ({shares[top]:.1%}); negotiated {shares[OUTCOMES[0]]:.1%}"
            )
        return None

    assert not _failures(baseline_runs, check)


def test_most_frequent_deal_is_pledge_plus_secret_jupiters(
    baseline_runs: dict[int, Results],
) -> None:
    def check(r: Results) -> str | None:
        deals = r.concessions[r.outcome == NEGOTIATED]
        if deals.size == 0:
            return "no negotiated withdrawal at all"
        values, counts = np.unique(deals, return_counts=True)
        top = int(values[counts.argmax()])
        names = [c for c in w.CONCESSIONS if top & w.CONCESSION_BIT[c]]
        if not (top & PLEDGE and top & SECRET):
            return f"most frequent deal is {names} ({counts.max() / deals.size:.1%} of deals)"
        return None

    assert not _failures(baseline_runs, check)


def test_median_resolution_around_28_october(baseline_runs: dict[int, Results]) -> None:
    first, after_last = dt.datetime(1962, 10, 26), dt.datetime(1962, 10, 31)

    def check(r: Results) -> str | None:
        med = median_resolution(r)
        if med is None or not first <= med < after_last:
            return f"median resolution {med} is outside 26-30 Oct"
        return None

    assert not _failures(baseline_runs, check)


def test_ships_turn_back_by_24_25_october(baseline_runs: dict[int, Results]) -> None:
    # Quarantine histories: public crisis after the speech (a strike-first history is at war by
    # then). A history whose ships never turn back counts as "later than any date".
    earliest = calendar.step_of(dt.datetime(1962, 10, 23, 0, 0))  # halt order 23 Oct [Patch]
    latest = calendar.step_of(dt.datetime(1962, 10, 26, 0, 0)) - 1  # last step of 25 Oct
    never = np.iinfo(np.int16).max

    def check(r: Results) -> str | None:
        rung = r.escalation_path[w.SPEECH_STEP]
        quarantine = (rung >= w.PUBLIC) & (rung < w.STRIKE)
        if quarantine.sum() < RUNS // 2:
            return f"only {quarantine.mean():.1%} of histories chose the quarantine"
        tb = r.turnback_step[quarantine].astype(np.int64)
        median = int(np.median(np.where(tb >= 0, tb, never)))
        if not earliest <= median <= latest:
            when = "never" if median == never else calendar.fmt_step(median)
            return f"median first turn-back {when}, not within 23-25 Oct"
        return None

    assert not _failures(baseline_runs, check)


def test_incidents_in_the_week_of_22_to_28_october(baseline_runs: dict[int, Results]) -> None:
    """FACTS §7: about six dangerous incidents 22-28 Oct (Duluth, Atlas, the U-2 shot down,
    Maultsby, B-59, Moorestown). Each seed: mean within 3-8, at least one in over 80%."""

    def check(r: Results) -> str | None:
        mean, some = float(r.incidents_week.mean()), float(np.mean(r.incidents_week >= 1))
        if not (3.0 <= mean <= 8.0 and some > 0.8):
            return f"mean {mean:.2f} incidents 22-28 Oct, {some:.1%} with at least one"
        return None

    assert not _failures(baseline_runs, check)


def test_nuclear_war_at_the_default_preset_in_ellsbergs_range(
    baseline_runs: dict[int, Results],
) -> None:
    """The default preset is Ellsberg's (10-30% nuclear war, FACTS §7): pooled over the seeds the
    share and its 95% interval lie inside that range."""
    pooled = np.concatenate([r.outcome for r in baseline_runs.values()])
    k = int((pooled == OUTCOMES.index("nuclear_war")).sum())
    share = wilson(k, pooled.size)
    assert 0.10 <= share.lo and share.hi <= 0.30, f"nuclear war {k} of {pooled.size:,}: {share}"


@pytest.fixture(scope="module")
def hazard_runs() -> dict[str, Results]:
    """The three presets on the same seed: paired histories (common random numbers)."""
    return {
        preset: run(make_params({"world.escalation_risk": preset}), POOLED, seed=7)
        for preset in ("participants_low", "ellsberg", "model_high")
    }


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("participants_low", "ellsberg"),
        ("ellsberg", "model_high"),
        ("participants_low", "model_high"),
    ],
)
def test_nuclear_war_rises_with_hazard_preset(
    hazard_runs: dict[str, Results], lower: str, higher: str
) -> None:
    diff = paired_difference(Paired(hazard_runs[higher], hazard_runs[lower]))["nuclear_war"]
    assert diff.share > 0 and diff.lo > 0, (
        f"nuclear war {higher} - {lower}: {diff.share:+.3%} (95% interval {diff.lo:+.3%} to "
        f"{diff.hi:+.3%}) over {POOLED:,} paired histories"
    )


def test_thor_offer_changes_nothing_in_the_baseline() -> None:
    """Rawnsley: the Thor idea was smothered and had no effect [R95; S:47-48; UPI93]."""
    paired = run_paired(make_params({"uk.thor_offer": "none"}), defaults(), POOLED, seed=11)
    problems = [
        f"{name}: {d.share:+.3%} ({d.lo:+.3%} to {d.hi:+.3%})"
        for name, d in paired_difference(paired).items()
        if abs(d.share) > 0.01 or not (d.lo <= 0 <= d.hi or max(abs(d.lo), abs(d.hi)) < 0.002)
    ]
    assert not problems


def test_thor_comparison_is_sensitive() -> None:
    """The Thor check above can fail: a public offer that needs no US consent moves outcomes."""
    forced = make_params(
        {"uk.thor_offer": "public", "uk.thor_offer_us_consent": False, "ussr.resolve": 1.0}
    )
    base = make_params({"uk.thor_offer": "none", "ussr.resolve": 1.0})
    paired = run_paired(forced, base, POOLED, seed=11)
    assert np.any(paired.scenario.outcome != paired.baseline.outcome)


def test_air_strike_first_follows_the_joint_chiefs_plan() -> None:
    """A strike on 22 Oct is followed by more strikes and, from the day the force is ready, the
    invasion [OH], unless a deal intervenes; Moscow accepts only a pledge it has read."""
    params = make_params({"us.first_move": "air_strike"})
    r = run(params, POOLED, seed=13)
    shares = {k: s.share for k, s in outcome_shares(r).items()}
    war = ("air_strike", "invasion", "berlin_clash", "nuclear_war")
    assert sum(shares[k] for k in war) == pytest.approx(1.0), shares
    assert shares["invasion"] > 0.1, shares
    strike = w.DECISION_STEP + w.STRIKE_PREPARATION_STEPS
    delay = int(np.ceil(params.f("world.message_delay_hours") / calendar.STEP_HOURS))
    ended = r.resolved_step[r.outcome == OUTCOMES.index("air_strike")]
    assert ended.size and int(ended.min()) >= strike + delay, (
        f"an air strike ended at step {int(ended.min())}, before a pledge could reach Moscow"
    )
