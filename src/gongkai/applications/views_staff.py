"""Staff screens for applications: the queue by urgency, registration, the case page and its actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.applications import conflicts, forms, selectors, services
from gongkai.applications.models import Application, Pause
from gongkai.applications.workflow import ALLOWED, LABELS, Status, TransitionError
from gongkai.core import clock
from gongkai.core.calendar import working_calendar
from gongkai.core.reveal import private
from gongkai.core.text import parse_int
from gongkai.orgs import policy
from gongkai.orgs.models import Role
from gongkai.staff.views import staff_required


def _application(request: HttpRequest, public_id: Any, action: policy.Action) -> Application:
    return policy.get_for(
        request.user,
        action,
        Application.objects.select_related("agency", "subject", "applicant_group"),
        public_id=public_id,
    )


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = policy.scope(request.user, Application.objects.all())
    agency_code = request.GET.get("agency", "")
    if agency_code:
        visible = visible.filter(agency__code=agency_code)
    bucket = request.GET.get("urgency", "")
    status = request.GET.get("status", "")
    text = request.GET.get("q", "").strip()[:100]
    rows = selectors.queue(visible, bucket=bucket, status=status, today=today)
    counts = selectors.urgency_counts(visible, today)
    if text:
        rows = rows.filter(
            Q(number__icontains=text) | Q(applicant_name__icontains=text) | Q(description__icontains=text)
        )
    return render(
        request,
        "applications/staff/queue.html",
        {
            "rows": rows[:200],
            "buckets": [(k, label, counts[k]) for k, label in selectors.URGENCY],
            "bucket": bucket,
            "status": status,
            "statuses": [(s.value, LABELS[s]) for s in Status],
            "agencies": policy.visible_agencies(request.user).order_by("path"),
            "agency_code": agency_code,
            "q": text,
            "today": today,
            "can_register": _registering_agencies(request.user).exists(),
        },
    )


def _registering_agencies(user: Any) -> Any:
    return policy.agencies_with_role(user, Role.CLERK)


@staff_required
def register(request: HttpRequest) -> HttpResponse:
    agencies = _registering_agencies(request.user)
    if not agencies.exists():
        policy.deny(request.user, "handle", None, note="register without clerk role")
        raise Http404
    agency = agencies.filter(code=request.GET.get("agency", "")).first() or agencies.first()
    form = forms.CounterApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_register(
                agency=agency,
                channel=data["channel"],
                event_date=data["event_date"],
                applicant={k: data[k] or "" for k in forms.CounterApplicationForm.APPLICANT_FIELDS},
                data={k: data[k] for k in services.REQUEST_FIELDS if k in data},
                by=request.user,
            )
        except ValidationError as exc:
            for field, errors in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
            ):
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("已登记，申请编号 %(number)s。") % {"number": application.number})
            return redirect("applications_staff:detail", public_id=application.public_id)
    if request.method == "POST" and form.errors:
        messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
    return render(request, "applications/staff/register.html", {"form": form, "agency": agency})


@staff_required
def detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render_detail(request, _application(request, public_id, policy.Action.VIEW))


def _render_detail(
    request: HttpRequest,
    application: Application,
    *,
    revealed: dict[str, str] | None = None,
    conflict: dict[str, Any] | None = None,
    bound: str = "",
    data: Any = None,
    status: int = 200,
) -> HttpResponse:
    """The case page. ``revealed``: full values of a logged reveal, shown in this answer only;
    ``conflict``: what changed under a stale form, whose typed ``data`` the form ``bound`` shows again."""
    result = services.deadline(application)
    cal = working_calendar()
    today = timezone.localdate()
    remaining = clock.remaining_working_days(cal, today, application.due_on) if application.due_on else None
    can_handle = policy.can(request.user, policy.Action.HANDLE, application)
    can_approve = policy.can(request.user, policy.Action.APPROVE, application)
    context = {
        "app": application,
        "deadline": result,
        "remaining": remaining,
        "today": today,
        "events": application.events.select_related("actor"),
        "assignments": application.assignments.select_related("unit"),
        "pauses": application.pauses.all(),
        "open_pauses": application.pauses.filter(ended_on__isnull=True),
        "can_handle": can_handle,
        "can_approve": can_approve,
        "forms": _action_forms(application, bound=bound, data=data) if can_handle or can_approve else {},
        "loaded": conflicts.snapshot_token(application) if can_handle or can_approve else "",
        "conflict": conflict,
        "attachments": application.attachments.all(),
        "letters": _letters_for(application),
        "recent_count": _recent_count(application),
        "similar": services.similar_earlier(application)
        if application.status not in ("replied", "closed")
        else [],
        "allowed": {s.value for s in ALLOWED[Status(application.status)]},
        "personal": _personal_rows(application, revealed or {}, can_reveal=can_handle),
        "revealed": bool(revealed),
    }
    return private(render(request, "applications/staff/detail.html", context, status=status))


def _personal_rows(
    application: Application, revealed: dict[str, str], *, can_reveal: bool
) -> list[dict[str, Any]]:
    """The applicant's ID number, phone and address as the case page shows them: masked, or in full
    after a logged reveal; a reveal button for those the policy lets handle the case."""
    rows = []
    for field, label, masked in (
        ("id_number", _("证件号码"), application.id_number_masked),
        ("phone", _("联系电话"), application.phone_masked),
        ("address", _("通信地址"), application.address_masked),
    ):
        has_value = bool(getattr(application, field))
        if field == "id_number" and not has_value:
            continue
        rows.append(
            {
                "field": field,
                "label": label,
                "prefix": application.get_id_type_display() if field == "id_number" else "",
                "masked": masked,
                "shown": revealed.get(field, ""),
                "can_reveal": can_reveal and has_value,
            }
        )
    return rows


@staff_required
@require_POST
def reveal(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A logged look at the applicant's full ID number, phone or address (``field``; ``all`` for the
    three): only for those who may handle the case (404 for everyone else, as for any refused case).
    Answered with the one field (htmx) or the case page; never stored by a cache."""
    application = _application(request, public_id, policy.Action.HANDLE)
    field = request.POST.get("field", "all")
    fields = list(services.REVEALABLE) if field == "all" else [field]
    if not set(fields) <= set(services.REVEALABLE):
        raise Http404
    shown = services.application_reveal(application=application, fields=fields, by=request.user)
    if request.headers.get("HX-Request") == "true" and field != "all":
        rows = [r for r in _personal_rows(application, shown, can_reveal=True) if r["field"] == field]
        if not rows:  # nothing recorded in that field: nothing to show
            raise Http404
        return private(
            render(request, "applications/staff/_personal.html", {"app": application, "row": rows[0]})
        )
    return _render_detail(request, application, revealed=shown)


def _action_forms(application: Application, *, bound: str = "", data: Any = None) -> dict[str, Any]:
    """Every action form of the case page; the one named ``bound`` shows ``data`` (what was typed)."""
    today = timezone.localdate()
    on_today = {"initial": {"on": today}}
    specs: dict[str, tuple[Any, dict[str, Any]]] = {
        "accept": (forms.DateReasonForm, on_today),
        "assign": (
            forms.AssignForm,
            {
                "agency": application.agency,
                "initial": {"units": list(application.assignments.values_list("unit_id", flat=True))},
            },
        ),
        "clarify": (forms.ClarifyForm, {"initial": {"on": today, "days": 15}}),
        "supplement": (forms.DateReasonForm, on_today),
        "consult": (forms.ConsultForm, on_today),
        "answered": (forms.DateReasonForm, on_today),
        "fee": (forms.FeeForm, on_today),
        "paid": (forms.DateReasonForm, on_today),
        "extend": (forms.ExtendForm, on_today),
        "draft": (
            forms.DraftReplyForm,
            {"initial": {"outcome": application.outcome or "disclosed", "text": application.reply_text}},
        ),
        "approve": (forms.DateReasonForm, on_today),
        "giveback": (forms.DateReasonForm, on_today),
        "close": (forms.DateReasonForm, on_today),
        "withdraw": (forms.DateReasonForm, on_today),
        "discard": (forms.DateReasonForm, on_today),
        "classify": (forms.ClassifyForm, {"instance": application}),
        "note": (forms.NoteForm, {}),
        "attach": (forms.AttachForm, {}),
        "message": (forms.NoteForm, {}),
        "delivered": (forms.DeliveredForm, on_today),
        "reasons": (forms.DateReasonForm, on_today),
        "art35": (forms.Art35Form, {}),
        "propose": (forms.NoteForm, {}),
    }
    return {
        name: form_class(data if name == bound else None, prefix=name, **kwargs)
        for name, (form_class, kwargs) in specs.items()
    }


def _typed(form: Any) -> list[tuple[str, str]]:
    """What was typed into ``form``, as (label, text), for showing it back next to a refusal."""
    typed = []
    for field in form.visible_fields():
        value = field.value()
        if value in (None, "", [], False):
            continue
        choices = getattr(field.field, "choices", None)
        if choices is not None:
            labels = {str(k): str(v) for k, v in choices}
            values = value if isinstance(value, (list, tuple)) else [value]
            text = "、".join(labels.get(str(v), str(v)) for v in values)
        elif value is True:
            text = _("是")
        else:
            text = str(value)
        typed.append((str(field.label), text))
    return typed


def _conflict(request: HttpRequest, application: Application, action: str) -> HttpResponse:
    """A stale form (bad-inputs 14): nothing is done; the case page comes back (409) with what changed
    since the page was shown, the steps taken in between, and the form as it was typed."""
    snapshot = conflicts.load_snapshot(request.POST.get("loaded", ""), application)
    typed = _typed(_action_forms(application, bound=action, data=request.POST)[action])
    messages.error(request, _("该申请已被他人修改，请查看最新情况后再操作。"))
    conflict = {
        "action": action,
        "changes": conflicts.differences(snapshot, application) if snapshot else None,
        "events": conflicts.events_since(application, snapshot),
        "typed": typed,
    }
    return _render_detail(
        request, application, conflict=conflict, bound=action, data=request.POST, status=409
    )


Handler = Callable[[HttpRequest, Application, Any], None]


def _date_form(request: HttpRequest, prefix: str) -> Any:
    form = forms.DateReasonForm(request.POST, prefix=prefix)
    if not form.is_valid():
        raise ValidationError(_("请填写有效的日期。"))
    return form.cleaned_data


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise ValidationError(
            [
                f"{form.fields[f].label if f in form.fields else ''}：{e}"
                for f, errs in form.errors.items()
                for e in errs
            ]
        )
    return dict(form.cleaned_data)


def _accept(request: HttpRequest, app: Application, by: Any) -> None:
    services.application_accept(application=app, accepted_on=_date_form(request, "accept")["on"], by=by)


def _discard(request: HttpRequest, app: Application, by: Any) -> None:
    services.application_discard(application=app, reason=_date_form(request, "discard")["reason"], by=by)


def _assign(request: HttpRequest, app: Application, by: Any) -> None:
    data = _valid(forms.AssignForm(request.POST, agency=app.agency, prefix="assign"))
    services.application_assign(application=app, units=list(data["units"]), by=by)


def _clarify(request: HttpRequest, app: Application, by: Any) -> None:
    data = _valid(forms.ClarifyForm(request.POST, prefix="clarify"))
    services.application_request_clarification(
        application=app, sent_on=data["on"], days=data["days"], text=data["reason"], by=by
    )


def _supplement(request: HttpRequest, app: Application, by: Any) -> None:
    services.application_receive_supplement(
        application=app, received_on=_date_form(request, "supplement")["on"], by=by
    )


def _consult(request: HttpRequest, app: Application, by: Any) -> None:
    data = _valid(forms.ConsultForm(request.POST, prefix="consult"))
    services.application_consult(
        application=app, kind=data["kind"], party=data["party"], sent_on=data["on"], by=by
    )


def _answered(request: HttpRequest, app: Application, by: Any) -> None:
    pause_id = request.POST.get("pause", "")
    pause = Pause.objects.filter(application=app, pk=parse_int(pause_id) or 0, ended_on__isnull=True).first()
    if pause is None:
        raise ValidationError(_("请选择要登记答复的征求意见。"))
    services.application_consultation_answered(
        application=app, pause=pause, answered_on=_date_form(request, "answered")["on"], by=by
    )


def _fee(request: HttpRequest, app: Application, by: Any) -> None:
    data = _valid(forms.FeeForm(request.POST, prefix="fee"))
    services.application_fee_notice(
        application=app, received_on=data["on"], method=data["method"], pages=data["pages"] or 0, by=by
    )


def _paid(request: HttpRequest, app: Application, by: Any) -> None:
    services.application_fee_paid(application=app, paid_on=_date_form(request, "paid")["on"], by=by)


def _extend(request: HttpRequest, app: Application, by: Any) -> None:
    data = _valid(forms.ExtendForm(request.POST, prefix="extend"))
    services.application_extend(
        application=app, days=data["days"], notified_on=data["on"], reason=data["reason"], by=by
    )


def _draft(request: HttpRequest, app: Application, by: Any) -> None:
    data = _valid(forms.DraftReplyForm(request.POST, prefix="draft"))
    services.application_draft_reply(application=app, outcome=data["outcome"], text=data["text"], by=by)


def _approve(request: HttpRequest, app: Application, by: Any) -> None:
    services.application_approve_reply(
        application=app, replied_on=_date_form(request, "approve")["on"], by=by
    )


def _giveback(request: HttpRequest, app: Application, by: Any) -> None:
    services.application_return_draft(
        application=app, reason=_date_form(request, "giveback")["reason"], by=by
    )


def _close(request: HttpRequest, app: Application, by: Any) -> None:
    on = _date_form(request, "close")["on"]
    if app.status == Status.AWAITING_FEE:
        services.application_close_fee_unpaid(application=app, closed_on=on, by=by)
    else:
        services.application_close_no_supplement(application=app, closed_on=on, by=by)


def _withdraw(request: HttpRequest, app: Application, by: Any) -> None:
    data = _date_form(request, "withdraw")
    services.application_withdraw(application=app, withdrawn_on=data["on"], reason=data["reason"], by=by)


def _classify(request: HttpRequest, app: Application, by: Any) -> None:
    form = forms.ClassifyForm(request.POST, instance=app, prefix="classify")
    data = _valid(form)
    services.application_classify(application=app, data=data, by=by)


def _attach(request: HttpRequest, app: Application, by: Any) -> None:
    form = forms.AttachForm(request.POST, request.FILES, prefix="attach")
    data = _valid(form)
    from gongkai.core.uploads import UploadRejected

    try:
        services.attach(
            application=app, upload=data["file"], kind=request.POST.get("kind", "disclosed"), by=by
        )
    except UploadRejected as exc:
        raise ValidationError(str(exc)) from exc


def _note(request: HttpRequest, app: Application, by: Any) -> None:
    data = _valid(forms.NoteForm(request.POST, prefix="note"))
    services.application_note(application=app, text=data["text"], to_applicant=False, by=by)


def _message(request: HttpRequest, app: Application, by: Any) -> None:
    data = _valid(forms.NoteForm(request.POST, prefix="message"))
    services.application_note(application=app, text=data["text"], to_applicant=True, by=by)


def _delivered(request: HttpRequest, app: Application, by: Any) -> None:
    data = _valid(forms.DeliveredForm(request.POST, prefix="delivered"))
    services.application_delivered(application=app, delivered_on=data["on"], note=data["note"], by=by)


def _reasons(request: HttpRequest, app: Application, by: Any) -> None:
    data = _date_form(request, "reasons")
    services.application_ask_reasons(application=app, sent_on=data["on"], text=data["reason"], by=by)


def _art35(request: HttpRequest, app: Application, by: Any) -> None:
    data = _valid(forms.Art35Form(request.POST, prefix="art35"))
    services.application_decide_art35(
        application=app, reasonable=data["reasonable"], due=data["due"], text=data["text"], by=by
    )


def _propose(request: HttpRequest, app: Application, by: Any) -> None:
    data = _valid(forms.NoteForm(request.POST, prefix="propose"))
    services.application_propose_proactive(application=app, text=data["text"], by=by)


# action name → (handler, the permission it needs)
ACTIONS: dict[str, tuple[Handler, policy.Action]] = {
    "accept": (_accept, policy.Action.HANDLE),
    "discard": (_discard, policy.Action.HANDLE),
    "assign": (_assign, policy.Action.HANDLE),
    "clarify": (_clarify, policy.Action.HANDLE),
    "supplement": (_supplement, policy.Action.HANDLE),
    "consult": (_consult, policy.Action.HANDLE),
    "answered": (_answered, policy.Action.HANDLE),
    "fee": (_fee, policy.Action.HANDLE),
    "paid": (_paid, policy.Action.HANDLE),
    "extend": (_extend, policy.Action.APPROVE),
    "draft": (_draft, policy.Action.HANDLE),
    "approve": (_approve, policy.Action.APPROVE),
    "giveback": (_giveback, policy.Action.APPROVE),
    "close": (_close, policy.Action.HANDLE),
    "withdraw": (_withdraw, policy.Action.HANDLE),
    "classify": (_classify, policy.Action.HANDLE),
    "note": (_note, policy.Action.HANDLE),
    "attach": (_attach, policy.Action.HANDLE),
    "message": (_message, policy.Action.HANDLE),
    "delivered": (_delivered, policy.Action.HANDLE),
    "reasons": (_reasons, policy.Action.HANDLE),
    "art35": (_art35, policy.Action.APPROVE),
    "propose": (_propose, policy.Action.HANDLE),
}


@staff_required
@require_POST
def act(request: HttpRequest, public_id: Any, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    handler, permission = ACTIONS[action]
    application = _application(request, public_id, permission)
    version = request.POST.get("version")
    if version and version != str(application.version):
        return _conflict(request, application, action)
    try:
        handler(request, application, request.user)
    except services.StaleApplication:  # changed between this request's read and its write
        application.refresh_from_db()
        return _conflict(request, application, action)
    except (ValidationError, TransitionError, ValueError) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        application.refresh_from_db()
        latest = application.events.order_by("-at", "-id").first()
        done = latest.verb_label if latest else _("操作")
        messages.success(
            request,
            _("已完成：%(what)s。当前状态：%(status)s。")
            % {"what": done, "status": application.status_label},
        )
    return redirect(reverse("applications_staff:detail", kwargs={"public_id": public_id}) + f"#{action}")


def _letters_for(application: Application) -> list[tuple[str, str]]:
    from gongkai.applications.letters import applicable_letters

    return applicable_letters(application)


def _recent_count(application: Application) -> int:
    """How many applications this applicant filed here in the 30 days before this one (Art. 35 hint)."""
    if not application.applicant_key:
        return 0
    since = application.submitted_at - timedelta(days=30)
    return Application.objects.filter(
        agency=application.agency,
        applicant_key=application.applicant_key,
        submitted_at__gte=since,
        submitted_at__lte=application.submitted_at,
    ).count()


@staff_required
def file(request: HttpRequest, public_id: Any, file_id: Any) -> FileResponse:
    application = _application(request, public_id, policy.Action.VIEW)
    attachment = get_object_or_404(application.attachments, public_id=file_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


def letter_response(application: Application, kind: str, ext: str) -> HttpResponse:
    from gongkai.applications import letters

    if kind not in letters.LETTER_KINDS or ext not in ("pdf", "docx"):
        raise Http404
    try:
        data = (
            letters.letter_pdf(application, kind) if ext == "pdf" else letters.letter_docx(application, kind)
        )
    except ValueError as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type=letters.CONTENT_TYPES[ext])
    response["Content-Disposition"] = (
        f'attachment; filename="{letters.letter_filename(application, kind, ext)}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def letter(request: HttpRequest, public_id: Any, kind: str, ext: str) -> HttpResponse:
    return letter_response(_application(request, public_id, policy.Action.VIEW), kind, ext)
