"""Pure rules of the mailbox (网上咨询 / 厅长信箱 / 投诉): statuses, allowed steps, query codes.

No Django: tested without a database. The models give the statuses their labels; the services call
:func:`check` before every change of status.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable
from datetime import date
from enum import StrEnum


class Status(StrEnum):
    SUBMITTED = "submitted"  # written, waiting to be routed or answered
    ROUTED = "routed"  # handed to a unit that drafts the answer
    REPLIED = "replied"
    CLOSED = "closed"  # not accepted (不予受理), with a reason; no reply


OPEN = frozenset({Status.SUBMITTED, Status.ROUTED})

# A letter may be routed again (to another unit) while open; replied and closed letters are final.
ALLOWED: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.ROUTED, Status.REPLIED, Status.CLOSED}),
    Status.ROUTED: frozenset({Status.ROUTED, Status.REPLIED, Status.CLOSED}),
    Status.REPLIED: frozenset(),
    Status.CLOSED: frozenset(),
}


class StepRefused(ValueError):
    """The step is not allowed in the letter's current status (message in Chinese, for the screen)."""


def check(current: str, to: str) -> None:
    """Raise :class:`StepRefused` unless a letter in ``current`` may move to ``to``."""
    if Status(to) not in ALLOWED[Status(current)]:
        if Status(current) not in OPEN:
            raise StepRefused("该来信已办结，不能再分办、答复或结束。")
        raise StepRefused("当前状态下不能进行该操作。")


def may_publish(status: str, agrees_to_publish: bool) -> bool:
    """A letter is published as Q&A only once answered, and only when the writer agreed to it."""
    return Status(status) is Status.REPLIED and agrees_to_publish


def on_time(replied_on: date, due_on: date) -> bool:
    """Answered on or before the due date (the last working day counts)."""
    return replied_on <= due_on


# --- query codes ------------------------------------------------------------------------------------

# No 0/O, 1/I/L: a code read out on the telephone or copied from paper is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A random query code (31^8 ≈ 8.5·10^11 possibilities); ``choice`` is replaceable for the demo."""
    return "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """What a person typed → the code, or None when it cannot be one.

    Full-width characters, lower case, spaces and hyphens are accepted (``abcd-efgh`` → ``ABCDEFGH``).
    """
    value = unicodedata.normalize("NFKC", text or "").upper()
    value = "".join(c for c in value if c not in " -\t\n")
    if len(value) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in value):
        return None
    return value


def format_code(code: str) -> str:
    """``ABCDEFGH`` → ``ABCD-EFGH`` (easier to read out and copy)."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code
