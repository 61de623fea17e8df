"""Staff screens for 双公示 records: the list with filters, the form, the record page and its actions,
the export. Access: :mod:`gongkai.credit.access` (404 for anything refused)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.core.calendar import working_calendar
from gongkai.core.identity import normalise
from gongkai.core.models import AuditEvent
from gongkai.core.reveal import private
from gongkai.core.text import parse_int, parse_year
from gongkai.credit import access, batch, display, forms, services
from gongkai.credit.models import Decision, Kind, Status, id_hash
from gongkai.orgs import policy
from gongkai.orgs.models import Agency
from gongkai.staff.views import staff_required

PAGE_SIZE = 50
VERB_LABELS = {
    "credit.create": gettext_lazy("录入"),
    "credit.update": gettext_lazy("修改"),
    "credit.publish": gettext_lazy("公示"),
    "credit.withdraw": gettext_lazy("撤销公示"),
    "credit.reveal": gettext_lazy("查看完整证件号码和联系方式"),
    "credit.import": gettext_lazy("批量导入"),
}
ID_TYPES_SEARCHED = (
    "resident_id",
    "passport",
    "hk_macao_permit",
    "taiwan_permit",
    "foreign_permanent",
    "other",
)


def _year(text: str) -> int | None:
    return parse_year(text)


@staff_required
def decision_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = access.scope(user, Decision.objects.select_related("agency"))
    agency_code = request.GET.get("agency", "")
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    year = _year(request.GET.get("year", ""))
    text = request.GET.get("q", "").strip()[:100]
    years = sorted({d.year for d in visible.dates("decision_date", "year")}, reverse=True)
    rows = visible
    if agency_code:
        rows = rows.filter(agency__code=agency_code)
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    if status in Status.values:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(decision_date__year=year)
    if text:
        number = normalise(text)
        by_id = Q(id_number_hash__in=[id_hash(t, number) for t in ID_TYPES_SEARCHED])
        rows = rows.filter(
            Q(number__icontains=text)
            | Q(party_name__icontains=text)
            | Q(uscc=number)
            | Q(document_title__icontains=text)
            | Q(violation_type__icontains=text)
            | by_id
        )
    page = Paginator(rows.order_by("-decision_date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    cal = working_calendar()
    for d in page.object_list:
        d.due = services.publication_due(d, cal)  # type: ignore[attr-defined]
        d.overdue = services.is_overdue(d, today, cal)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    changeable = access.changeable_agencies(user)
    return render(
        request,
        "credit/staff/list.html",
        {
            "page": page,
            "agencies": policy.visible_agencies(user).order_by("path"),
            "agency_code": agency_code,
            "kind": kind,
            "kinds": Kind.choices,
            "status": status,
            "statuses": Status.choices,
            "year": year,
            "years": years,
            "q": text,
            "query": query.urlencode(),
            "changeable": changeable,
            "export_agencies": policy.visible_agencies(user).order_by("path"),
            "change_codes": {a.code for a in changeable},
        },
    )


def _defaults(agency: Agency) -> dict[str, Any]:
    """Authority and data-source fields as last entered for the agency (the agency's name otherwise)."""
    last = Decision.objects.filter(agency=agency).order_by("-id").first()
    if last is not None:
        return {
            k: getattr(last, k) for k in ("authority_name", "authority_code", "source_name", "source_code")
        }
    return {"authority_name": agency.name, "source_name": agency.name}


def _valid(form: forms.DecisionForm, decision: Decision | None = None) -> bool:
    if form.is_valid():
        return True
    form.check_rules(decision=decision)
    return False


def _put_errors(form: forms.DecisionForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(key if key in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _saved(request: HttpRequest, saved: services.Saved, message: str) -> HttpResponse:
    messages.success(request, message)
    for warning in saved.warnings:
        messages.warning(request, warning)
    return redirect("credit_staff:detail", public_id=saved.decision.public_id)


@staff_required
def create(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Kind.values:
        raise Http404
    agencies = access.changeable_agencies(request.user)
    if not agencies:
        policy.deny(request.user, "change", None, note="credit create without role")
        raise Http404
    code = request.POST.get("agency") or request.GET.get("agency", "")
    agency = next((a for a in agencies if a.code == code), agencies[0])
    initial = {**_defaults(agency), "decision_date": timezone.localdate(), "id_type": "resident_id"}
    form = forms.DecisionForm(request.POST or None, kind=kind, initial=initial)
    if request.method == "POST" and _valid(form):
        try:
            saved = services.decision_save(agency=agency, kind=kind, data=form.record_data(), by=request.user)
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            return _saved(request, saved, _("已保存为待公示记录。核对无误后请点击“公示”。"))
    if request.method == "POST":
        messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
    return render(
        request,
        "credit/staff/form.html",
        {"form": form, "agency": agency, "agencies": agencies, "kind": kind, "kind_label": Kind(kind).label},
    )


@staff_required
def edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    decision = access.get_decision(request.user, public_id, change=True)
    if decision.status == Status.WITHDRAWN:
        messages.error(request, _("已撤销公示的记录不能修改。"))
        return redirect("credit_staff:detail", public_id=decision.public_id)
    form = forms.DecisionForm(request.POST or None, kind=decision.kind, decision=decision)
    if request.method == "POST" and _valid(form, decision):
        try:
            saved = services.decision_save(
                agency=decision.agency,
                kind=decision.kind,
                data=form.record_data(),
                by=request.user,
                decision=decision,
                version=form.cleaned_data.get("version"),
            )
        except services.StaleDecision:
            messages.error(request, _("该记录已被他人修改，请查看最新内容后再修改。"))
            return redirect("credit_staff:detail", public_id=decision.public_id)
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            return _saved(request, saved, _("修改已保存。"))
    if request.method == "POST":
        messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
    return render(
        request,
        "credit/staff/form.html",
        {
            "form": form,
            "agency": decision.agency,
            "decision": decision,
            "kind": decision.kind,
            "kind_label": decision.get_kind_display(),
        },
    )


def _detail(
    request: HttpRequest, decision: Decision, *, revealed: dict[str, str] | None = None
) -> HttpResponse:
    can_change = access.can_change(request.user, decision.agency)
    events = AuditEvent.objects.filter(object_type=Decision._meta.label_lower, object_id=str(decision.pk))
    response = render(
        request,
        "credit/staff/detail.html",
        {
            "d": decision,
            "rows": display.rows(decision, public=False, revealed=revealed),
            "revealed": revealed or {},
            "can_change": can_change,
            "due": services.publication_due(decision),
            "overdue": services.is_overdue(decision, timezone.localdate()),
            "events": [(e, VERB_LABELS.get(e.verb, e.verb)) for e in events.select_related("actor")[:50]],
            "withdraw_form": forms.WithdrawForm(initial={"version": decision.version}),
            "has_identifiers": any(
                getattr(decision, n)
                for n in ("id_number", "legal_rep_id_number", "contact_phone", "frozen_account")
            ),
        },
    )
    return private(response)


@staff_required
def detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _detail(request, access.get_decision(request.user, public_id))


@staff_required
@require_POST
def reveal(request: HttpRequest, public_id: Any) -> HttpResponse:
    decision = access.get_decision(request.user, public_id, change=True)
    return _detail(request, decision, revealed=services.decision_reveal(decision, by=request.user))


def _version(request: HttpRequest) -> int | None:
    text = request.POST.get("version", "")
    return parse_int(text)


@staff_required
@require_POST
def publish(request: HttpRequest, public_id: Any) -> HttpResponse:
    decision = access.get_decision(request.user, public_id, change=True)
    try:
        services.decision_publish(decision, by=request.user, version=_version(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已公示。"))
    return redirect("credit_staff:detail", public_id=decision.public_id)


@staff_required
@require_POST
def withdraw(request: HttpRequest, public_id: Any) -> HttpResponse:
    decision = access.get_decision(request.user, public_id, change=True)
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤销公示的理由。"))
        return redirect("credit_staff:detail", public_id=decision.public_id)
    try:
        services.decision_withdraw(
            decision,
            by=request.user,
            reason=form.cleaned_data["reason"],
            basis=form.cleaned_data["basis"],
            version=form.cleaned_data.get("version"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已撤销公示：该信息已从公开列表中移除，公开页面显示撤销说明。"))
    return redirect("credit_staff:detail", public_id=decision.public_id)


@staff_required
@require_POST
def delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    decision = access.get_decision(request.user, public_id, change=True)
    try:
        services.decision_delete(decision, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("credit_staff:detail", public_id=decision.public_id)
    messages.success(request, _("草稿已删除。"))
    return redirect("credit_staff:list")


@staff_required
def export(request: HttpRequest) -> HttpResponse:
    agency = access.agency_for_view(request.user, request.GET.get("agency", ""))
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        raise Http404
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    year = _year(request.GET.get("year", ""))
    # Full identifiers only for those who may change the agency's records (the report to the platform).
    masked = request.GET.get("masked") == "1" or not access.can_change(request.user, agency)
    data, _count = services.export_file(
        agency=agency, kind=kind, year=year, fmt=fmt, masked=masked, by=request.user
    )
    response = HttpResponse(data, content_type=batch.XLSX_TYPE if fmt == "xlsx" else batch.CSV_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{batch.file_name(agency.code, kind, year, fmt)}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
