"""Every write to a 双公示 record, and the figures other areas read.

Writes (each one transaction, each with its audit event via :func:`gongkai.core.audit.record`):
:func:`decision_save` (create or correct, validated by :func:`gongkai.credit.records.check`),
:func:`decision_publish`, :func:`decision_withdraw` (with a reason, ``credit-publicity.md`` §2.3),
:func:`decision_delete` (drafts only), :func:`decision_reveal` (a logged look at full identifiers),
:func:`import_rows` (a checked batch) and :func:`export_file` (an export is logged too).

Reads: :func:`decision_counts` (section 二 of the annual report: decisions by decision date in the
year, one per document number, §7), :func:`licensing_counts_by_action`, :func:`export_rows`,
:func:`publication_due`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from gongkai.core import audit, clock
from gongkai.core.calendar import working_calendar
from gongkai.core.identity import InvalidIdentity, validate_phone
from gongkai.core.reveal import reveal as logged_reveal
from gongkai.core.text import clean_text
from gongkai.credit import records
from gongkai.credit.models import VALUE_FIELDS, Decision, Kind, Status
from gongkai.orgs.models import Agency

PUBLISH_WORKING_DAYS = {Kind.LICENSING: 7, Kind.PENALTY: 7, Kind.COERCION: 20}
"""Publication deadline after the decision date: 7 working days for licensing and penalties
(国办发〔2015〕51号), 20 for other enforcement decisions (国办发〔2018〕118号), §2.1–2.2."""

EXTRA_FIELDS = ("contact_phone", "involves_minor", "frozen_account")
"""Fields of the form that are not national fields."""
KEPT_WHEN_BLANK = ("id_number", "legal_rep_id_number", "contact_phone", "frozen_account")
"""Identifiers a form shows masked: left blank, the stored value is kept."""


class StaleDecision(ValidationError):
    """Someone else changed the record since it was loaded."""


class Saved(NamedTuple):
    decision: Decision
    warnings: list[str]


def _lock(decision: Decision, version: int | None) -> Decision:
    locked = Decision.objects.select_for_update().select_related("agency").get(pk=decision.pk)
    if version is not None and locked.version != version:
        raise StaleDecision("该记录已被他人修改，请刷新后再操作。")
    return locked


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: clean_text(v) if isinstance(v, str) else v for k, v in data.items()}


def check_values(
    kind: str, data: dict[str, Any], *, decision: Decision | None = None, today: date | None = None
) -> records.Checked:
    """:func:`records.check` with the stored identifiers filled in where the form left them blank."""
    values = _clean(dict(data))
    if decision is not None:
        stored = decision.values()
        if not values.get("id_number") and values.get("id_type") == decision.id_type:
            values["id_number"] = stored["id_number"]
        if (
            not values.get("legal_rep_id_number")
            and values.get("legal_rep_id_type") == decision.legal_rep_id_type
        ):
            values["legal_rep_id_number"] = stored["legal_rep_id_number"]
    return records.check(kind, values, today=today or timezone.localdate())


def _extras(data: dict[str, Any], decision: Decision | None, kind: str) -> dict[str, Any]:
    """The non-national fields: contact phone (checked), minor flag, frozen account."""
    out: dict[str, Any] = {"involves_minor": bool(data.get("involves_minor"))}
    phone = clean_text(str(data.get("contact_phone") or "")).strip()
    if phone:
        try:
            out["contact_phone"] = validate_phone(phone)
        except InvalidIdentity as exc:
            raise ValidationError({"contact_phone": [f"联系电话：{exc}"]}) from exc
    else:
        out["contact_phone"] = decision.contact_phone if decision else ""
    account = clean_text(str(data.get("frozen_account") or "")).strip()
    if kind != Kind.COERCION:
        account = ""
    elif not account and decision is not None:
        account = decision.frozen_account
    out["frozen_account"] = account
    return out


def _assign(decision: Decision, values: dict[str, Any]) -> list[str]:
    """Copy checked values onto the model; return the names of the fields that changed."""
    changed = []
    new = dict(values)
    new["fine_yuan"] = new.pop("fine", None)
    new["confiscation_yuan"] = new.pop("confiscation", None)
    for name in (*VALUE_FIELDS, "fine_yuan", "confiscation_yuan", *EXTRA_FIELDS):
        if name not in new:
            default: Any = [] if name == "penalty_types" else None if _nullable(name) else ""
            new[name] = default
        if getattr(decision, name) != new[name]:
            changed.append(name)
            setattr(decision, name, new[name])
    return changed


def _nullable(name: str) -> bool:
    return bool(Decision._meta.get_field(name).null)


@transaction.atomic
def decision_save(
    *,
    agency: Agency,
    kind: str,
    data: dict[str, Any],
    by: Any,
    decision: Decision | None = None,
    version: int | None = None,
    today: date | None = None,
) -> Saved:
    """Create a record (a draft) or correct one; raises ``ValidationError`` keyed by field with Chinese
    messages. A published record can be corrected (it stays published); a withdrawn one cannot."""
    kind = Kind(kind)
    if decision is not None:
        decision = _lock(decision, version)
        if decision.status == Status.WITHDRAWN:
            raise ValidationError("已撤销公示的记录不能修改。")
        kind = Kind(decision.kind)
        agency = decision.agency
    checked = check_values(kind, data, decision=decision, today=today)
    if not checked.ok:
        raise ValidationError(checked.by_key())
    values = {**checked.values, **_extras(data, decision, kind)}
    duplicate = Decision.objects.filter(
        agency=agency, kind=kind, number=values["number"], party_name=values["party_name"]
    )
    if decision is not None:
        duplicate = duplicate.exclude(pk=decision.pk)
    if duplicate.exists():
        raise ValidationError(
            {
                "number": [
                    f"本机关已有文书号为“{values['number']}”、行政相对人为该名称的{Kind(kind).label}记录。"
                ]
            }
        )
    creating = decision is None
    if decision is None:
        decision = Decision(agency=agency, kind=kind, created_by=by if getattr(by, "pk", None) else None)
    changed = _assign(decision, values)
    if not creating and decision.status == Status.PUBLISHED and decision.blocks_publication:
        raise ValidationError(decision.blocks_publication + "请先撤销公示。")
    if creating:
        decision.save()
        audit.record(
            by, "credit.create", decision, agency=agency, data={"kind": kind, "number": decision.number}
        )
    else:
        if changed:
            decision.version += 1
            decision.save()
        audit.record(
            by, "credit.update", decision, agency=agency, data={"fields": changed, "status": decision.status}
        )
    return Saved(decision, [w.message for w in checked.warnings])


@transaction.atomic
def decision_publish(
    decision: Decision,
    *,
    by: Any,
    version: int | None = None,
    today: date | None = None,
    at: datetime | None = None,
) -> Decision:
    """Publish a draft: complete (checked again), not a refusal, not about a minor (§4 rule 4).
    ``at`` records a publication that happened earlier (a backfill); it defaults to now."""
    decision = _lock(decision, version)
    if decision.status != Status.DRAFT:
        raise ValidationError("只有待公示的记录可以公示。")
    if decision.blocks_publication:
        raise ValidationError(decision.blocks_publication)
    checked = records.check(decision.kind, decision.values(), today=today or timezone.localdate())
    if not checked.ok:
        raise ValidationError(["记录不完整，不能公示：", *(p.message for p in checked.errors)])
    now = at or timezone.now()
    due = publication_due(decision)
    decision.status = Status.PUBLISHED
    decision.published_at = now
    decision.published_by = by if getattr(by, "pk", None) else None
    decision.version += 1
    decision.save()
    overdue = timezone.localdate(now) > due
    audit.record(
        by,
        "credit.publish",
        decision,
        agency=decision.agency,
        data={"due": due.isoformat(), "overdue": overdue},
    )
    return decision


@transaction.atomic
def decision_withdraw(
    decision: Decision,
    *,
    by: Any,
    reason: str,
    basis: str = "",
    version: int | None = None,
    at: datetime | None = None,
) -> Decision:
    """Take a published record down (the decision was changed, revoked or found unlawful: CFF art 48,
    §2.3). The record leaves the public lists; its public page says it was withdrawn and why."""
    reason = clean_text(reason or "").strip()
    basis = clean_text(basis or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写撤销公示的理由。"]})
    if len(reason) > 1000 or len(basis) > 200:
        raise ValidationError({"reason": ["撤销理由不超过 1000 字，依据文书不超过 200 字。"]})
    decision = _lock(decision, version)
    if decision.status != Status.PUBLISHED:
        raise ValidationError("只有已公示的记录可以撤销公示。")
    decision.status = Status.WITHDRAWN
    decision.withdrawn_at = at or timezone.now()
    decision.withdrawn_by = by if getattr(by, "pk", None) else None
    decision.withdrawal_reason = reason
    decision.withdrawal_basis = basis
    decision.version += 1
    decision.save()
    audit.record(
        by, "credit.withdraw", decision, agency=decision.agency, reason=reason, data={"basis": basis}
    )
    return decision


@transaction.atomic
def decision_delete(decision: Decision, *, by: Any, reason: str = "") -> None:
    """Delete a draft entered by mistake (never published, so nothing to withdraw)."""
    decision = _lock(decision, None)
    if decision.status != Status.DRAFT:
        raise ValidationError("只能删除待公示的记录；已公示的请撤销公示。")
    audit.record(
        by,
        "credit.delete",
        decision,
        agency=decision.agency,
        reason=clean_text(reason or ""),
        data={"kind": decision.kind, "number": decision.number},
    )
    decision.delete()


REVEALABLE = ("id_number", "legal_rep_id_number", "contact_phone", "frozen_account")


def decision_reveal(decision: Decision, *, by: Any) -> dict[str, str]:
    """The full identifiers of a record for the staff who may change it; every reveal is logged
    (``bad-inputs.md`` 13, :mod:`gongkai.core.reveal`). Returns only the fields that have a value."""
    return logged_reveal(decision, REVEALABLE, by=by, verb="credit.reveal", agency=decision.agency)


# --- deadlines ----------------------------------------------------------------------------------------


def publication_due(decision: Decision, calendar: clock.WorkingCalendar | None = None) -> date:
    """The last day to publish: N working days after the decision date (the day itself not counted)."""
    cal = calendar or working_calendar()
    return clock.add_working_days(cal, decision.decision_date, PUBLISH_WORKING_DAYS[Kind(decision.kind)])


def is_overdue(decision: Decision, today: date, calendar: clock.WorkingCalendar | None = None) -> bool:
    """Published after its due date, or still a publishable draft past it (§2.1: 已逾期)."""
    due = publication_due(decision, calendar)
    if decision.published_at is not None:
        return timezone.localdate(decision.published_at) > due
    return decision.status == Status.DRAFT and not decision.blocks_publication and today > due


# --- the annual report --------------------------------------------------------------------------------


def _year(agency: Agency | Iterable[Agency], year: int) -> QuerySet[Decision]:
    where = {"agency": agency} if isinstance(agency, Agency) else {"agency__in": list(agency)}
    return Decision.objects.filter(
        **where, decision_date__gte=date(year, 1, 1), decision_date__lte=date(year, 12, 31)
    )


def decision_counts(agency: Agency | Iterable[Agency], year: int) -> dict[str, int]:
    """Decisions of ``agency`` (or of several agencies, added up) dated in ``year``, by kind:
    ``{"licensing": n, "penalty": n, "coercion": n}``.

    For section 二 of the annual report (``section2.art20_5.licensing.decisions``,
    ``section2.art20_6.penalty.decisions``, ``section2.art20_6.coercion.decisions``). One SQL aggregate
    however many agencies (grouped by agency and kind: a 文书号 is distinct within its agency).
    Counting rules (``credit-publicity.md`` §7, **choices**): the unit is one decision document (distinct
    文书号 per kind), so a decision naming several parties counts once; every recorded decision counts
    whatever its publicity status (a draft not yet published, a refusal that is never published, a
    penalty whose publication was later withdrawn: each was made in the year); deleted drafts do not.
    """
    rows = _year(agency, year).values("agency", "kind").annotate(n=Count("number", distinct=True)).order_by()
    counts = {k: 0 for k in Kind.values}
    for row in rows:  # one row per agency and kind
        counts[row["kind"]] += row["n"]
    return counts


def licensing_counts_by_action(agency: Agency, year: int) -> dict[str, int]:
    """Licensing decisions in ``year`` by what they decided (准予, 不予许可, 变更, 延续, 撤回, 撤销, 注销),
    for the report builder's breakdown (§7 item 2)."""
    rows = (
        _year(agency, year)
        .filter(kind=Kind.LICENSING)
        .values("licensing_action")
        .annotate(n=Count("number", distinct=True))
        .order_by()
    )
    counts = dict.fromkeys(records.LICENSING_ACTIONS, 0)
    for row in rows:
        counts[row["licensing_action"] or "grant"] += row["n"]
    return counts


# --- export -------------------------------------------------------------------------------------------


def export_queryset(agency: Agency, kind: str, year: int | None = None) -> QuerySet[Decision]:
    """What goes to the credit platform: the published records of one kind (by decision year)."""
    qs = Decision.objects.filter(agency=agency, kind=Kind(kind), status=Status.PUBLISHED)
    if year is not None:
        qs = qs.filter(decision_date__gte=date(year, 1, 1), decision_date__lte=date(year, 12, 31))
    return qs.order_by("decision_date", "number", "id")


def export_rows(
    agency: Agency, kind: str, year: int | None = None, *, masked: bool = False, today: date | None = None
) -> list[list[str]]:
    """The records as rows of text cells under :func:`records.headers` ``(kind)`` (no header row).

    Unmasked, the rows carry full identifiers, as the credit platform needs them for matching (§4
    rule 5); ``masked`` hides ID numbers and natural persons' names."""
    day = today or timezone.localdate()
    return [
        records.export_cells(kind, d.values(), today=day, masked=masked)
        for d in export_queryset(agency, kind, year).iterator(chunk_size=500)
    ]


def export_file(
    *, agency: Agency, kind: str, year: int | None, fmt: str, masked: bool, by: Any
) -> tuple[bytes, int]:
    """The export as XLSX or CSV bytes and its row count; logged in the audit trail."""
    from gongkai.credit import batch

    rows = export_rows(agency, kind, year, masked=masked)
    data = batch.to_xlsx(kind, rows) if fmt == "xlsx" else batch.to_csv(kind, rows)
    audit.record(
        by,
        "credit.export",
        agency,
        agency=agency,
        data={"kind": kind, "year": year, "format": fmt, "masked": masked, "rows": len(rows)},
    )
    return data, len(rows)


# --- import -------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    skipped_existing: int = 0
    published: int = 0
    not_publishable: list[int] = field(default_factory=list)  # spreadsheet row numbers


def existing_keys(agency: Agency, kind: str) -> set[tuple[str, str]]:
    return set(Decision.objects.filter(agency=agency, kind=kind).values_list("number", "party_name"))


@transaction.atomic
def import_rows(
    *,
    agency: Agency,
    kind: str,
    valid: Sequence[tuple[int, dict[str, Any]]],
    by: Any,
    source_name: str,
    publish: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Create the checked rows ``(row number, values)`` as drafts (published when ``publish`` and
    allowed), in one transaction. A row whose 文书号 and 行政相对人名称 already exist is skipped, so
    importing a file twice creates nothing the second time."""
    kind = Kind(kind)
    result = ImportResult()
    seen = existing_keys(agency, kind)
    actor = by if getattr(by, "pk", None) else None
    now = timezone.now()
    for index, (row, values) in enumerate(valid, 1):
        key = (values["number"], values["party_name"])
        if key in seen:
            result.skipped_existing += 1
            continue
        seen.add(key)
        decision = Decision(agency=agency, kind=kind, created_by=actor)
        _assign(decision, {**values, "involves_minor": False, "contact_phone": "", "frozen_account": ""})
        decision.save()
        audit.record(
            by,
            "credit.import",
            decision,
            agency=agency,
            data={"kind": kind, "number": decision.number, "source": source_name, "row": row},
        )
        result.created += 1
        if publish:
            if decision.blocks_publication:
                result.not_publishable.append(row)
            else:
                decision.status = Status.PUBLISHED
                decision.published_at = now
                decision.published_by = actor
                decision.save(update_fields=["status", "published_at", "published_by"])
                audit.record(by, "credit.publish", decision, agency=agency, data={"source": source_name})
                result.published += 1
        if progress is not None and index % 100 == 0:
            progress(100)
    audit.record(
        by,
        "credit.import_batch",
        agency,
        agency=agency,
        reason=f"从 {source_name} 导入{Kind(kind).label}信息",
        data={
            "kind": kind,
            "source": source_name,
            "rows": len(valid),
            "created": result.created,
            "skipped_existing": result.skipped_existing,
            "published": result.published,
        },
    )
    return result
