"""Every write to a reconsideration or litigation case; each one transaction with its audit event
(:func:`gongkai.core.audit.record`: who, what changed, why).

- :func:`appeal_create` — a new case (a concluded one may be entered with its result);
- :func:`appeal_update` — correct the description of a case (a reason is required);
- :func:`appeal_conclude` — record the result and its date (or correct them; back to 尚未审结 with a
  reason);
- :func:`document_attach` — store a file checked by :mod:`gongkai.core.uploads`.

:func:`check` validates the input of all of them (and of the batch import, :mod:`gongkai.appeals.batch`)
and raises ``ValidationError`` keyed by field, with Chinese messages. Links are written as numbers of
the same agency: ``application_number`` (申请编号) and ``related_number`` (the earlier 行政复议 of a
复议后起诉 case).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gongkai.appeals import rules
from gongkai.appeals.models import AppealCase, AppealDocument, DocumentKind, Kind, Result
from gongkai.applications.models import Application
from gongkai.core import audit
from gongkai.core.text import clean_text
from gongkai.orgs.models import Agency

DESCRIPTION_FIELDS = (
    "number",
    "kind",
    "body",
    "filed_on",
    "application",
    "related",
    "extended",
    "summary",
    "note",
)
MAX_TEXT = 5000


class StaleCase(ValidationError):
    """Someone else changed the case since it was loaded."""


def _actor(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _text(data: dict[str, Any], key: str) -> str:
    return clean_text(str(data.get(key) or "")).strip()


def _number(data: dict[str, Any], key: str) -> str:
    """A number without any spaces (brackets kept as typed: 〔〕 and （）)."""
    return "".join(clean_text(str(data.get(key) or "")).split())


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def check(
    agency: Agency,
    data: dict[str, Any],
    *,
    case: AppealCase | None = None,
    with_result: bool = True,
    today: date | None = None,
) -> dict[str, Any]:
    """The model values of ``data`` for a case of ``agency``; ``ValidationError`` (by field) otherwise.

    ``with_result``: ``data`` carries ``result`` and ``concluded_on`` too (else the case's are kept)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def error(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    number = _number(data, "number")
    if not number:
        error("number", "请填写案件编号。")
    elif len(number) > 60:
        error("number", "案件编号不能超过 60 个字符。")
    else:
        taken = AppealCase.objects.filter(agency=agency, number=number)
        if case is not None:
            taken = taken.exclude(pk=case.pk)
        if taken.exists():
            error("number", f"本机关已有编号为“{number}”的案件。")

    kind: rules.Kind | None = None
    try:
        kind = rules.parse_kind(str(data.get("kind") or ""))
    except ValueError as exc:
        error("kind", str(exc))

    body = _text(data, "body")
    if not body:
        error("body", "请填写复议机关或人民法院。")
    elif len(body) > 100:
        error("body", "复议机关或人民法院不能超过 100 个字。")

    filed_on = None
    try:
        filed_on = _date(data.get("filed_on"))
    except ValueError:
        error("filed_on", "立案日期无效。")
    if filed_on is None and "filed_on" not in errors:
        error("filed_on", "请填写立案日期。")

    if with_result:
        try:
            result = rules.parse_result(str(data.get("result") or ""))
        except ValueError as exc:
            error("result", str(exc))
            result = rules.Result.PENDING
        try:
            concluded_on = _date(data.get("concluded_on"))
        except ValueError:
            error("concluded_on", "结案日期无效。")
            concluded_on = None
    else:
        assert case is not None
        result, concluded_on = rules.Result(case.result), case.concluded_on
    for key, message in rules.check_dates(result, filed_on, concluded_on, today):
        error(key, message)

    application = None
    application_number = _number(data, "application_number")
    if application_number:
        application = Application.objects.filter(agency=agency, number=application_number).first()
        if application is None:
            error("application_number", f"本机关没有编号为“{application_number}”的申请。")
        elif application.received_on and filed_on and filed_on < application.received_on:
            error(
                "filed_on",
                f"立案日期早于关联申请的收到日期（{application.received_on.isoformat()}），请核对。",
            )

    related = None
    related_number = _number(data, "related_number")
    if related_number:
        if kind is not rules.Kind.LITIGATION_AFTER_RECONSIDERATION:
            error("related_number", "只有“复议后起诉”的案件可以关联此前的行政复议。")
        else:
            related = AppealCase.objects.filter(agency=agency, number=related_number).first()
            if related is None or related.kind != Kind.RECONSIDERATION:
                error("related_number", f"本机关没有编号为“{related_number}”的行政复议案件。")
            elif case is not None and related.pk == case.pk:
                error("related_number", "案件不能关联自己。")
            elif filed_on and related.filed_on > filed_on:
                error("related_number", "关联的行政复议立案日期晚于本案，请核对。")

    summary, note = _text(data, "summary"), _text(data, "note")
    if len(summary) > MAX_TEXT or len(note) > MAX_TEXT:
        error("summary", f"案情摘要和备注各不超过 {MAX_TEXT} 字。")

    if errors:
        raise ValidationError(errors)
    assert kind is not None and filed_on is not None
    return {
        "number": number,
        "kind": kind.value,
        "body": body,
        "filed_on": filed_on,
        "application": application,
        "related": related,
        "extended": bool(data.get("extended")),
        "summary": summary,
        "note": note,
        "result": result.value,
        "concluded_on": concluded_on,
    }


def _lock(case: AppealCase, version: int | None) -> AppealCase:
    locked = AppealCase.objects.select_for_update().get(pk=case.pk)
    if version is not None and locked.version != version:
        raise StaleCase("该案件已被他人修改，请刷新后再操作。")
    return locked


def _show(value: Any) -> Any:
    """A value as the audit trail keeps it (numbers for links, ISO dates)."""
    if isinstance(value, AppealCase | Application):
        return value.number
    if isinstance(value, date):
        return value.isoformat()
    return value


@transaction.atomic
def appeal_create(
    *, agency: Agency, data: dict[str, Any], by: Any, reason: str = "", today: date | None = None
) -> AppealCase:
    """Enter a case; ``data`` may carry its result already (a concluded case entered afterwards)."""
    values = check(agency, data, today=today)
    case = AppealCase(agency=agency, created_by=_actor(by), updated_by=_actor(by), **values)
    case.save()
    audit.record(
        by,
        "appeals.create",
        case,
        agency=agency,
        reason=clean_text(reason or "").strip() or "录入案件",
        data={k: _show(v) for k, v in values.items() if v not in (None, "", False)},
    )
    return case


@transaction.atomic
def appeal_update(
    case: AppealCase,
    *,
    data: dict[str, Any],
    by: Any,
    reason: str,
    version: int | None = None,
    today: date | None = None,
) -> AppealCase:
    """Correct the description of a case (not its result: :func:`appeal_conclude`); a reason is required."""
    reason = clean_text(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写修改原因。"]})
    case = _lock(case, version)
    values = check(case.agency, data, case=case, with_result=False, today=today)
    changed = {}
    for name in DESCRIPTION_FIELDS:
        old = getattr(case, name)
        if old != values[name]:
            changed[name] = [_show(old), _show(values[name])]
            setattr(case, name, values[name])
    if changed:
        case.version += 1
        case.updated_by = _actor(by)
        case.save()
    audit.record(by, "appeals.update", case, agency=case.agency, reason=reason, data={"changed": changed})
    return case


@transaction.atomic
def appeal_conclude(
    case: AppealCase,
    *,
    result: str,
    concluded_on: date | None,
    by: Any,
    reason: str = "",
    version: int | None = None,
    today: date | None = None,
) -> AppealCase:
    """Record the result (维持 / 纠正 / 其他) and its date. Changing a recorded result, or setting a case
    back to 尚未审结, is a correction and needs a reason."""
    reason = clean_text(reason or "").strip()
    case = _lock(case, version)
    try:
        new = rules.parse_result(result or "")
    except ValueError as exc:
        raise ValidationError({"result": [str(exc)]}) from exc
    if new is rules.Result.PENDING:
        concluded_on = None
    correction = case.result != Result.PENDING
    if correction and not reason:
        raise ValidationError({"reason": ["更正已登记的结果时请填写原因。"]})
    if not correction and new is rules.Result.PENDING:
        raise ValidationError({"result": ["请选择结果：维持、纠正或其他。"]})
    problems = rules.check_dates(new, case.filed_on, concluded_on, today or timezone.localdate())
    if problems:
        messages: dict[str, list[str]] = {}
        for key, message in problems:
            messages.setdefault(key, []).append(message)
        raise ValidationError(messages)
    old = (case.result, _show(case.concluded_on))
    case.result, case.concluded_on = new.value, concluded_on
    case.version += 1
    case.updated_by = _actor(by)
    case.save()
    audit.record(
        by,
        "appeals.correct_result" if correction else "appeals.conclude",
        case,
        agency=case.agency,
        reason=reason or f"登记结果：{rules.RESULT_WORDS[new]}",
        data={"from": list(old), "to": [new.value, _show(concluded_on)]},
    )
    return case


@transaction.atomic
def document_attach(case: AppealCase, *, upload: Any, kind: str, by: Any, reason: str = "") -> AppealDocument:
    """Store an uploaded file (type from its content, size limit: :func:`gongkai.core.uploads.check`)
    under a random name in the private area; raises ``UploadRejected`` with a Chinese message."""

    from gongkai.core import uploads

    try:
        kind = DocumentKind(kind)
    except ValueError as exc:
        raise ValidationError({"kind": ["请选择材料类型。"]}) from exc
    document = uploads.store(
        AppealDocument(case=case, kind=kind, uploaded_by=_actor(by)), upload, str(case.public_id)
    )
    name = document.name
    audit.record(
        by,
        "appeals.attach",
        case,
        agency=case.agency,
        reason=clean_text(reason or "").strip() or f"{kind.label}：{name}",
        data={"document": str(document.public_id), "kind": kind.value, "size": document.size},
    )
    return document
