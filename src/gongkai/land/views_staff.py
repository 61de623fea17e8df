"""Staff land pages: projects with their documents (link the publishing item, dates, 不适用), links to
applications, and the province's quarterly check with remarks and the 通报.

Access: :mod:`gongkai.land.access`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core.text import parse_int
from gongkai.land import access, forms, rules, selectors, services
from gongkai.land.models import Disclosure, ExpropriationProject, NoticeStatus, ProjectLink, QuarterlyNotice
from gongkai.orgs import policy
from gongkai.orgs.models import Agency
from gongkai.publishing.models import Item
from gongkai.staff.views import staff_required


@staff_required
def project_list(request: HttpRequest) -> HttpResponse:
    views = selectors.assess_all(access.scope(request.user, selectors.projects_qs()))
    return render(
        request,
        "land/staff/list.html",
        {
            "views": views,
            "can_check": bool(access.checking_agencies(request.user)),
            "can_create": bool(access.creating_agencies(request.user)),
        },
    )


@staff_required
def project_create(request: HttpRequest) -> HttpResponse:
    """A new project, typed by staff of the responsible agency (today's other ways in: the import, the
    command line, the demo). Anyone who may change no agency's projects, or who names another agency,
    gets 404."""
    agencies = access.creating_agencies(request.user)
    if not agencies:
        policy.deny(request.user, "change", None, note="land project create")
        raise Http404
    allowed = {str(a.pk): a for a in agencies}
    named = request.POST.get("agency", "") if request.method == "POST" else ""
    if named and named not in allowed:
        policy.deny(request.user, "change", None, note=f"land project create agency={parse_int(named)}")
        raise Http404
    chosen = request.GET.get("agency", "")
    initial = {"agency": next((a.pk for a in agencies if a.code == chosen), agencies[0].pk)}
    queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("path")
    form = forms.ProjectForm(request.POST or None, agencies=queryset, initial=initial, auto_id="p-%s")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            agency = data.pop("agency")
            township, villages = data.pop("township"), data.pop("villages")
            try:
                project = services.project_register(
                    agency=agency, data=data, township=township, villages=villages, by=request.user
                )
            except ValidationError as exc:
                _put_back(form, exc)
            else:
                messages.success(
                    request,
                    _("已登记征地项目“%(name)s”，应公开的文件清单已生成。") % {"name": project.name},
                )
                return redirect("land_staff:detail", project.pk)
        _refused(request)
        status = 400
    return render(request, "land/staff/project_form.html", {"form": form}, status=status)


@staff_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, access.get_project(request.user, pk))


def _disclosure_initial(disclosure: Disclosure) -> dict[str, Any]:
    return {
        "item": str(disclosure.item_id or ""),
        **{key: getattr(disclosure, key) for key in DATE_FIELDS},
        "not_applicable": disclosure.not_applicable,
        "note": disclosure.note,
    }


def _render_detail(
    request: HttpRequest,
    project: ExpropriationProject,
    *,
    bound: forms.DisclosureForm | None = None,
    bound_for: int | None = None,
    link_form: forms.LinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The project page. After a refused form, ``bound`` (for the disclosure ``bound_for``) or
    ``link_form`` is shown again as typed, with its errors, and the answer is 400."""
    view = selectors.assess_project(selectors.projects_qs().get(pk=project.pk))
    can_change = access.can_change(request.user, project.agency)
    candidates = []
    if can_change:
        agencies = [project.agency, *project.agency.ancestors()]
        candidates = list(
            Item.objects.filter(agency__in=agencies, node__name=services.LAND_NODE)
            .select_related("agency")
            .order_by("-formed_on")[:200]
        )
    rows = []
    for d in view.documents:
        pk_ = d.disclosure.pk
        form = bound if bound is not None and bound_for == pk_ else None
        if form is None:
            form = forms.DisclosureForm(initial=_disclosure_initial(d.disclosure), auto_id=f"d{pk_}-%s")
        rows.append((d, form))
    links = ProjectLink.objects.filter(project=project).select_related("application")
    return render(
        request,
        "land/staff/detail.html",
        {
            "view": view,
            "rows": rows,
            "project": project,
            "can_change": can_change,
            "candidates": candidates,
            "links": links,
            "link_form": link_form or forms.LinkForm(auto_id="link-%s"),
        },
        status=status,
    )


DATE_FIELDS = ("issued_on", "published_on", "posting_start", "posting_end")


def _put_back(form: Any, exc: ValidationError) -> None:
    """The service's errors onto the form's fields (the rest above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _refused(request: HttpRequest) -> None:
    messages.error(request, _("未保存：请按提示修改，您填写的内容都保留在表单中。"))


@staff_required
@require_POST
def disclosure_edit(request: HttpRequest, pk: int, disclosure_id: int) -> HttpResponse:
    project = access.get_project(request.user, pk, change=True)
    disclosure = (
        Disclosure.objects.filter(pk=disclosure_id, project=project).select_related("requirement").first()
    )
    if disclosure is None:
        raise Http404
    form = forms.DisclosureForm(request.POST, auto_id=f"d{disclosure.pk}-%s")
    data = _disclosure_data(form)
    if data is not None:
        try:
            if request.POST.get("action") == "draft":
                formed = data["issued_on"] or timezone.localdate()
                item = services.disclosure_draft(
                    disclosure=disclosure, formed_on=formed, body="", by=request.user
                )
                messages.success(
                    request, _("已起草公开信息“%(title)s”，请补充正文后送保密审查。") % {"title": item.title}
                )
                return redirect("publishing_staff:detail", item.pk)
            services.disclosure_update(disclosure=disclosure, data=data, by=request.user)
        except ValidationError as exc:
            _put_back(form, exc)
        else:
            messages.success(request, _("%(name)s：已保存。") % {"name": disclosure.requirement.name})
            return redirect("land_staff:detail", project.pk)
    _refused(request)
    return _render_detail(request, project, bound=form, bound_for=disclosure.pk, status=400)


def _disclosure_data(form: forms.DisclosureForm) -> dict[str, Any] | None:
    """What the service needs from a valid form, or None (the errors are on the form)."""
    if not form.is_valid():
        return None
    data: dict[str, Any] = {key: form.cleaned_data[key] for key in DATE_FIELDS}
    data["not_applicable"] = form.cleaned_data["not_applicable"]
    data["note"] = form.cleaned_data["note"]
    item_pk = form.cleaned_data["item"]
    data["item"] = Item.objects.filter(pk=item_pk).first() if item_pk else None
    if item_pk and data["item"] is None:
        form.add_error("item", _("所选公开信息不存在。"))
        return None
    return data


@staff_required
@require_POST
def link_application(request: HttpRequest, pk: int) -> HttpResponse:
    from gongkai.applications.models import Application

    project = access.get_project(request.user, pk, change=True)
    form = forms.LinkForm(request.POST, auto_id="link-%s")
    if form.is_valid():
        number = form.cleaned_data["number"]
        application = policy.scope(request.user, Application.objects.filter(number=number)).first()
        if application is None:
            form.add_error("number", _("找不到申请编号“%(number)s”（或无权查看）。") % {"number": number})
        else:
            try:
                services.link_application(application=application, project=project, by=request.user)
            except ValidationError as exc:
                _put_back(form, exc)
            else:
                messages.success(request, _("已关联申请 %(number)s。") % {"number": number})
                return redirect("land_staff:detail", project.pk)
    _refused(request)
    return _render_detail(request, project, link_form=form, status=400)


def _quarter(request: HttpRequest) -> rules.Quarter:
    text = request.GET.get("quarter", "") or request.POST.get("quarter", "")
    if text:
        try:
            return rules.Quarter.parse(text)
        except ValueError:
            pass
    return rules.Quarter.of(timezone.localdate()).previous()


@staff_required
def supervision(request: HttpRequest) -> HttpResponse:
    agency = access.checking_agency(request.user)
    return _render_supervision(request, agency, _quarter(request))


def _render_supervision(
    request: HttpRequest,
    agency: Any,
    quarter: rules.Quarter,
    *,
    form: forms.NoticeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The quarterly check; after a refused save, ``form`` brings the remarks back as typed (400)."""
    notice = QuarterlyNotice.objects.filter(agency=agency, year=quarter.year, quarter=quarter.number).first()
    if notice is not None:
        services.notice_sync(notice)
    data = selectors.supervision(quarter, agency)
    latest = rules.Quarter.of(timezone.localdate())
    choices = [latest]
    for _i in range(7):
        choices.append(choices[-1].previous())
    if form is None:
        form = forms.NoticeForm(initial={"remarks": notice.remarks if notice else ""}, auto_id="f-%s")
    return render(
        request,
        "land/staff/supervision.html",
        {
            "agency": agency,
            "quarter": quarter,
            "data": data,
            "notice": notice,
            "notice_form": form,
            "choices": choices,
            "labels": rules.INDICATOR_LABELS,
            "ended": quarter.end < timezone.localdate(),
            "published": notice is not None and notice.status == NoticeStatus.PUBLISHED,
        },
        status=status,
    )


@staff_required
@require_POST
def notice_save(request: HttpRequest) -> HttpResponse:
    agency = access.checking_agency(request.user)
    quarter = _quarter(request)
    form = forms.NoticeForm(request.POST, auto_id="f-%s")
    if form.is_valid():
        try:
            with transaction.atomic():  # a refused issue keeps nothing, not even the remarks
                notice = services.notice_save(
                    agency=agency, quarter=quarter, remarks=form.cleaned_data["remarks"], by=request.user
                )
                if request.POST.get("action") == "issue":
                    item = services.notice_issue(notice=notice, by=request.user)
                    messages.success(request, _("通报已生成并送保密审查；审查通过后由信息发布员发布。"))
                    return redirect("publishing_staff:detail", item.pk)
        except ValidationError as exc:
            _put_back(form, exc)
        else:
            messages.success(request, _("检查意见已保存。"))
            return redirect(f"{reverse('land_staff:supervision')}?quarter={quarter}")
    _refused(request)
    return _render_supervision(request, agency, quarter, form=form, status=400)
