"""Escalation presets: published estimates of the danger of war, each with what it is a
probability *of*, and the model's escalation risk solved so that the baseline gives it.

A preset is not a number we pick: it is a claim ("10–30% nuclear war", Ellsberg) about an
outcome of the model. `cuba62 presets --solve` (sim/presets_solver.py) finds, by bisection on
common random numbers, the value of `PARAMETER` at which the baseline's share of what the preset
measures hits the preset's centre, checks each seed lies inside the stated range, and writes the
measurement to `SOLVED_FILE`, read here once at import. Sources: FACTS §7.

This module is light on purpose (no numpy): the CLI, `sim.params` and the app import it.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sim.outcomes import LABELS, OUTCOMES, WAR_OUTCOMES

#: The one parameter a preset sets: the chance that an incident or a strike is not contained.
#: Unobservable, unlike how often incidents happen (`world.incident_rate`, calibrated to FACTS §7).
PARAMETER = "world.escalation_risk"
#: The preset the baseline uses unless told otherwise (why: docs/MODEL.md §7).
DEFAULT_PRESET = "ellsberg"
#: The scenario whose share a preset describes, and the run a solve pools.
SCENARIO = "baseline"
SOLVE_SEEDS: tuple[int, ...] = (0, 1, 2)
SOLVE_RUNS = 20_000
#: Where `cuba62 presets --solve` writes what it measured (package data).
SOLVED_FILE = Path(__file__).resolve().parent / "presets_solved.json"
SOLVE_COMMAND = "cuba62 presets --solve"


@dataclass(frozen=True)
class Preset:
    """One published estimate: what it measures (outcome ids), its range and centre, its source."""

    id: str
    label: str
    measures: tuple[str, ...]
    low: float
    high: float
    centre: float
    source: str
    confidence: str
    note: str  # what the estimate is a probability of, in the source's own terms

    def __post_init__(self) -> None:
        assert self.measures and all(m in OUTCOMES for m in self.measures), self.measures
        assert 0.0 <= self.low <= self.centre <= self.high <= 1.0, self.id

    @property
    def name(self) -> str:
        """The id, under the name the parameter schema and share links use."""
        return self.id

    @property
    def escalation_risk(self) -> float:
        """The value of PARAMETER this preset sets (solved; see `value`)."""
        return value(self.id)

    @property
    def measures_text(self) -> str:
        """'nuclear war' or 'any war (US air strike, ...)' in words."""
        if self.measures == ("nuclear_war",):
            return "nuclear war"
        if set(self.measures) == set(WAR_OUTCOMES):
            return "any war (" + ", ".join(LABELS[m] for m in self.measures) + ")"
        return " or ".join(LABELS[m] for m in self.measures)

    @property
    def estimate(self) -> str:
        """'10–30% nuclear war': the range and what it is a probability of."""
        low = f"{self.low * 100:g}" if self.low > 0 else "≤"
        span = f"{low}–{self.high * 100:g}%" if self.low > 0 else f"≤ {self.high * 100:g}%"
        return f"{span} {self.measures_text.split(' (')[0]}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "measures": list(self.measures),
            "low": self.low,
            "high": self.high,
            "centre": self.centre,
            "source": self.source,
            "confidence": self.confidence,
            "note": self.note,
        }


PRESETS: dict[str, Preset] = {
    p.id: p
    for p in (
        Preset(
            id="participants_low",
            label="Participants' low estimate: about 1 in 100 or less",
            measures=("nuclear_war",),
            low=0.0,
            high=0.01,
            centre=0.005,
            source="Blight & Welch 1989 (On the Brink, Hawk's Cay 1987; unverified); FACTS §7",
            confidence="L",
            note="nuclear war, as judged by participants in hindsight",
        ),
        Preset(
            id="ellsberg",
            label="Ellsberg: 10–30% nuclear war",
            measures=("nuclear_war",),
            low=0.10,
            high=0.30,
            centre=0.20,
            source="Ellsberg (papers on archive.org, note of 13 Jun 2012); FACTS §7",
            confidence="M",
            note="all-out nuclear war over the whole crisis, in hindsight ('at least moderate')",
        ),
        Preset(
            id="kennedy",
            label="Kennedy: between one in three and even (any war)",
            measures=WAR_OUTCOMES,
            low=0.33,
            high=0.50,
            centre=0.415,
            source="Sorensen 1965 (Kennedy, p. 705; page unverified); Allison 1971 (quotes it); "
            "FACTS §7",
            confidence="M",
            note="the Soviets going 'all the way to war' — any war, not necessarily nuclear; "
            "Dixit & Skeath read it as the chance Moscow was hard-line (FACTS §7)",
        ),
        Preset(
            id="model_high",
            label="Dynamic chicken model: up to ~60% nuclear war",
            measures=("nuclear_war",),
            low=0.40,
            high=0.60,
            centre=0.50,
            source="Dixit, McAdams & Skeath 2019 (SSRN 3406265, abstract); FACTS §7",
            confidence="M",
            note="cumulative nuclear war over the 13 days, output of a formal model",
        ),
    )
}


@dataclass(frozen=True)
class Measured:
    """A share of histories with its 95% (Wilson) interval, as stored by the solver."""

    share: float
    lo: float
    hi: float

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Measured:
        lo, hi = doc["ci95"]
        return cls(float(doc["share"]), float(lo), float(hi))

    def text(self, digits: int | None = None) -> str:
        """'20.1% [19.8–20.4]'; two decimals below 1% ('0.52% [0.47–0.58]')."""
        if digits is None:
            digits = 2 if self.hi < 0.01 else 1
        return f"{self.share:.{digits}%} [{self.lo * 100:.{digits}f}–{self.hi * 100:.{digits}f}]"


@dataclass(frozen=True)
class Solved:
    """What the solver measured for one preset: the value of PARAMETER and the shares there."""

    value: float
    measured: Measured  # share of what the preset measures, pooled over the seeds
    per_seed: dict[int, Measured]
    nuclear_war: Measured  # pooled, for ordering the presets
    any_war: Measured
    runs: int  # histories per seed
    seeds: tuple[int, ...]

    @property
    def run_size(self) -> str:
        """'3 × 20,000 histories (seeds 0, 1, 2)'."""
        seeds = ", ".join(str(s) for s in self.seeds)
        return f"{len(self.seeds)} × {self.runs:,} histories of the baseline (seeds {seeds})"

    def at_bound(self, preset: Preset) -> str:
        """Why the solve stopped short of the centre, in words ('' when it hit the centre): the
        parameter reached its bound and the model's share there is already past the centre."""
        if self.value <= 0.0 and self.measured.share > preset.centre:
            return (
                f"the centre ({preset.centre:.1%}) is below what the model gives with no "
                f"escalation at all ({self.measured.share:.2%}), which comes by routes the "
                "escalation risk does not govern (a US strike answered with nuclear weapons: "
                "ussr.strike_response)"
            )
        if self.value >= 1.0 and self.measured.share < preset.centre:
            return f"the centre ({preset.centre:.1%}) is above what the model can give"
        return ""

    def inside(self, preset: Preset) -> bool:
        """Every seed's share lies inside the preset's stated range."""
        return all(preset.low <= m.share <= preset.high for m in self.per_seed.values())


@cache
def solved_document() -> dict[str, Any]:
    """The solver's data file, or an empty document when it has not been written yet."""
    try:
        doc: dict[str, Any] = json.loads(SOLVED_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return doc


def solved(preset_id: str) -> Solved | None:
    """The stored measurement for a preset, or None if it has not been solved for PARAMETER."""
    doc = solved_document()
    entry = doc.get("presets", {}).get(preset_id)
    if entry is None or doc.get("parameter") != PARAMETER:
        return None
    return Solved(
        value=float(entry["value"]),
        measured=Measured.from_json(entry["measured"]),
        per_seed={int(k): Measured.from_json(v) for k, v in entry["per_seed"].items()},
        nuclear_war=Measured.from_json(entry["nuclear_war"]),
        any_war=Measured.from_json(entry["any_war"]),
        runs=int(doc["runs"]),
        seeds=tuple(int(s) for s in doc["seeds"]),
    )


def value(preset_id: str) -> float:
    """The value of PARAMETER a preset sets: solved, or the parameter's midpoint before any solve
    (so that the package works from a fresh checkout; `cuba62 presets` then says 'not solved')."""
    found = solved(preset_id)
    if found is None:
        return FALLBACK.get(preset_id, 0.5)
    return found.value


#: Before the first solve only: placeholders, in the presets' order, never shown as a result.
FALLBACK = {"participants_low": 0.01, "ellsberg": 0.3, "kennedy": 0.5, "model_high": 0.7}


def ordered() -> list[Preset]:
    """The presets in order of their solved escalation risk (definition order before a solve)."""
    order = {pid: i for i, pid in enumerate(PRESETS)}
    return sorted(PRESETS.values(), key=lambda p: (value(p.id), order[p.id]))


def comparison(p: Preset) -> str:
    """'estimate 10–30% nuclear war → this model gives 20.1% [19.8–20.4]': the app's and the
    docs' one wording of a preset beside the stored measurement (a real run; see `run_size`)."""
    found = solved(p.id)
    gives = "not solved yet" if found is None else f"{found.measured.text()}"
    return f"estimate {p.estimate} → this model gives {gives}"


def unknown_preset_message(name: str) -> str:
    """One line: the unknown id, a 'did you mean', and the ids there are."""
    close = difflib.get_close_matches(name.strip().lower(), list(PRESETS), n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown preset '{name}'{hint} (presets: {', '.join(PRESETS)})"


def get(preset_id: str) -> Preset:
    """The preset `preset_id`, or a ValueError with the one-line message."""
    try:
        return PRESETS[preset_id]
    except KeyError:
        raise ValueError(unknown_preset_message(preset_id)) from None
