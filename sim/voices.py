"""The two British voices' advice at one step of a game, in sentences, from the UK agent's own
utility components.

The UK agent (sim/agents/uk.py) names each component after the voice that holds it: "cabinet: …"
or "foreign office: …", weighted 1 - w and w (`uk.foreign_office_weight`). A voice's own view of
an action is the sum of its components divided by its weight; it advises the legal action it
values most (quiet support is 0, so it advises support when everything else costs more than it
gains). The model's Britain weighs both and chooses by chance (`StepView.chances`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.play import LINES, MOVES, StepView

VOICE_NAMES = {"cabinet": "The Cabinet", "foreign office": "The Foreign Office"}
#: Pushes smaller than this are not worth a word.
SMALL = 0.05


def phrase(component: str) -> str:
    """'cabinet: fear of a Cuba–Berlin trade' -> 'fear of a Cuba–Berlin trade'."""
    return component.split(":", 1)[1].strip() if ":" in component else component


@dataclass(frozen=True)
class Voice:
    """One voice's advice: what, why (its reasons for and against, strongest first)."""

    voice: str  # "cabinet" or "foreign office"
    weight: float
    advises: str
    reasons: tuple[tuple[str, float], ...]
    sentence: str


@dataclass(frozen=True)
class Advice:
    """Both voices, and what the model's Britain would most likely do at this step."""

    voices: tuple[Voice, ...]
    chances: dict[str, float]
    sentence: str

    @property
    def model_choice(self) -> str:
        return max(self.chances, key=lambda a: self.chances[a])


def _signed(reasons: list[tuple[str, float]]) -> str:
    return " and ".join(f"{phrase(name)} ({value:+.2f})" for name, value in reasons)


def voice(view: StepView, prefix: str, weight: float) -> Voice:
    """What one voice advises, and why, in its own terms (its components over its weight)."""
    mine = {k: v for k, v in view.components.items() if k.startswith(prefix + ":")}
    name = VOICE_NAMES[prefix]
    if weight <= 0:
        text = f"{name} has no say in this scenario (`uk.foreign_office_weight`)."
        return Voice(prefix, weight, "support", (), text)
    own = {k: tuple(x / weight for x in v) for k, v in mine.items()}
    value = [sum(v[a] for v in own.values()) for a in range(len(LINES))]
    legal = [a for a in range(len(LINES)) if view.legal[a]]
    best = max(legal, key=lambda a: (value[a], -a))  # ties: the quieter move
    if LINES[best] == "support":
        others = [a for a in legal if a != best]
        if not others:
            return Voice(prefix, weight, "support", (), f"{name} sees nothing else to do.")
        rival = max(others, key=lambda a: value[a])
        against = sorted(
            ((k, v[rival]) for k, v in own.items() if v[rival] <= -SMALL), key=lambda kv: kv[1]
        )
        reasons = tuple(against[:2])
        text = (
            f"{name} advises quiet support: even its best alternative, "
            f"“{MOVES[LINES[rival]].label}”, costs more than it gains"
            + (f" — against it: {_signed(list(reasons))}." if reasons else ".")
        )
        return Voice(prefix, weight, "support", reasons, text)
    pro = sorted(((k, v[best]) for k, v in own.items() if v[best] >= SMALL), key=lambda kv: -kv[1])
    con = sorted(((k, v[best]) for k, v in own.items() if v[best] <= -SMALL), key=lambda kv: kv[1])
    text = f"{name} advises “{MOVES[LINES[best]].label}” — for it: {_signed(pro[:2])}"
    text += f"; against it: {_signed(con[:1])}." if con else "."
    return Voice(prefix, weight, LINES[best], tuple(pro[:2] + con[:1]), text)


def advice(view: StepView, foreign_office_weight: float) -> Advice:
    """Both voices at one step, and the model's Britain's chances of each move."""
    voices = (
        voice(view, "cabinet", 1.0 - foreign_office_weight),
        voice(view, "foreign office", foreign_office_weight),
    )
    chances = {a: p for a, p in zip(LINES, view.chances, strict=True) if view.legal[LINES.index(a)]}
    top = sorted(chances.items(), key=lambda kv: -kv[1])
    text = (
        f"Weighing both (Foreign Office weight {foreign_office_weight:.2f}), the model's Britain "
        f"would most likely choose “{MOVES[top[0][0]].label}” ({top[0][1]:.0%} chance"
        + "".join(f"; “{MOVES[a].label}” {p:.0%}" for a, p in top[1:] if p >= 0.005)
        + ")."
    )
    return Advice(voices, chances, text)
