"""What changed while a case page was open (bad-inputs 14).

Every action form of the case page carries, besides the version the optimistic lock checks, a signed
summary of the case as the page showed it (:func:`snapshot_token`): state, units, outcome and a summary of
the draft reply, the deadline, pauses, dates. When the form arrives stale, :func:`differences` compares that
summary with the case as it is now, and :func:`events_since` lists the steps taken in between, so that the
person whose form was refused sees what the other person changed. The summary holds no personal data of
the applicant; it is signed (not encrypted) because it shows nothing the page did not already show.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications.models import Application, CaseEvent
from gongkai.applications.workflow import LABELS, Status

SALT = "gongkai.applications.case-state"
REPLY_HEAD = 40  # characters of the draft reply kept in the summary


def _reply(text: str) -> dict[str, Any]:
    return {
        "hash": hashlib.sha256(text.encode()).hexdigest()[:16] if text else "",
        "length": len(text),
        "head": text[:REPLY_HEAD],
    }


def state_of(application: Application) -> dict[str, Any]:
    """The parts of a case that a person acts on, as JSON-ready values."""
    return {
        "version": application.version,
        "status": application.status,
        "units": sorted(application.assignments.values_list("unit__name", flat=True)),
        "outcome": application.outcome,
        "reply": _reply(application.reply_text),
        "due_on": application.due_on.isoformat() if application.due_on else "",
        "due_provisional": application.due_provisional,
        "received_on": application.received_on.isoformat() if application.received_on else "",
        "extension_days": application.extension_days,
        "clarification_sent_on": _iso(application.clarification_sent_on),
        "supplement_received_on": _iso(application.supplement_received_on),
        "pauses": sorted(
            f"{p.get_kind_display()}{f'（{p.party}）' if p.party else ''}"
            for p in application.pauses.filter(ended_on__isnull=True)
        ),
        "art35_due": _iso(application.art35_due),
        "concluded_on": _iso(application.concluded_on),
        "delivered_on": _iso(application.delivered_on),
        "attachments": application.attachments.count(),
    }


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


def snapshot_token(application: Application) -> str:
    """The signed summary the case page puts in every action form, with the time it was shown."""
    state = {"at": timezone.now().isoformat(), "case": str(application.public_id), **state_of(application)}
    return signing.dumps(state, salt=SALT, compress=True)


def load_snapshot(token: str, application: Application) -> dict[str, Any] | None:
    """The summary a form carried about ``application``, or None (no summary, one that was altered, or
    one taken from another case's page)."""
    if not token:
        return None
    try:
        value = signing.loads(token[:4000], salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.pop("case", None) != str(application.public_id):
        return None
    return value


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _status(value: str) -> str:
    try:
        return str(LABELS[Status(value)])
    except ValueError:
        return value


def _outcome(value: str) -> str:
    from gongkai.applications import outcomes

    return outcomes.full_label(value) if value else "—"


def _reply_text(value: dict[str, Any]) -> str:
    if not value.get("length"):
        return "—"
    head = value.get("head", "")
    more = "…" if value["length"] > len(head) else ""
    return _("%(n)d 字：%(head)s%(more)s") % {"n": value["length"], "head": head, "more": more}


def _due(state: dict[str, Any]) -> str:
    if not state.get("due_on"):
        return "—"
    return state["due_on"] + (_("（暂定）") if state.get("due_provisional") else "")


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return str(value) if value not in ("", None) else "—"


def differences(before: dict[str, Any], application: Application) -> list[Change]:
    """The fields of the summary that differ between ``before`` (the page the person had) and now."""
    after = state_of(application)
    rows: list[tuple[str, str, Any]] = [
        (_("状态"), "status", _status),
        (_("承办处室"), "units", _plain),
        (_("拟定的办理结果"), "outcome", _outcome),
        (_("答复内容"), "reply", _reply_text),
        (_("收到申请之日"), "received_on", _plain),
        (_("补正告知"), "clarification_sent_on", _plain),
        (_("收到补正"), "supplement_received_on", _plain),
        (_("中止（征求意见、收费）"), "pauses", _plain),
        (_("延期（工作日）"), "extension_days", _plain),
        (_("第三十五条决定的期限"), "art35_due", _plain),
        (_("办结日期"), "concluded_on", _plain),
        (_("送达日期"), "delivered_on", _plain),
        (_("附件数"), "attachments", _plain),
    ]
    changes = []
    for label, key, show in rows:
        old, new = before.get(key), after.get(key)
        if key == "reply":  # compared by hash: the summary keeps only the beginning
            old, new = old if isinstance(old, dict) else {}, new if isinstance(new, dict) else {}
            if old.get("hash", "") != new.get("hash", ""):
                changes.append(Change(label, show(old), show(new)))
        elif old != new:
            changes.append(Change(label, show(old if old is not None else ""), show(new)))
    if (before.get("due_on"), before.get("due_provisional")) != (after["due_on"], after["due_provisional"]):
        changes.append(Change(_("答复期限"), _due(before), _due(after)))
    return changes


def events_since(
    application: Application, snapshot: dict[str, Any] | None, *, limit: int = 20
) -> list[CaseEvent]:
    """The steps taken on the case after the page was shown (the latest ones when that is unknown)."""
    events = application.events.select_related("actor").order_by("-at", "-id")
    at = _when(snapshot)
    if at is not None:
        events = events.filter(at__gt=at)
    return list(reversed(events[:limit] if at is not None else events[:5]))


def _when(snapshot: dict[str, Any] | None) -> datetime | None:
    if not snapshot or not isinstance(snapshot.get("at"), str):
        return None
    try:
        return datetime.fromisoformat(snapshot["at"])
    except ValueError:
        return None
