"""Staff screens of the normative-document library: the list with filters and the documents expiring
within 90 days, the form, the document page with its actions by stage (register, publish, attach an
original file, relate to another document), its history and audit trail, and the clean-up campaigns.
Access: :mod:`gongkai.normative.access` (404 for anything refused). Every write is a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.core.models import AuditEvent
from gongkai.core.text import parse_int, parse_year
from gongkai.core.uploads import UploadRejected
from gongkai.normative import access, forms, lifecycle, selectors, services
from gongkai.normative.lifecycle import RELATION_EFFECT, Relation, Status
from gongkai.normative.models import RELATION_UI, STATUS_UI, Cleanup, Document, Kind, Stage
from gongkai.orgs import policy
from gongkai.staff.views import staff_required

PAGE_SIZE = 50
STATUS_VALUES = frozenset(s.value for s in Status)
VERB_LABELS = {
    "normative.create": gettext_lazy("起草"),
    "normative.update": gettext_lazy("修改"),
    "normative.register": gettext_lazy("统一登记、统一编号"),
    "normative.publish": gettext_lazy("统一发布"),
    "normative.status": gettext_lazy("效力状态按日期更新"),
    "normative.amends": gettext_lazy("被修改"),
    "normative.repeals": gettext_lazy("被废止"),
    "normative.replaces": gettext_lazy("被代替"),
    "normative.interprets": gettext_lazy("被解读"),
    "normative.attach": gettext_lazy("上传原件"),
    "normative.cleanup_start": gettext_lazy("启动清理"),
    "normative.cleanup_decide": gettext_lazy("填写清理意见"),
    "normative.cleanup_apply": gettext_lazy("执行清理决定"),
}


def _year(text: str) -> int | None:
    return parse_year(text)


def _put_errors(form: Form, exc: ValidationError) -> None:
    """A service's errors back on the form's fields (the rest above the form)."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(key if key in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- the list ----------------------------------------------------------------------------------------


@staff_required
def document_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = access.scope(user, Document.objects.select_related("agency"))
    agencies = policy.visible_agencies(user).order_by("path")
    agency_code = request.GET.get("agency", "")
    stage = request.GET.get("stage", "")
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    year = _year(request.GET.get("year", ""))
    text = request.GET.get("q", "").strip()[:100]
    years = sorted({d.year for d in visible.dates("formed_on", "year")}, reverse=True)
    rows = visible
    if agency_code:
        rows = rows.filter(agency__code=agency_code)
    if stage in Stage.values:
        rows = rows.filter(stage=stage)
    if status in STATUS_VALUES:
        rows = rows.filter(status=status)
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    if year:
        rows = rows.filter(formed_on__year=year)
    if text:
        rows = rows.filter(
            Q(title__icontains=text)
            | Q(document_number__icontains=text)
            | Q(registration_number__icontains=text)
            | Q(index_number__icontains=text)
        )
    page = Paginator(rows.order_by("-formed_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "normative/staff/list.html",
        {
            "page": page,
            "agencies": agencies,
            "agency_code": agency_code,
            "stage": stage,
            "stages": Stage.choices,
            "status": status,
            "statuses": [(s.value, STATUS_UI[s]) for s in Status],
            "kind": kind,
            "kinds": Kind.choices,
            "year": year,
            "years": years,
            "q": text,
            "query": query.urlencode(),
            "changeable": access.changeable_agencies(user),
            "expiring": selectors.expiring(agencies).select_related("agency")[:50],
            "notice_days": lifecycle.EXPIRY_NOTICE_DAYS,
        },
    )


# --- the form ----------------------------------------------------------------------------------------


@staff_required
def create(request: HttpRequest) -> HttpResponse:
    agencies = access.changeable_agencies(request.user)
    if not agencies:
        policy.deny(request.user, "change", None, note="normative create without role")
        raise Http404
    code = request.POST.get("agency") or request.GET.get("agency", "")
    agency = next((a for a in agencies if a.code == code), agencies[0])
    initial = {"formed_on": timezone.localdate(), "kind": Kind.NORMATIVE}
    form = forms.DocumentForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.create(agency=agency, data=form.document_data(), by=request.user)
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("已保存为草稿。经合法性审核后请点击“登记”取得登记号和文号。"))
            return redirect("normative_staff:detail", pk=document.pk)
    if request.method == "POST":
        messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
    return render(
        request, "normative/staff/form.html", {"form": form, "agency": agency, "agencies": agencies}
    )


@staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document(request.user, pk, change=True)
    form = forms.DocumentForm(request.POST or None, agency=document.agency, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.update(document=document, data=form.document_data(), by=request.user, reason=form.reason)
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("修改已保存。"))
            return redirect("normative_staff:detail", pk=document.pk)
    if request.method == "POST":
        messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
    return render(
        request,
        "normative/staff/form.html",
        {"form": form, "agency": document.agency, "document": document},
    )


# --- the document page and its actions ----------------------------------------------------------------


def _detail(request: HttpRequest, document: Document, **forms_given: Any) -> HttpResponse:
    can_change = access.can_change(request.user, document.agency)
    events = AuditEvent.objects.filter(
        object_type=Document._meta.label_lower, object_id=str(document.pk)
    ).select_related("actor")[:50]
    context = {
        "d": document,
        "can_change": can_change,
        "replacement": selectors.replacement(document) if document.is_public else None,
        "acted_on_by": document.relations_in.select_related("source"),
        "acts_on": document.relations_out.select_related("target"),
        "history": document.history.select_related("by", "related", "cleanup"),
        "files": document.files.all(),
        "events": [(e, VERB_LABELS.get(e.verb, e.verb)) for e in events],
        "publish_form": forms.PublishForm(initial={"published_on": timezone.localdate()}),
        "upload_form": forms.UploadForm(),
        "relation_form": forms.RelationForm(),
        **forms_given,
    }
    response = render(request, "normative/staff/detail.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.get_document(request.user, pk))


@staff_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document(request.user, pk, change=True)
    try:
        document = services.register(document=document, by=request.user)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("已统一登记：登记号 %(reg)s，文号 %(num)s。")
            % {"reg": document.registration_number, "num": document.document_number},
        )
    return redirect("normative_staff:detail", pk=pk)


@staff_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document(request.user, pk, change=True)
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        return _detail(request, document, publish_form=form)
    try:
        document = services.publish(
            document=document, by=request.user, published_on=form.cleaned_data["published_on"]
        )
    except ValidationError as exc:
        _put_errors(form, exc)
        return _detail(request, document, publish_form=form)
    messages.success(
        request,
        _("已统一发布，索引号 %(index)s，效力状态：%(status)s。")
        % {"index": document.index_number, "status": document.status_label},
    )
    return redirect("normative_staff:detail", pk=pk)


@staff_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document(request.user, pk, change=True)
    form = forms.UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            record = services.attach(document=document, upload=form.cleaned_data["file"], by=request.user)
        except UploadRejected as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("已上传原件：%(name)s。") % {"name": record.name})
            return redirect("normative_staff:detail", pk=pk)
    messages.error(request, _("文件未上传，请按提示修改。"))
    return _detail(request, document, upload_form=form)


def _find_target(user: Any, text: str) -> Document | None:
    """The document named by its 文号 (any bracket variant) or its number, among those ``user`` sees."""
    text = text.strip()
    visible = access.scope(user, Document.objects.select_related("agency"))
    if parse_int(text) is not None:
        return visible.filter(pk=int(text)).first()
    number = lifecycle.normalise_document_number(text)
    return visible.filter(document_number=number).first() if number else None


@staff_required
@require_POST
def relate(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document(request.user, pk, change=True)
    if document.stage != Stage.PUBLISHED:
        messages.error(request, _("本文件发布后才能修改、废止、代替或解读其他文件。"))
        return redirect("normative_staff:detail", pk=pk)
    form = forms.RelationForm(request.POST)
    if form.is_valid():
        target = _find_target(request.user, form.cleaned_data["target"])
        kind = Relation(form.cleaned_data["kind"])
        if target is None:
            form.add_error("target", _("没有找到该文件，请核对文号或编号。"))
        elif RELATION_EFFECT[kind] is not None and not access.can_change(request.user, target.agency):
            policy.deny(request.user, "change", target, note="normative relate")
            form.add_error("target", _("您不能变更该机关文件的效力状态。"))
        else:
            try:
                services.relate(
                    source=document,
                    target=target,
                    kind=kind,
                    by=request.user,
                    on=form.cleaned_data["on"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已记录：本文件%(verb)s《%(title)s》。")
                    % {"verb": RELATION_UI[kind][0], "title": target.title},
                )
                return redirect("normative_staff:detail", pk=pk)
    messages.error(request, _("关系未保存，请按提示修改。"))
    return _detail(request, document, relation_form=form)


@staff_required
def document_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    document = access.get_document(request.user, pk)
    record = document.files.filter(pk=file_id).first()
    if record is None:
        raise Http404
    response = FileResponse(
        record.file.open("rb"), as_attachment=True, filename=record.name, content_type=record.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- clean-up campaigns (清理) -----------------------------------------------------------------------


@staff_required
def cleanup_list(request: HttpRequest) -> HttpResponse:
    agencies = access.changeable_agencies(request.user)
    form = forms.CleanupStartForm(request.POST or None, agencies=agencies)
    if request.method == "POST":
        if not agencies:
            policy.deny(request.user, "change", None, note="normative cleanup without role")
            raise Http404
        if form.is_valid():
            cleanup = services.cleanup_start(
                agency=form.chosen, name=form.cleaned_data["name"], documents=None, by=request.user
            )
            messages.success(
                request,
                _("已启动清理，列入 %(n)s 件文件。请逐件填写清理意见。") % {"n": cleanup.entries.count()},
            )
            return redirect("normative_staff:cleanup", pk=cleanup.pk)
        messages.error(request, _("请按提示修改。"))
    cleanups = access.scope_cleanups(
        request.user, Cleanup.objects.select_related("agency").annotate(n=Count("entries"))
    )
    return render(
        request,
        "normative/staff/cleanups.html",
        {"cleanups": cleanups, "form": form, "can_start": bool(agencies)},
    )


def _cleanup_page(
    request: HttpRequest,
    cleanup: Cleanup,
    decisions_form: forms.CleanupDecisionsForm | None = None,
    apply_form: forms.CleanupApplyForm | None = None,
) -> HttpResponse:
    entries = list(cleanup.entries.select_related("document"))
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.decision] = counts.get(e.decision, 0) + 1
    return render(
        request,
        "normative/staff/cleanup.html",
        {
            "cleanup": cleanup,
            "can_change": access.can_change(request.user, cleanup.agency),
            "entries": entries,
            "decisions_form": decisions_form or forms.CleanupDecisionsForm(entries=entries),
            "apply_form": apply_form or forms.CleanupApplyForm(initial={"decided_on": timezone.localdate()}),
            "counts": [(label, counts.get(value, 0)) for value, label in forms.DECISION_CHOICES],
        },
    )


@staff_required
def cleanup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return _cleanup_page(request, access.get_cleanup(request.user, pk))
    cleanup = access.get_cleanup(request.user, pk, change=True)
    entries = list(cleanup.entries.select_related("document"))
    form = forms.CleanupDecisionsForm(request.POST, entries=entries)
    if form.is_valid():
        try:
            changed = services.cleanup_decide(cleanup=cleanup, decisions=form.decisions(), by=request.user)
        except ValidationError as exc:
            _flash_errors(request, exc)
            return redirect("normative_staff:cleanup", pk=pk)
        else:
            messages.success(request, _("清理意见已保存（%(n)s 件有变化）。") % {"n": changed})
            return redirect("normative_staff:cleanup", pk=pk)
    messages.error(request, _("清理意见未保存，请按提示修改。"))
    return _cleanup_page(request, cleanup, decisions_form=form)


@staff_required
@require_POST
def cleanup_apply(request: HttpRequest, pk: int) -> HttpResponse:
    cleanup = access.get_cleanup(request.user, pk, change=True)
    form = forms.CleanupApplyForm(request.POST)
    if form.is_valid():
        try:
            result = services.cleanup_apply(
                cleanup=cleanup,
                decision_number=form.cleaned_data["decision_number"],
                decided_on=form.cleaned_data["decided_on"],
                by=request.user,
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                _flash_errors(request, exc)
                return redirect("normative_staff:cleanup", pk=pk)
            _put_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "清理决定已执行：废止 %(repealed)s 件，宣布失效 %(expired)s 件，继续有效 %(kept)s 件，"
                    "拟修改 %(to_amend)s 件。"
                )
                % result.__dict__,
            )
            return redirect("normative_staff:cleanup", pk=pk)
    messages.error(request, _("清理决定未执行，请按提示修改。"))
    return _cleanup_page(request, cleanup, apply_form=form)
