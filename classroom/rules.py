"""The class store's rules, without a database: join codes, secrets, nicknames, stages, answer
values, and the one-line error every misuse raises (`ClassError`).

Kept apart from `store.py` so that the app can check a nickname or a code before a round trip,
and so that each rule is tested on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import unicodedata

#: Join codes: 6 characters without look-alikes (no I, L, O, 0, 1), read off a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
NICKNAME_MAX = 24
#: Characters refused in a nickname: markup and quotes (a nickname is shown on a projector).
NICKNAME_FORBIDDEN = frozenset("<>&\"'`")
#: The sequence a teacher moves the class through.
STAGES: tuple[str, ...] = ("lobby", "baseline", "whatif", "predict", "reveal", "discuss", "debrief")
#: A posed question's states, in order: answers change until locked; shown to all once revealed.
OPEN, LOCKED, REVEALED = "open", "locked", "revealed"
STATES: tuple[str, ...] = (OPEN, LOCKED, REVEALED)
#: A class lives this long unless the teacher says otherwise (hours), within TTL_RANGE.
DEFAULT_TTL_HOURS = 24.0
TTL_RANGE = (0.01, 24.0 * 30)
#: Flood guard: at most FLOOD_LIMIT submits per student in FLOOD_WINDOW_S seconds.
FLOOD_LIMIT = 10
FLOOD_WINDOW_S = 10.0
REQUEST_ID_MAX = 64
_REQUEST_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


class ClassError(ValueError):
    """A one-line message for the person at the screen (wrong code, bad nickname, answer after
    the lock, not the teacher, too many submits, database busy or full)."""


class RateLimited(ClassError):
    """Too many submits from one student in a few seconds: refused politely, nothing stored."""


class StoreUnavailable(ClassError):
    """The database could not be read or written (locked, disk full, unreachable)."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_secret() -> str:
    """A teacher key or a student token: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """How a secret is stored: its sha256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_secret(secret: str, stored_digest: str) -> bool:
    """Constant-time comparison of a presented secret with a stored digest."""
    return hmac.compare_digest(digest(secret), stored_digest)


def normalise_code(code: object) -> str:
    """A join code as typed ('k7m 2qd') -> 'K7M2QD'; `ClassError` if it cannot be one."""
    text = "".join(str(code).split()).upper() if isinstance(code, str) else ""
    if len(text) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in text):
        shown = repr(code)[:20]
        raise ClassError(
            f"class code {shown} is not valid: a code is {CODE_LENGTH} letters and digits as "
            "shown on the projector, e.g. K7M2QD"
        )
    return text


def check_nickname(nickname: object) -> tuple[str, str]:
    """(nickname as shown, key for uniqueness): stripped, NFC, 1-24 characters, no markup,
    quotes or control characters. `ClassError` otherwise."""
    if not isinstance(nickname, str):
        raise ClassError(f"nickname must be text of 1 to {NICKNAME_MAX} characters")
    name = unicodedata.normalize("NFC", " ".join(nickname.split()))
    if not name:
        raise ClassError(f"nickname is empty: type 1 to {NICKNAME_MAX} characters")
    bad = sorted({c for c in name if c in NICKNAME_FORBIDDEN})
    if bad or any(unicodedata.category(c).startswith("C") for c in name):
        shown = " ".join(bad) if bad else "control characters"
        raise ClassError(f"nickname may not contain {shown}: use letters, digits and spaces")
    if len(name) > NICKNAME_MAX:
        raise ClassError(
            f"nickname is too long ({len(name)} characters): use at most {NICKNAME_MAX}"
        )
    return name, name.casefold()


def check_stage(stage: object) -> str:
    if stage not in STAGES:
        raise ClassError(
            f"stage {str(stage)[:20]!r} is not allowed: use one of {', '.join(STAGES)}"
        )
    return str(stage)


def check_ttl(hours: object) -> float:
    low, high = TTL_RANGE
    if (
        isinstance(hours, bool)
        or not isinstance(hours, int | float)
        or not math.isfinite(hours)
        or not low <= hours <= high
    ):
        raise ClassError(f"ttl_hours = {hours!r} is out of range: allowed {low} to {high:g} hours")
    return float(hours)


def check_request_id(request_id: object) -> str:
    if not isinstance(request_id, str) or not _REQUEST_ID.fullmatch(request_id):
        raise ClassError(
            f"request_id {str(request_id)[:20]!r} is not allowed: use 1 to {REQUEST_ID_MAX} "
            "letters, digits or _ . : -"
        )
    return request_id


def check_share(value: object) -> float:
    """A share answer: a fraction from 0 to 1 (the app shows it as 0-100%)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ClassError(f"answer {str(value)[:20]!r} is not a number: give a share from 0 to 1")
    if not 0.0 <= value <= 1.0:
        raise ClassError(f"answer {value!r} is out of range: give a share from 0 to 1 (0-100%)")
    return float(value)


def check_choice(value: object, options: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        raise ClassError(
            f"answer {str(value)[:40]!r} is not one of the choices: use one of {', '.join(options)}"
        )
    return value


def csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (leading = + - @ gets a quote)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
