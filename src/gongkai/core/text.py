"""Cleaning text people typed or pasted: pure, no Django."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls except tab and newline, and the bidi overrides/isolates that can disguise text.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    """NFC, line endings unified, control and bidi-override characters removed (PostgreSQL also refuses
    NUL). Characters outside the BMP (Extension-B names such as 𠀀) and emoji are kept."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    return _UNSAFE.sub("", value)


def parse_int(text: str, *, max_digits: int = 9) -> int | None:
    """A whole number typed in a URL or form as ASCII digits (``²`` and full-width digits pass
    ``str.isdigit`` but are not numbers here), at most ``max_digits`` long; otherwise None."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= max_digits:
        return int(text)
    return None


def parse_year(text: str) -> int | None:
    """A four-digit year (ASCII digits) or None."""
    text = text.strip()
    return int(text) if len(text) == 4 and parse_int(text) is not None else None
