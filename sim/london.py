"""What London knew, and when: the briefing of a player in London's chair.

Every line of a played history's event log (`sim.eventlog`) either reaches London at a time we
can state, or never does within the game. Three channels:

- **news** (the speech, the quarantine, U Thant's appeal, strikes, Moscow's acceptance by radio,
  the outcome): heard in London at once (the speech at 19:00 Washington was midnight in London
  [OH]; Moscow used open radio on 28 Oct [NARA-exhibit, PBS-FBIS]);
- **Washington's reports**: what Washington did in private, what it read of Moscow's letters, and
  incidents, reach London at the next report from Washington *after Washington knew*: Kennedy's
  private message on 21 Oct (by teletype, 22:00 London [Bbg, TNA-msg]), the first call at 00:30
  London on 23 Oct [TNA-call], then a call each evening at 18:30 Washington, 23:30 London
  [Miller, FRUS-XI-74]. Calls every night is Horne's account [Tel-Horne]; the documented ones are
  fewer, so a call on every night is a modelling assumption;
- **never**: Soviet choices not yet in a letter Washington has read (waiting, building the
  sites), Moscow's reading of Western offers, and the secret Jupiter assurance (kept from the
  allies [OH]; that London never heard of it is a modelling assumption). True missile readiness
  is never shown, only the figures reported (21 Oct [TNA-msg]; 25 Oct [HL-25Oct]).

A step's briefing holds what had reached London by the start of the step (London decides then).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sim import calendar
from sim import world as w
from sim.eventlog import Event
from sim.history import History
from sim.labels import ACTION_LABELS

#: Kennedy's private message reached Macmillan by teletype at 22:00 London, 21 Oct [Bbg, TNA-msg].
TELETYPE = dt.datetime(1962, 10, 21, 17, 0)
#: The first call, just after the speech: 00:30 London, 23 Oct [TNA-call].
FIRST_CALL = dt.datetime(1962, 10, 22, 19, 30)
#: Later calls at 18:30 Washington = 23:30 London [Miller, FRUS-XI-74], one each evening
#: (Horne [Tel-Horne]; every night: modelling assumption), to the end of the quarantine.
CALL_HOUR = dt.time(18, 30)
REPORTS: tuple[dt.datetime, ...] = (
    TELETYPE,
    FIRST_CALL,
    *(
        dt.datetime.combine(dt.date(1962, 10, 23) + dt.timedelta(days=d), CALL_HOUR)
        for d in range((calendar.END.date() - dt.date(1962, 10, 23)).days + 1)
    ),
)
NEWS, REPORT, LONDON = "news", "report from Washington", "London"
#: Soviet moves seen by others: the ships turning (the US Navy at sea [OH]) and pressure on
#: Berlin (reported through Washington: modelling assumption).
SEEN = {
    "halt_ships": "Soviet ships carrying arms are turning back, the US Navy reports (OH)",
    "press_berlin": "Pressure on West Berlin rises: harassment on the access routes",
}
#: Soviet moves made in public: acceptance by radio [PBS-FBIS]; a climb-down would be as public.
PUBLIC_SOVIET = ("accept", "climb_down")
#: Washington's moves announced at once; the others are told at the next call, bar the secret one.
PUBLIC_US = ("air_strike", "invade", "back_down")
SECRET_US = ("offer_secret_jupiters",)
#: Log lines the model writes before the agents choose at their step (letters read, scheduled
#: events); every other line (choices, incidents, outcomes) is settled after London chose, so it
#: can be heard at the earliest at the next step.
BEFORE_DECISIONS = ("message_received", "scheduled")
#: Reported figures London had (never the model's true readiness).
REPORTED = (
    (
        TELETYPE,
        "Kennedy's private message: six missile sites found in Cuba, two possibly operational; "
        "he has had to make his first decision on his own responsibility (TNA-msg)",
    ),
    (
        dt.datetime(1962, 10, 25, 10, 0),
        "Macmillan tells Parliament what Washington reports: at least 30 missiles and more than "
        "20 IL-28 bombers in Cuba (HL-25Oct)",
    ),
)


@dataclass(frozen=True)
class Item:
    """One thing London learnt: when it happened and when it reached London (both Washington
    time), by which channel, and what it said."""

    happened: dt.datetime
    arrived: dt.datetime
    channel: str
    text: str

    @property
    def heard(self) -> str:
        """'23 Oct 23:30 London': when London learnt it."""
        return calendar.fmt(calendar.london(self.arrived)) + " London"


def next_report(known: dt.datetime) -> dt.datetime | None:
    """The first report from Washington at or after `known` (None: after the last one)."""
    return next((r for r in REPORTS if r >= known), None)


def route(e: Event) -> tuple[str, dt.datetime, str] | None:
    """(channel, when Washington or the world knew, text) of a log line; None if London never
    learns of it within the game."""
    a = e.text
    if e.actor == "uk":
        return None if e.kind == "choice" else (LONDON, e.when, "London: " + a)
    if e.kind == "outcome" or (e.actor == "ussr" and e.kind == "incident"):
        return NEWS, e.when, a
    if e.actor == "world":
        return (REPORT if e.kind == "incident" else NEWS), e.when, a
    if e.actor == "us":
        if e.kind == "choice":
            if a == "hold" or a in SECRET_US:
                return None
            text = "Washington " + ACTION_LABELS.get(a, a)
            return (NEWS if a in PUBLIC_US else REPORT), e.when, text
        if e.kind == "message_received":
            return REPORT, e.when, "Washington " + a
        if e.kind == "scheduled":
            private = e.step == w.DECISION_STEP or "holds back" in a
            return (REPORT if private else NEWS), e.when, a
        return None  # "message_sent": the choice above says it
    if e.kind == "choice" and a in PUBLIC_SOVIET:
        # The broadcast said the missiles would go, not what was promised in secret.
        head = (e.note or ACTION_LABELS.get(a, a)).split(":", 1)[0]
        return NEWS, e.when, f"Moscow {head}: the missiles will be withdrawn (Radio Moscow)"
    if e.kind == "choice" and a in SEEN:
        return REPORT, e.when, SEEN[a]
    return None  # Moscow's other choices, and what it read: London does not know


def items(history: History) -> list[Item]:
    """Everything London learns in this history, in the order it learnt it."""
    out = [Item(t, t, REPORT if t == TELETYPE else NEWS, text) for t, text in REPORTED]
    for e in history.events:
        routed = route(e)
        if routed is None:
            continue
        channel, known, text = routed
        if e.kind not in BEFORE_DECISIONS:  # settled after London chose at that step
            known = max(known, calendar.step_time(e.step + 1))
        arrived = next_report(known) if channel == REPORT else known
        if arrived is not None:
            out.append(Item(e.when, arrived, channel, text))
    return sorted(out, key=lambda i: (i.arrived, i.happened))


def briefing(history: History, step: int) -> list[Item]:
    """What had reached London by the start of `step`."""
    now = calendar.step_time(step)
    return [i for i in items(history) if i.arrived <= now]


def alert_state(history: History, step: int, alert_step: int | None) -> list[str]:
    """The alert levels London knew of at `step`: the US's (public) and its own."""
    known = briefing(history, step)
    heard = {i.happened for i in known if i.channel == NEWS}
    us = "US forces at normal readiness (as far as London knows)"
    if w.SPEECH_TIME in heard:
        us = "US forces at DEFCON 3 since Kennedy's speech (OH)"
    if w.QUARANTINE_TIME in heard:
        us = "US forces at DEFCON 3, Strategic Air Command at DEFCON 2 (Schl, OH)"
    uk = "Thor force at routine readiness, part of it at 15 minutes (Reddit-AH, MilHist-Emily)"
    if alert_step is not None and alert_step < step:
        uk = (
            f"Bomber Command at Alert Condition 3 since {calendar.fmt_step(alert_step)}, "
            "Thors at readiness, no dispersal (V2S; Emily-W)"
        )
    return [us, uk]
