"""Staff screens for reconsideration and litigation cases: the list (filters, deadlines, the section 四
counts of a year with the cases behind each cell), the case page (documents, history), the forms.
Access: :mod:`gongkai.appeals.access` (404 for anything refused)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.appeals import access, forms, rules, selectors, services
from gongkai.appeals.models import AppealCase, Kind, Result
from gongkai.core.models import AuditEvent
from gongkai.core.text import parse_year
from gongkai.core.uploads import UploadRejected
from gongkai.orgs import policy
from gongkai.orgs.models import Agency
from gongkai.staff.views import staff_required

PAGE_SIZE = 50
VERB_LABELS = {
    "appeals.create": gettext_lazy("录入"),
    "appeals.update": gettext_lazy("修改"),
    "appeals.conclude": gettext_lazy("登记结果"),
    "appeals.correct_result": gettext_lazy("更正结果"),
    "appeals.attach": gettext_lazy("上传材料"),
    "appeals.import": gettext_lazy("批量导入"),
}
COLUMN_LABELS = {
    "upheld": gettext_lazy("结果维持"),
    "corrected": gettext_lazy("结果纠正"),
    "other": gettext_lazy("其他结果"),
    "pending": gettext_lazy("尚未审结"),
    "total": gettext_lazy("总计"),
}
OVERDUE = "overdue"


def _year(text: str) -> int | None:
    return parse_year(text)


def _overdue_q(today: Any) -> Q:
    """Pending cases past their deadline, in SQL (the same dates as :func:`rules.deadline`; a litigation
    deadline extended by a higher court has no end, so it is never overdue)."""
    from datetime import timedelta

    reconsideration = Q(kind=Kind.RECONSIDERATION) & (
        Q(extended=False, filed_on__lt=today - timedelta(days=rules.RECONSIDERATION_DAYS))
        | Q(
            extended=True,
            filed_on__lt=today
            - timedelta(days=rules.RECONSIDERATION_DAYS + rules.RECONSIDERATION_EXTENSION_DAYS),
        )
    )
    # filed_on + 6 months < today  ⇔  filed_on < today - 6 months (month arithmetic, clamped)
    litigation = ~Q(kind=Kind.RECONSIDERATION) & Q(
        extended=False, filed_on__lt=rules.add_months(today, -rules.LITIGATION_MONTHS)
    )
    return Q(result=Result.PENDING) & (reconsideration | litigation)


def _scope_agencies(request: HttpRequest, agency_code: str) -> QuerySet[Agency]:
    visible = policy.visible_agencies(request.user)
    return visible.filter(code=agency_code) if agency_code else visible


@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = access.scope(user, AppealCase.objects.select_related("agency", "application"))
    agency_code = request.GET.get("agency", "")
    kind = request.GET.get("kind", "")
    result = request.GET.get("result", "")
    cell = request.GET.get("cell", "")
    year = _year(request.GET.get("year", ""))
    text = request.GET.get("q", "").strip()[:100]
    today = timezone.localdate()
    years = sorted({d.year for d in visible.dates("filed_on", "year")}, reverse=True)
    agencies = _scope_agencies(request, agency_code)

    rows = visible
    cell_label = ""
    if year and kind in Kind.values and cell in selectors.COLUMNS:
        # The cases behind one cell of section 四 (provenance of the count).
        rows = rows.filter(pk__in=selectors.section4_cases(agencies, year, kind, cell).values("pk"))
        cell_label = f"{year} · {Kind(kind).label} · {COLUMN_LABELS[cell]}"
    else:
        cell = ""
        if agency_code:
            rows = rows.filter(agency__code=agency_code)
        if kind in Kind.values:
            rows = rows.filter(kind=kind)
        if result == OVERDUE:
            rows = rows.filter(_overdue_q(today))
        elif result in Result.values:
            rows = rows.filter(result=result)
        if year:
            rows = rows.filter(filed_on__year=year)
    if text:
        rows = rows.filter(
            Q(number__icontains=text) | Q(body__icontains=text) | Q(application__number__icontains=text)
        )
    page = Paginator(rows.order_by("-filed_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.due = case.deadline.due  # type: ignore[attr-defined]
        case.overdue = case.is_overdue(today)  # type: ignore[attr-defined]
    counts = None
    if year:
        counts = [
            (group, Kind(group).label, [(c, COLUMN_LABELS[c], n) for c, n in cells.items()])
            for group, cells in selectors.section4_counts(agencies, year).items()
        ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appeals/staff/list.html",
        {
            "page": page,
            "agencies": policy.visible_agencies(user).order_by("path"),
            "agency_code": agency_code,
            "kind": kind,
            "kinds": Kind.choices,
            "result": result,
            "results": [*Result.choices, (OVERDUE, _("已超过审理期限"))],
            "year": year,
            "years": years,
            "q": text,
            "query": query.urlencode(),
            "counts": counts,
            "cell": cell,
            "cell_label": cell_label,
            "can_create": bool(access.changeable_agencies(user)),
        },
    )


def _put_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(key if key in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _retry(request: HttpRequest) -> None:
    messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))


@staff_required
def create(request: HttpRequest) -> HttpResponse:
    agencies = access.changeable_agencies(request.user)
    if not agencies:
        policy.deny(request.user, "change", None, note="appeals create without role")
        raise Http404
    code = request.POST.get("agency") or request.GET.get("agency", "")
    agency = next((a for a in agencies if a.code == code), agencies[0])
    form = forms.CreateForm(request.POST or None, initial={"filed_on": timezone.localdate()})
    if request.method == "POST":
        if form.is_valid():
            try:
                case = services.appeal_create(agency=agency, data=form.cleaned_data, by=request.user)
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("案件已录入。"))
                return redirect("appeals_staff:detail", public_id=case.public_id)
        _retry(request)
    return render(request, "appeals/staff/form.html", {"form": form, "agency": agency, "agencies": agencies})


@staff_required
def edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    case = access.get_case(request.user, public_id, change=True)
    form = forms.EditForm(request.POST or None, case=case)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.appeal_update(
                    case, data=data, by=request.user, reason=data["reason"], version=data.get("version")
                )
            except services.StaleCase:
                messages.error(request, _("该案件已被他人修改，请查看最新内容后再修改。"))
                return redirect("appeals_staff:detail", public_id=case.public_id)
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("修改已保存。"))
                return redirect("appeals_staff:detail", public_id=case.public_id)
        _retry(request)
    return render(request, "appeals/staff/form.html", {"form": form, "agency": case.agency, "case": case})


def _detail(request: HttpRequest, case: AppealCase, **extra: Any) -> HttpResponse:
    today = timezone.localdate()
    events = AuditEvent.objects.filter(
        object_type=AppealCase._meta.label_lower, object_id=str(case.pk)
    ).select_related("actor")
    application_visible = (
        case.application is not None
        and policy.scope(request.user, type(case.application).objects.filter(pk=case.application.pk)).exists()
    )
    context = {
        "c": case,
        "deadline": case.deadline,
        "overdue": case.is_overdue(today),
        "can_change": access.can_change(request.user, case.agency),
        "application_visible": application_visible,
        "documents": case.documents.select_related("uploaded_by"),
        "later_cases": case.later_cases.all(),
        "events": [(e, VERB_LABELS.get(e.verb, e.verb)) for e in events.order_by("at", "id")[:100]],
        "conclude_form": forms.ConcludeForm(
            initial={
                "version": case.version,
                "result": case.result if not case.is_pending else Result.UPHELD,
                "concluded_on": case.concluded_on or today,
            }
        ),
        "document_form": forms.DocumentForm(),
        **extra,
    }
    response = render(request, "appeals/staff/detail.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _detail(request, access.get_case(request.user, public_id))


@staff_required
@require_POST
def conclude(request: HttpRequest, public_id: Any) -> HttpResponse:
    case = access.get_case(request.user, public_id, change=True)
    form = forms.ConcludeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.appeal_conclude(
                case,
                result=data["result"],
                concluded_on=data["concluded_on"],
                reason=data["reason"],
                by=request.user,
                version=data.get("version"),
            )
        except services.StaleCase:
            messages.error(request, _("该案件已被他人修改，请查看最新内容后再操作。"))
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("结果已登记。"))
            return redirect("appeals_staff:detail", public_id=case.public_id)
    messages.error(request, _("未能登记结果，请按提示修改。"))
    return _detail(request, case, conclude_form=form)


@staff_required
@require_POST
def attach(request: HttpRequest, public_id: Any) -> HttpResponse:
    case = access.get_case(request.user, public_id, change=True)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_attach(
                case, upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"], by=request.user
            )
        except UploadRejected as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("材料已上传。"))
            return redirect("appeals_staff:detail", public_id=case.public_id)
    messages.error(request, _("未能上传材料，请按提示修改。"))
    return _detail(request, case, document_form=form)


@staff_required
def document(request: HttpRequest, public_id: Any, document_id: Any) -> FileResponse:
    doc = access.get_document(request.user, public_id, document_id)
    response = FileResponse(
        doc.file.open("rb"), as_attachment=True, filename=doc.name, content_type=doc.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
