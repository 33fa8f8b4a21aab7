"""Outcome ids, their plain-English names, and the order that makes them mutually exclusive.

A finished history gets exactly one outcome. When several things happened, the worst one counts,
in this order: nuclear weapons used > armed clash over Berlin > invasion > air strike > negotiated
withdrawal > Soviet climb-down > missiles stay > unresolved at the horizon (20 Nov).
"""

from __future__ import annotations

OUTCOMES: tuple[str, ...] = (
    "negotiated_withdrawal",
    "soviet_climbdown",
    "missiles_stay",
    "air_strike",
    "invasion",
    "berlin_clash",
    "nuclear_war",
    "unresolved",
)
OUTCOME_INDEX: dict[str, int] = {name: i for i, name in enumerate(OUTCOMES)}

LABELS: dict[str, str] = {
    "negotiated_withdrawal": "Negotiated withdrawal",
    "soviet_climbdown": "Soviet climb-down",
    "missiles_stay": "Missiles stay (US backs down)",
    "air_strike": "US air strike",
    "invasion": "US invasion of Cuba",
    "berlin_clash": "Armed clash over Berlin",
    "nuclear_war": "Nuclear weapons used",
    "unresolved": "Unresolved by 20 Nov",
}

DESCRIPTIONS: dict[str, str] = {
    "negotiated_withdrawal": "Moscow withdraws the missiles in return for concessions.",
    "soviet_climbdown": "Moscow withdraws without getting anything in return.",
    "missiles_stay": "Washington lifts the quarantine and the missiles stay.",
    "air_strike": "The US bombs the missile sites; no invasion, no nuclear weapons used.",
    "invasion": "US troops land in Cuba; no nuclear weapons used.",
    "berlin_clash": "Soviet and Western forces fight over West Berlin.",
    "nuclear_war": "Nuclear weapons are used: one or more, by either side.",
    "unresolved": "No settlement, no war, by 20 November.",
}

#: Outcomes that involve fighting: used for 'war share' summaries and direction tests.
WAR_OUTCOMES: tuple[str, ...] = ("air_strike", "invasion", "berlin_clash", "nuclear_war")

NEGOTIATED, CLIMBDOWN, MISSILES_STAY, AIR_STRIKE, INVASION, BERLIN_CLASH, NUCLEAR, UNRESOLVED = (
    range(8)
)
