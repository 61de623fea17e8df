"""Staff land pages: projects with their documents (link the publishing item, dates, 不适用), links to
applications, and the province's quarterly check with remarks and the 通报.

Access: :mod:`gongkai.land.access`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core.spreadsheets import parse_date
from gongkai.core.text import parse_int
from gongkai.land import access, rules, selectors, services
from gongkai.land.models import Disclosure, NoticeStatus, ProjectLink, QuarterlyNotice
from gongkai.publishing.models import Item
from gongkai.staff.views import staff_required


def _errors(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


@staff_required
def project_list(request: HttpRequest) -> HttpResponse:
    views = selectors.assess_all(access.scope(request.user, selectors.projects_qs()))
    return render(
        request,
        "land/staff/list.html",
        {"views": views, "can_check": bool(access.checking_agencies(request.user))},
    )


@staff_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project(request.user, pk)
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
    links = ProjectLink.objects.filter(project=project).select_related("application")
    return render(
        request,
        "land/staff/detail.html",
        {
            "view": view,
            "project": project,
            "can_change": can_change,
            "candidates": candidates,
            "links": links,
        },
    )


def _date(value: str) -> Any:
    return parse_date(value) if value.strip() else None


@staff_required
@require_POST
def disclosure_edit(request: HttpRequest, pk: int, disclosure_id: int) -> HttpResponse:
    project = access.get_project(request.user, pk, change=True)
    disclosure = (
        Disclosure.objects.filter(pk=disclosure_id, project=project).select_related("requirement").first()
    )
    if disclosure is None:
        raise Http404
    post = request.POST
    try:
        data: dict[str, Any] = {
            key: _date(post.get(key, ""))
            for key in ("issued_on", "published_on", "posting_start", "posting_end")
        }
        data["not_applicable"] = post.get("not_applicable") == "1"
        data["note"] = post.get("note", "")[:200]
        item_id = post.get("item", "")
        item_pk = parse_int(item_id)
        data["item"] = Item.objects.filter(pk=item_pk).first() if item_pk else None
        if post.get("action") == "draft":
            formed = data["issued_on"] or timezone.localdate()
            item = services.disclosure_draft(
                disclosure=disclosure, formed_on=formed, body="", by=request.user
            )
            messages.success(request, f"已起草公开信息“{item.title}”，请补充正文后送保密审查。")
            return redirect("publishing_staff:detail", item.pk)
        services.disclosure_update(disclosure=disclosure, data=data, by=request.user)
        messages.success(request, f"{disclosure.requirement.name}：已保存。")
    except (ValidationError, ValueError) as exc:
        messages.error(request, _errors(exc) if isinstance(exc, ValidationError) else str(exc))
    return redirect("land_staff:detail", project.pk)


@staff_required
@require_POST
def link_application(request: HttpRequest, pk: int) -> HttpResponse:
    from gongkai.applications.models import Application
    from gongkai.orgs import policy

    project = access.get_project(request.user, pk, change=True)
    number = request.POST.get("number", "").strip()[:40]
    application = policy.scope(request.user, Application.objects.filter(number=number)).first()
    if application is None:
        messages.error(request, f"找不到申请编号“{number}”（或无权查看）。")
    else:
        try:
            services.link_application(application=application, project=project, by=request.user)
            messages.success(request, f"已关联申请 {number}。")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    return redirect("land_staff:detail", project.pk)


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
    quarter = _quarter(request)
    notice = QuarterlyNotice.objects.filter(agency=agency, year=quarter.year, quarter=quarter.number).first()
    if notice is not None:
        services.notice_sync(notice)
    data = selectors.supervision(quarter, agency)
    latest = rules.Quarter.of(timezone.localdate())
    choices = [latest]
    for _ in range(7):
        choices.append(choices[-1].previous())
    return render(
        request,
        "land/staff/supervision.html",
        {
            "agency": agency,
            "quarter": quarter,
            "data": data,
            "notice": notice,
            "choices": choices,
            "labels": rules.INDICATOR_LABELS,
            "ended": quarter.end < timezone.localdate(),
            "published": notice is not None and notice.status == NoticeStatus.PUBLISHED,
        },
    )


@staff_required
@require_POST
def notice_save(request: HttpRequest) -> HttpResponse:
    agency = access.checking_agency(request.user)
    quarter = _quarter(request)
    try:
        notice = services.notice_save(
            agency=agency, quarter=quarter, remarks=request.POST.get("remarks", "")[:5000], by=request.user
        )
        if request.POST.get("action") == "issue":
            item = services.notice_issue(notice=notice, by=request.user)
            messages.success(request, "通报已生成并送保密审查；审查通过后由信息发布员发布。")
            return redirect("publishing_staff:detail", item.pk)
        messages.success(request, "检查意见已保存。")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect(f"{request.path.rsplit('notice/', 1)[0]}?quarter={quarter}")
