"""How a record's fields are shown: in the national order, with the §4 masks for each audience."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from gongkai.credit import records
from gongkai.credit.models import Decision

NEVER_PUBLIC = frozenset({"id_number", "legal_rep_id_number", "legal_rep_id_type", "legal_rep_id_type_note"})
"""Identity numbers (§4 rule 1) and what only serves to read them."""
REDACTED = frozenset({"content", "facts", "result", "remarks", "basis", "licence_affected"})


def money(yuan: Decimal | None) -> str:
    if yuan is None:
        return ""
    return _("%(yuan)s 元（%(wan)s 万元）") % {"yuan": f"{yuan:,.2f}", "wan": records.wan_yuan(yuan)}


def value_text(decision: Decision, key: str) -> str:
    """One field as text, unmasked (the callers mask)."""
    if key in ("fine", "confiscation"):
        return money(getattr(decision, f"{key}_yuan"))
    if key == "penalty_types":
        return "、".join(decision.penalty_type_labels)
    if key == "licence_state":
        return _("有效") if decision.licence_state_now == "valid" else _("无效")
    field = Decision._meta.get_field(key)
    value: Any = getattr(decision, key)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices and value:
        text = str(choices.get(value, value))
        if key in ("id_type", "legal_rep_id_type") and value == "other":
            note = getattr(decision, f"{key}_note")
            return f"{text}（{note}）" if note else text
        return text
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def rows(
    decision: Decision, *, public: bool, revealed: dict[str, str] | None = None
) -> list[tuple[str, str, bool]]:
    """``(label, text, long)`` for every filled field of the record, in the national order.

    ``public``: ID numbers left out, names and texts masked (§4). Staff see ID numbers masked (first
    and last four) unless ``revealed`` holds them (a logged reveal)."""
    out: list[tuple[str, str, bool]] = []
    for f in records.fields_for(decision.kind):
        key = f.key
        if key.endswith("_note") or (public and key in NEVER_PUBLIC):
            continue
        if public and key == "party_name":
            text = decision.party_name_public
        elif public and key == "legal_rep":
            text = decision.legal_rep_public
        elif public and key in REDACTED:
            text = decision.public_text(value_text(decision, key))
        elif key in ("id_number", "legal_rep_id_number"):
            full = getattr(decision, key)
            text = (revealed or {}).get(key) or records.mask_id(full)
        else:
            text = value_text(decision, key)
        if text:
            out.append((_(f.header), text, f.max_length >= 1000))
    return out
