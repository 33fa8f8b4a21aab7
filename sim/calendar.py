"""The crisis calendar: 6-hour steps from the first ExComm meeting to the end of the quarantine.

All model time is Washington time (EDT/EST); London is five hours ahead throughout, because both
countries left summer time on the same morning, 28 Oct [TNA-call, PBS-FBIS].
"""

from __future__ import annotations

import datetime as dt

STEP_HOURS = 6
#: First ExComm meeting, just before noon Washington time, 16 Oct 1962 [Stern].
START = dt.datetime(1962, 10, 16, 12, 0)
#: Quarantine lifted 20 Nov 1962, 18:45 EST [Retro20, PBS-end]; the model stops at noon that day.
END = dt.datetime(1962, 11, 20, 12, 0)
N_STEPS = int((END - START).total_seconds() // 3600 // STEP_HOURS)
LONDON_OFFSET = dt.timedelta(hours=5)

TIMEZONES = ("Washington", "London")


def step_time(step: int) -> dt.datetime:
    """Washington time at the start of `step`."""
    return START + dt.timedelta(hours=STEP_HOURS * step)


def london(when: dt.datetime) -> dt.datetime:
    return when + LONDON_OFFSET


def step_of(when: dt.datetime, timezone: str = "Washington") -> int:
    """The step during which `when` (given in `timezone`) falls; floor to the 6-hour grid."""
    if timezone == "London":
        when = when - LONDON_OFFSET
    return int((when - START).total_seconds() // 3600 // STEP_HOURS)


def fmt(when: dt.datetime) -> str:
    """'27 Oct 14:00' — the short form used in narratives and tables."""
    return f"{when.day} {when.strftime('%b %H:%M')}"


def fmt_step(step: int) -> str:
    """'27 Oct 14:00 Washington / 19:00 London'."""
    w = step_time(step)
    return f"{fmt(w)} Washington / {fmt(london(w))} London"


#: Dated markers shown on charts and in narratives (Washington time) with their source keys.
MARKERS: tuple[tuple[dt.datetime, str, str], ...] = (
    (dt.datetime(1962, 10, 22, 19, 0), "Kennedy's speech, DEFCON 3", "OH"),
    (dt.datetime(1962, 10, 24, 10, 0), "Quarantine in force, SAC at DEFCON 2", "FRUS-VI-62"),
    (dt.datetime(1962, 10, 27, 12, 0), "Black Saturday: U-2 shot down", "OH"),
    (dt.datetime(1962, 10, 28, 9, 4), "Moscow accepts (radio broadcast)", "PBS-FBIS"),
)
