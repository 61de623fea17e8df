"""Every write to an application. Each function is one transaction; each change of state goes through
:func:`transition`, which checks the workflow, bumps the version (optimistic locking) and records a
:class:`CaseEvent` in the same transaction. Deadlines are recomputed from the clock after every step."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongkai.applications import notify, outcomes, workflow
from gongkai.applications.models import Application, Assignment, CaseEvent, Pause, PauseKind
from gongkai.applications.workflow import Status
from gongkai.core import clock, sequences
from gongkai.core.calendar import working_calendar
from gongkai.core.text import clean_text
from gongkai.orgs.models import Agency, Applicant, ApplicantKind, Role, Unit


class StaleApplication(ValidationError):
    """Someone else changed the application since it was loaded (optimistic locking)."""


def _record(
    application: Application,
    by: Any,
    verb: str,
    *,
    reason: str = "",
    data: dict[str, Any] | None = None,
    visible: bool = True,
    from_status: str = "",
    to_status: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        application=application,
        actor=by if getattr(by, "pk", None) else None,
        verb=verb,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        visible_to_applicant=visible,
        data=data or {},
    )


def transition(
    application: Application,
    to: Status,
    *,
    by: Any,
    verb: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> Application:
    """The only way a status changes: guard, optimistic lock, event; ``fields`` are saved with it."""
    workflow.check(application.status, to)
    changes = {
        "status": to.value,
        "version": F("version") + 1,
        "updated_at": timezone.now(),
        **(fields or {}),
    }
    updated = Application.objects.filter(pk=application.pk, version=application.version).update(**changes)
    if updated != 1:
        raise StaleApplication("该申请已被他人修改，请刷新后再操作。")
    before = application.status
    application.refresh_from_db()
    _record(application, by, verb, reason=reason, data=data, from_status=before, to_status=to.value)
    return application


def _update(
    application: Application,
    *,
    by: Any,
    verb: str,
    fields: dict[str, Any],
    reason: str = "",
    data: dict[str, Any] | None = None,
    visible: bool = True,
) -> Application:
    """A step that changes no status (e.g. an extension) but is locked and recorded the same way."""
    changes = {"version": F("version") + 1, "updated_at": timezone.now(), **fields}
    if Application.objects.filter(pk=application.pk, version=application.version).update(**changes) != 1:
        raise StaleApplication("该申请已被他人修改，请刷新后再操作。")
    application.refresh_from_db()
    _record(application, by, verb, reason=reason, data=data, visible=visible)
    return application


# --- the clock --------------------------------------------------------------------------------------


def deadline(
    application: Application, calendar: clock.WorkingCalendar | None = None
) -> clock.Deadline | None:
    """The clock's result for an application (None before it is received)."""
    if application.received_on is None:
        return None
    cal = calendar or working_calendar()
    clarification = None
    if application.clarification_sent_on:
        clarification = clock.Clarification(
            application.clarification_sent_on, application.supplement_received_on, application.supplement_days
        )
    consultations, fees = [], []
    for pause in application.pauses.all():
        if pause.kind == PauseKind.FEE:
            fees.append(clock.FeeNotice(pause.started_on, pause.ended_on))
        else:
            consultations.append(
                clock.Consultation(
                    pause.started_on,
                    pause.ended_on,
                    pause.recipient_received_on,
                    party=clock.ConsultationParty(pause.kind),
                )
            )
    return clock.reply_deadline(
        cal,
        application.received_on,
        clarification=clarification,
        consultations=consultations,
        fees=fees,
        extension_days=application.extension_days,
        extension_notified=application.extension_notified_on,
        art35_due=application.art35_due,
    )


def recompute_deadline(application: Application, calendar: clock.WorkingCalendar | None = None) -> bool:
    """Store the clock's due date; True if it changed."""
    result = deadline(application, calendar)
    due = result.due if result else None
    provisional = bool(result and result.provisional)
    if (application.due_on, application.due_provisional) == (due, provisional):
        return False
    Application.objects.filter(pk=application.pk).update(due_on=due, due_provisional=provisional)
    application.due_on, application.due_provisional = due, provisional
    return True


def recompute_open_deadlines(calendar: clock.WorkingCalendar, by: Any = None) -> int:
    """Re-date every open application after the holiday schedule changed; returns how many moved."""
    moved = 0
    for application in Application.objects.filter(
        status__in=[s.value for s in workflow.OPEN]
    ).prefetch_related("pauses"):
        before = application.due_on
        if recompute_deadline(application, calendar):
            moved += 1
            _record(
                application,
                by,
                "deadline.recomputed",
                visible=False,
                reason="节假日安排变更，重新计算答复期限",
                data={
                    "from": before.isoformat() if before else None,
                    "to": application.due_on.isoformat() if application.due_on else None,
                },
            )
    return moved


# --- intake -----------------------------------------------------------------------------------------


def _number(agency: Agency, when: date) -> str:
    return f"{agency.code}-{when.year}-{sequences.next_value(f'application:{agency.code}', when.year):05d}"


def _applicant_snapshot(applicant: Applicant) -> dict[str, Any]:
    column = (
        "natural_person" if applicant.kind == ApplicantKind.NATURAL_PERSON else applicant.organisation_kind
    )
    return {
        "applicant": applicant,
        "account": applicant.account,
        "applicant_column": column,
        "applicant_name": applicant.name,
        "id_type": applicant.id_type,
        "id_number": applicant.id_number,
        "contact_name": applicant.contact_name,
        "phone": applicant.phone,
        "email": applicant.email,
        "address": applicant.address,
        "postcode": applicant.postcode,
    }


TEXT_FIELDS = (
    "description",
    "document_title",
    "document_number",
    "applicant_name",
    "contact_name",
    "address",
)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Text fields without control characters (a NUL would also be refused by PostgreSQL)."""
    return {k: clean_text(v) if k in TEXT_FIELDS and isinstance(v, str) else v for k, v in values.items()}


REQUEST_FIELDS = (
    "description",
    "document_title",
    "document_number",
    "delivery_form",
    "delivery_method",
    "subject",
    "region_code",
    "info_year_from",
    "info_year_to",
    "applicant_group",
    "on_site",
)


@transaction.atomic
def application_submit_online(
    *, applicant: Applicant, agency: Agency, data: dict[str, Any], token: str | None = None
) -> Application:
    """An applicant files online; the clock starts when the disclosure office accepts it (Art. 31 choice).

    ``token`` is the form's one-time token: submitting the same form again returns the first application.
    """
    if token:
        existing = Application.objects.filter(submission_token=token, account=applicant.account).first()
        if existing:
            return existing
    now = timezone.now()
    try:
        with transaction.atomic():  # the number and the row together: a twin that loses takes no number
            application = Application.objects.create(
                agency=agency,
                number=_number(agency, timezone.localdate(now)),
                status=Status.SUBMITTED,
                channel=clock.Channel.online,
                submitted_at=now,
                submission_token=token or None,
                **_clean(_applicant_snapshot(applicant)),
                **_clean({k: data[k] for k in REQUEST_FIELDS if k in data}),
            )
    except IntegrityError:
        # The same form arrived twice at the same moment (a double click served by two workers): the
        # twin committed first, so the unique token refused this one. Return the twin's application.
        twin = Application.objects.filter(submission_token=token, account=applicant.account).first()
        if not token or twin is None:
            raise
        return twin
    _record(application, applicant.account, "submitted", to_status=Status.SUBMITTED, reason="网上提交申请")
    notify.applicant(
        application,
        "已收到您的政府信息公开申请",
        "您的政府信息公开申请已提交。本机关确认受理后，将以受理之日为收到申请之日，并通知您答复期限。",
    )
    return application


@transaction.atomic
def application_register(
    *,
    agency: Agency,
    channel: str,
    event_date: date,
    applicant: dict[str, Any],
    data: dict[str, Any],
    by: Any,
) -> Application:
    """The clerk registers an application received in person, by post or by fax (receipt date: Art. 31)."""
    ch = clock.Channel(channel)
    if ch is clock.Channel.online:
        raise ValidationError("网上申请由申请人在线提交，受理时确定收到日期。")
    keyword = {
        clock.Channel.in_person: "submitted",
        clock.Channel.registered_post: "signed_for",
        clock.Channel.ordinary_letter: "confirmed",
        clock.Channel.fax: "accepted",
    }[ch]
    received = clock.receipt_date(ch, **{keyword: event_date})
    if received > timezone.localdate():
        raise ValidationError({"event_date": "收到日期不能晚于今天。"})
    application = Application.objects.create(
        agency=agency,
        number=_number(agency, received),
        status=Status.REGISTERED,
        channel=ch,
        submitted_at=timezone.now(),
        received_on=received,
        **_clean(applicant),
        **_clean({k: data[k] for k in REQUEST_FIELDS if k in data}),
    )
    _record(
        application,
        by,
        "registered",
        to_status=Status.REGISTERED,
        reason=f"{ch.label}，收到申请之日 {received.isoformat()}",
    )
    recompute_deadline(application)
    return application


@transaction.atomic
def application_accept(*, application: Application, accepted_on: date, by: Any) -> Application:
    """Accept an online application: fixes its receipt date (the day both sides confirm)."""
    if accepted_on < timezone.localtime(application.submitted_at).date():
        raise ValidationError("受理日期不能早于提交日期。")
    transition(
        application,
        Status.REGISTERED,
        by=by,
        verb="accepted",
        reason=f"受理网上申请，收到申请之日 {accepted_on.isoformat()}",
        fields={"received_on": accepted_on},
    )
    recompute_deadline(application)
    due = application.due_on.isoformat() if application.due_on else "（暂停计算）"
    notify.applicant(
        application,
        "您的政府信息公开申请已受理",
        f"本机关已于 {accepted_on.isoformat()} 受理您的申请，答复期限至 {due}。",
    )
    return application


@transaction.atomic
def application_discard(*, application: Application, reason: str, by: Any) -> Application:
    if not reason.strip():
        raise ValidationError("请说明不予受理的原因。")
    return transition(application, Status.DISCARDED, by=by, verb="discarded", reason=reason)


# --- handling ---------------------------------------------------------------------------------------


@transaction.atomic
def application_assign(
    *, application: Application, units: list[Unit], by: Any, unit_days: int = 10
) -> Application:
    """Route to the units that hold the information, each with its own due date inside the case's."""
    if not units:
        raise ValidationError("请选择承办处室。")
    if any(u.agency_id != application.agency_id for u in units):
        raise ValidationError("承办处室必须属于受理机关。")
    cal = working_calendar()
    start = application.supplement_received_on or application.received_on or timezone.localdate()
    unit_due = clock.add_working_days(cal, start, unit_days)
    if application.due_on and unit_due > application.due_on:
        unit_due = application.due_on
    for unit in units:
        Assignment.objects.get_or_create(application=application, unit=unit, defaults={"due_on": unit_due})
    names = "、".join(u.name for u in units)
    if application.status == Status.REGISTERED:
        transition(
            application,
            Status.PROCESSING,
            by=by,
            verb="assigned",
            reason=f"分办至：{names}",
            data={"units": [u.pk for u in units]},
        )
    else:
        _update(application, by=by, verb="assigned", fields={}, reason=f"分办至：{names}", visible=False)
    return application


@transaction.atomic
def application_request_clarification(
    *, application: Application, sent_on: date, days: int, text: str, by: Any
) -> Application:
    """Art. 30: one notice saying what to supplement and by when; the clock restarts on the supplement."""
    if application.clarification_sent_on:
        raise ValidationError("补正告知只能发出一次（条例第三十条：一次性告知）。")
    if not text.strip():
        raise ValidationError("请写明需要补正的事项。")
    if application.received_on and sent_on < application.received_on:
        raise ValidationError("补正通知日期不能早于收到申请之日。")
    transition(
        application,
        Status.AWAITING_SUPPLEMENT,
        by=by,
        verb="clarification_requested",
        reason=text,
        fields={"clarification_sent_on": sent_on, "supplement_days": days},
    )
    recompute_deadline(application)
    notify.applicant(
        application,
        "请补正您的政府信息公开申请",
        f"您的申请内容需要补正：{text}\n请在 {days} 个工作日内补正，逾期不补正的视为放弃申请。",
    )
    return application


@transaction.atomic
def application_receive_supplement(*, application: Application, received_on: date, by: Any) -> Application:
    if received_on < (application.clarification_sent_on or received_on):
        raise ValidationError("收到补正日期不能早于补正通知日期。")
    transition(
        application,
        Status.PROCESSING,
        by=by,
        verb="supplement_received",
        reason=f"收到补正，答复期限自 {received_on.isoformat()} 起重新计算",
        fields={"supplement_received_on": received_on},
    )
    recompute_deadline(application)
    return application


@transaction.atomic
def application_consult(*, application: Application, kind: str, party: str, sent_on: date, by: Any) -> Pause:
    pause_kind = PauseKind(kind)
    if pause_kind == PauseKind.FEE:
        raise ValidationError("收费通知请使用收费功能。")
    pause = Pause.objects.create(application=application, kind=pause_kind, party=party, started_on=sent_on)
    transition(
        application,
        Status.CONSULTING,
        by=by,
        verb="consultation_sent",
        reason=f"{pause_kind.label}：{party}",
        data={"pause": pause.pk},
    )
    recompute_deadline(application)
    return pause


@transaction.atomic
def application_consultation_answered(
    *, application: Application, pause: Pause, answered_on: date, by: Any
) -> Application:
    if pause.application_id != application.pk or pause.ended_on is not None:
        raise ValidationError("该征求意见已结束。")
    if answered_on < pause.started_on:
        raise ValidationError("答复日期不能早于发出日期。")
    Pause.objects.filter(pk=pause.pk).update(ended_on=answered_on)
    if not application.pauses.filter(ended_on__isnull=True).exclude(kind=PauseKind.FEE).exists():
        transition(
            application,
            Status.PROCESSING,
            by=by,
            verb="consultation_answered",
            reason=f"收到{pause.get_kind_display()}答复（{answered_on.isoformat()}）",
        )
    recompute_deadline(application)
    return application


@transaction.atomic
def application_fee_notice(
    *, application: Application, received_on: date, method: str, pages: int = 0, by: Any
) -> Pause:
    """信息处理费: the applicant received a fee notice on ``received_on``; the clock pauses until paid.

    The amount is computed by :mod:`gongkai.applications.fees` — per item from the applicant's count of
    applications to this agency in the same natural month, or per volume from the pages — never typed.
    """
    from gongkai.applications import fees

    if application.pauses.filter(kind=PauseKind.FEE, ended_on__isnull=True).exists():
        raise ValidationError("已有未缴费的收费通知。")
    nth = monthly_position(application)
    amount = fees.fee(method, nth_in_month=nth, pages=pages)
    if amount <= 0:
        raise ValidationError(
            f"按《信息处理费管理办法》本申请不收费（{fees.explain(method, nth_in_month=nth, pages=pages)}）。"
        )
    note = fees.explain(method, nth_in_month=nth, pages=pages)
    pause = Pause.objects.create(
        application=application, kind=PauseKind.FEE, started_on=received_on, amount=amount, note=note
    )
    transition(
        application,
        Status.AWAITING_FEE,
        by=by,
        verb="fee_notice",
        reason=f"收费通知：{amount} 元",
        data={"pause": pause.pk},
    )
    recompute_deadline(application)
    return pause


def monthly_position(application: Application) -> int:
    """Which of the applicant's applications to this agency in its natural month this one is (1-based)."""
    when = application.received_on or timezone.localdate(application.submitted_at)
    same_month = Application.objects.filter(
        agency=application.agency,
        applicant_key=application.applicant_key,
        received_on__year=when.year,
        received_on__month=when.month,
    ).exclude(status=Status.DISCARDED)
    if not application.applicant_key:
        return 1
    earlier = same_month.filter(received_on__lt=when).count()
    same_day_before = same_month.filter(received_on=when, pk__lt=application.pk).count()
    return earlier + same_day_before + 1


@transaction.atomic
def application_fee_paid(*, application: Application, paid_on: date, by: Any) -> Application:
    pause = application.pauses.filter(kind=PauseKind.FEE, ended_on__isnull=True).first()
    if pause is None:
        raise ValidationError("没有待缴费的收费通知。")
    if paid_on < pause.started_on:
        raise ValidationError("缴费日期不能早于收到收费通知的日期。")
    Pause.objects.filter(pk=pause.pk).update(ended_on=paid_on)
    transition(
        application,
        Status.PROCESSING,
        by=by,
        verb="fee_paid",
        reason=f"申请人已缴费（{paid_on.isoformat()}）",
    )
    recompute_deadline(application)
    return application


@transaction.atomic
def application_close_fee_unpaid(*, application: Application, closed_on: date, by: Any) -> Application:
    """Unpaid by the 20th working day after the notice → 其他处理 / 2."""
    pause = application.pauses.filter(kind=PauseKind.FEE, ended_on__isnull=True).first()
    if pause is None:
        raise ValidationError("没有待缴费的收费通知。")
    limit = clock.fee_payment_deadline(working_calendar(), pause.started_on)
    if closed_on <= limit:
        raise ValidationError(f"缴费期限至 {limit.isoformat()} 才届满。")
    return transition(
        application,
        Status.CLOSED,
        by=by,
        verb="closed_fee_unpaid",
        reason="申请人逾期未按收费通知要求缴纳费用",
        fields={"outcome": "other.fee_unpaid", "concluded_on": closed_on},
    )


@transaction.atomic
def application_extend(
    *, application: Application, days: int, notified_on: date, reason: str, by: Any
) -> Application:
    """Art. 33: one extension of 1–20 working days, approved by the head before the deadline passes."""
    if not _is_head(by, application.agency):
        raise ValidationError("延期答复须经政府信息公开工作机构负责人同意。")
    if application.extension_days:
        raise ValidationError("答复期限只能延长一次。")
    if not 1 <= days <= clock.MAX_EXTENSION_DAYS:
        raise ValidationError("延长的期限应为 1 至 20 个工作日。")
    if application.due_on and notified_on > application.due_on:
        raise ValidationError("延期须在答复期限届满前告知申请人。")
    if not reason.strip():
        raise ValidationError("请写明延期理由。")
    _update(
        application,
        by=by,
        verb="extended",
        reason=reason,
        fields={"extension_days": days, "extension_notified_on": notified_on},
        data={"days": days},
    )
    recompute_deadline(application)
    notify.applicant(
        application,
        "答复期限延长告知",
        f"经本机关政府信息公开工作机构负责人同意，答复期限延长 {days} 个工作日，至 {application.due_on}。",
    )
    return application


def _is_head(user: Any, agency: Agency) -> bool:
    from gongkai.orgs.policy import has_role

    return has_role(user, agency, Role.HEAD)


@transaction.atomic
def application_classify(*, application: Application, data: dict[str, Any], by: Any) -> Application:
    """Subject, region, years and applicant group for the report narrative (no change of state)."""
    fields = {
        k: data.get(k)
        for k in ("subject", "region_code", "info_year_from", "info_year_to", "applicant_group")
    }
    fields["region_code"] = fields["region_code"] or ""
    y1, y2 = fields["info_year_from"], fields["info_year_to"]
    if y1 and y2 and y1 > y2:
        raise ValidationError("信息年份止不能早于信息年份起。")
    return _update(
        application,
        by=by,
        verb="classified",
        fields=fields,
        visible=False,
        data={k: (getattr(v, "pk", v)) for k, v in fields.items()},
    )


# --- the reply --------------------------------------------------------------------------------------


@transaction.atomic
def application_draft_reply(*, application: Application, outcome: str, text: str, by: Any) -> Application:
    """The handling unit (or the clerk) drafts the reply in exactly one outcome row; the head approves."""
    result = outcomes.get(outcome)
    if result.group == "other":
        raise ValidationError("“其他处理”由终止或撤回操作产生，不能作为答复结果选择。")
    if not text.strip():
        raise ValidationError("请填写答复内容。")
    transition(
        application,
        Status.PENDING_APPROVAL,
        by=by,
        verb="reply_drafted",
        reason=outcomes.full_label(outcome),
        fields={"outcome": outcome, "reply_text": clean_text(text)},
    )
    Assignment.objects.filter(application=application).update(status="drafted")
    return application


@transaction.atomic
def application_return_draft(*, application: Application, reason: str, by: Any) -> Application:
    if not _is_head(by, application.agency):
        raise ValidationError("只有负责人可以退回答复稿。")
    return transition(
        application, Status.PROCESSING, by=by, verb="reply_returned", reason=reason, fields={"outcome": ""}
    )


@transaction.atomic
def application_approve_reply(*, application: Application, replied_on: date, by: Any) -> Application:
    """The head approves and the reply goes out: the application is concluded with its outcome."""
    if not _is_head(by, application.agency):
        raise ValidationError("答复须经政府信息公开工作机构负责人审批。")
    if application.received_on and replied_on < application.received_on:
        raise ValidationError("答复日期不能早于收到申请之日。")
    workflow.check(application.status, Status.REPLIED)
    transition(
        application,
        Status.REPLIED,
        by=by,
        verb="replied",
        reason=application.outcome_label,
        fields={"concluded_on": replied_on},
        data={
            "outcome": application.outcome,
            "on_time": bool(application.due_on and replied_on <= application.due_on),
        },
    )
    Assignment.objects.filter(application=application).update(status="done")
    notify.applicant(
        application,
        "您的政府信息公开申请已答复",
        f"本机关已于 {replied_on.isoformat()} 对您的申请作出答复（{application.outcome_label}）。"
        "您可以登录平台查看并下载答复告知书。",
    )
    return application


@transaction.atomic
def application_close_no_supplement(*, application: Application, closed_on: date, by: Any) -> Application:
    """Art. 30: no supplement within the limit → 其他处理 / 1."""
    result = deadline(application)
    if result and result.supplement_by and closed_on <= result.supplement_by:
        raise ValidationError(f"补正期限至 {result.supplement_by.isoformat()} 才届满。")
    return transition(
        application,
        Status.CLOSED,
        by=by,
        verb="closed_no_supplement",
        reason="申请人无正当理由逾期不补正",
        fields={"outcome": "other.no_supplement", "concluded_on": closed_on},
    )


@transaction.atomic
def application_withdraw(
    *, application: Application, withdrawn_on: date, reason: str, by: Any
) -> Application:
    return transition(
        application,
        Status.WITHDRAWN,
        by=by,
        verb="withdrawn",
        reason=reason or "申请人撤回申请",
        fields={"outcome": "other.other", "concluded_on": withdrawn_on},
    )


# --- notes, messages, delivery, Art. 35, Art. 44 ----------------------------------------------------------


@transaction.atomic
def application_note(*, application: Application, text: str, to_applicant: bool, by: Any) -> Application:
    """An internal note (staff only) or a message to the applicant (shown on their page and emailed)."""
    if not text.strip():
        raise ValidationError("请填写内容。")
    _record(application, by, "message" if to_applicant else "note", reason=text, visible=to_applicant)
    if to_applicant:
        notify.applicant(application, "关于您的政府信息公开申请", text)
    return application


@transaction.atomic
def application_delivered(*, application: Application, delivered_on: date, note: str, by: Any) -> Application:
    """Record how and when the reply reached the applicant (送达)."""
    if application.status != Status.REPLIED:
        raise ValidationError("答复后才能登记送达。")
    if application.concluded_on and delivered_on < application.concluded_on:
        raise ValidationError("送达日期不能早于答复日期。")
    return _update(
        application,
        by=by,
        verb="delivered",
        reason=note,
        fields={"delivered_on": delivered_on, "delivery_note": note},
    )


@transaction.atomic
def application_ask_reasons(*, application: Application, sent_on: date, text: str, by: Any) -> Application:
    """Art. 35: the number or frequency of requests is clearly unreasonable: ask the applicant for reasons."""
    if not text.strip():
        raise ValidationError("请写明要求申请人说明的理由。")
    return transition(
        application,
        Status.AWAITING_REASONS,
        by=by,
        verb="reasons_requested",
        reason=text,
        data={"sent_on": sent_on.isoformat()},
    )


@transaction.atomic
def application_decide_art35(
    *, application: Application, reasonable: bool, due: date | None, text: str, by: Any
) -> Application:
    """Art. 35: unreasonable → 不予处理 (drafted for the head's approval); reasonable but too much for the
    normal period → a reasonable later deadline fixed by decision (replaces the computed one)."""
    if not text.strip():
        raise ValidationError("请写明决定的理由。")
    if reasonable:
        if due is not None and application.due_on and due < application.due_on:
            raise ValidationError("第三十五条确定的期限不能早于按工作日计算的答复期限。")
        transition(
            application,
            Status.PROCESSING,
            by=by,
            verb="art35_decided",
            reason=text,
            fields={"art35_due": due},
            data={"reasonable": True, "due": due.isoformat() if due else None},
        )
        recompute_deadline(application)
        return application
    return transition(
        application,
        Status.PENDING_APPROVAL,
        by=by,
        verb="art35_decided",
        reason=text,
        fields={"outcome": "not_processed.excessive", "reply_text": text},
        data={"reasonable": False},
    )


@transaction.atomic
def application_propose_proactive(*, application: Application, text: str, by: Any) -> Application:
    """Art. 44: information that many ask for may be moved into proactive disclosure; the proposal is recorded
    for the publishing office."""
    from gongkai.core import audit

    _record(application, by, "proposed_proactive", reason=text, visible=False)
    audit.record(by, "application.propose_proactive", application, agency=application.agency, reason=text)
    return application


# Personal data of the applicant that the case page shows masked; a logged reveal shows it in full.
REVEALABLE = ("id_number", "phone", "address")


def application_reveal(*, application: Application, fields: list[str], by: Any) -> dict[str, str]:
    """The full ID number, phone or address of the applicant for the staff the policy lets handle the
    case (bad-inputs 13). One audit entry ``application.reveal`` per look: who, the case and the names of
    the fields shown, never the values (:mod:`gongkai.core.reveal`, as for 双公示 records)."""
    from gongkai.core.reveal import reveal

    unknown = sorted(set(fields) - set(REVEALABLE))
    if unknown or not fields:
        raise ValueError(f"unknown fields: {unknown}")
    return reveal(application, fields, by=by, verb="application.reveal", agency=application.agency)


# --- reminders ------------------------------------------------------------------------------------


def send_reminders(*, today: date, days_before: int = 3, dry_run: bool = False) -> list[Application]:
    """Email the handling staff of every open application due within ``days_before`` working days.

    Idempotent: a reminder is recorded (unique per application, due date and lead time) in the same
    transaction that queues its email, so running the job twice, or after a restart, sends nothing twice;
    a due date that moves (extension, new holiday schedule) gets its own reminder.
    """
    from django.db import IntegrityError

    from gongkai.applications.models import Reminder
    from gongkai.orgs.models import Membership

    cal = working_calendar()
    horizon = clock.add_working_days(cal, today, days_before)
    due = (
        Application.objects.filter(
            status__in=[s.value for s in workflow.OPEN],
            due_on__isnull=False,
            due_on__gte=today,
            due_on__lte=horizon,
        )
        .exclude(reminders__days_before=days_before, reminders__due_on=F("due_on"))
        .select_related("agency")
    )
    sent: list[Application] = []
    for application in due:
        unit_ids = list(application.assignments.values_list("unit_id", flat=True))
        emails = set(
            Membership.objects.filter(agency=application.agency, role__in=["clerk", "head"])
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        ) | set(
            Membership.objects.filter(unit_id__in=unit_ids)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        if dry_run:
            sent.append(application)
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    application=application,
                    due_on=application.due_on,  # type: ignore[misc]
                    days_before=days_before,
                    recipients=len(emails),
                )
                _queue_reminder(application, sorted(emails), today)
        except IntegrityError:
            continue  # another run sent it already
        sent.append(application)
    return sent


def _queue_reminder(application: Application, emails: list[str], today: date) -> None:
    remaining = clock.remaining_working_days(working_calendar(), today, application.due_on)  # type: ignore[arg-type]
    subject = f"【答复期限提醒】{application.number} 还剩 {remaining} 个工作日"
    body = (
        f"申请编号：{application.number}\n受理机关：{application.agency.name}\n"
        f"答复期限：{application.due_on}\n当前状态：{application.status_label}\n"
    )
    notify.staff(application, emails, subject, body)


# --- duplicates -----------------------------------------------------------------------------------


def similar_earlier(application: Application, *, threshold: float = 0.6) -> list[tuple[Application, float]]:
    """Earlier applications of the same applicant to the same agency whose text is alike (重复申请 check).

    Texts are normalised (NFKC, traditional→simplified is left to the search issue, punctuation and spaces
    removed) and compared by the similarity of their jieba word sets and their character sequence; the
    higher of the two counts.
    """
    if not application.applicant_key:
        return []
    earlier = (
        Application.objects.filter(agency=application.agency, applicant_key=application.applicant_key)
        .exclude(pk=application.pk)
        .exclude(status=Status.DISCARDED)
        .filter(submitted_at__lte=application.submitted_at)
        .order_by("-submitted_at")[:50]
    )
    found = [(other, text_similarity(application.description, other.description)) for other in earlier]
    return sorted([(o, s) for o, s in found if s >= threshold], key=lambda pair: -pair[1])


def _normalise(text: str) -> str:
    import re
    import unicodedata

    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).lower()


def text_similarity(a: str, b: str) -> float:
    import logging
    from difflib import SequenceMatcher

    import jieba

    jieba.setLogLevel(logging.WARNING)
    na, nb = _normalise(a), _normalise(b)
    if not na or not nb:
        return 0.0
    wa, wb = set(jieba.lcut(na)), set(jieba.lcut(nb))
    jaccard = len(wa & wb) / len(wa | wb)
    return max(jaccard, SequenceMatcher(None, na, nb).ratio())


# --- attachments ----------------------------------------------------------------------------------


@transaction.atomic
def attach(*, application: Application, upload: Any, kind: str, by: Any) -> Any:
    """Store an uploaded file (checked by content and size) under a random name; recorded on the case.

    One transaction for the row and its case event; the file is stored first (a row never refers to a
    missing file) and removed again if the row or the event cannot be written."""

    from gongkai.applications.models import Attachment, AttachmentKind
    from gongkai.core import uploads

    kind = AttachmentKind(kind)
    allowed = {"pdf", "jpg", "jpeg", "png"} if kind == AttachmentKind.IDENTITY else None
    if getattr(by, "pk", None) is not None and getattr(by, "is_applicant", False):
        from gongkai.applications.quota import check_quota_locked

        check_quota_locked(by, upload.size or 0)  # the form checked it too; this is the one that holds
    attachment = uploads.store(
        Attachment(
            application=application,
            kind=kind,
            uploaded_by=by if getattr(by, "pk", None) else None,
        ),
        upload,
        str(application.public_id),
        allowed,
    )
    try:
        visible = kind != AttachmentKind.DISCLOSED
        _record(application, by, "attached", reason=f"{kind.label}：{attachment.name}", visible=visible)
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment
