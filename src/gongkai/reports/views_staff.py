"""Staff screens of the annual report: the list, the report (figures with their sources, checks, text,
hand-entered cells, review and publication), the cases behind a cell, downloads, and the supervisor's
roll-up of a subtree. Access: :mod:`gongkai.reports.access` (404 for anything refused)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core.models import AuditEvent
from gongkai.core.text import parse_year
from gongkai.orgs import policy
from gongkai.orgs.models import Agency
from gongkai.reports import access, counts, formats, outputs, services
from gongkai.reports.models import AnnualReport, Stage
from gongkai.staff.views import staff_required

DOWNLOADS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _due_years(today: date) -> list[int]:
    last = today.year - 1
    return [y for y in range(last, max(2019, last - 3) - 1, -1)]


@staff_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    years = _due_years(today)
    agencies = list(policy.visible_agencies(user).order_by("path"))
    reports: dict[tuple[int, int], AnnualReport] = {}
    for r in AnnualReport.objects.filter(agency__in=agencies, year__in=years).order_by("version"):
        reports[(r.agency_id, r.year)] = r  # the latest version wins
    rows = [
        {
            "agency": a,
            "cells": [(y, reports.get((a.pk, y))) for y in years],
            "can_edit": access.can_edit(user, a),
        }
        for a in agencies
    ]
    due = date(today.year, 1, 31)
    return render(
        request,
        "reports/staff/list.html",
        {
            "years": years,
            "rows": rows,
            "rollups": access.rollup_agencies(user),
            "due": due if today <= due else None,
            "due_year": today.year - 1,
        },
    )


@staff_required
@require_POST
def report_start(request: HttpRequest) -> HttpResponse:
    agency = Agency.objects.filter(code=request.POST.get("agency", "")).first()
    year_text = request.POST.get("year", "")
    if agency is None or not access.can_edit(request.user, agency) or parse_year(year_text) is None:
        policy.deny(request.user, "change", agency)
        raise Http404
    try:
        report = services.draft(agency=agency, year=parse_year(year_text) or 0, by=request.user)
    except (ValidationError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            _errors(request, exc)
        else:
            messages.error(request, str(exc))
        return redirect("reports_staff:list")
    return redirect("reports_staff:detail", report.pk)


def _cell_link(report: AnnualReport) -> Any:
    base = reverse("reports_staff:cell", args=[report.pk])

    def link(path: str) -> str | None:
        if path.startswith("section2.") and not path.startswith(
            ("section2.art20_1.", "section2.art20_5.", "section2.art20_6.")
        ):
            return None
        return f"{base}?path={path}"

    return link


@staff_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, access.get_report(request.user, pk))


def _render_detail(
    request: HttpRequest, report: AnnualReport, *, cell_input: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    """The report page; ``cell_input`` puts back what was typed into the hand-entry form after an error."""
    agency = report.agency
    data = services.to_json(report)
    extras = data.pop("extras", None) or services.extras(report)
    failed = [
        {
            "rule": c.rule,
            "severity": c.severity,
            "message": c.message,
            "explanation": report.explanations.get(c.rule, ""),
        }
        for c in (services.checks(report) if report.stage != Stage.PUBLISHED else [])
        if not c.ok
    ]
    statistics = []
    if report.stage != Stage.PUBLISHED:
        try:
            from gongkai.reports import narrative

            statistics = list(narrative.all_statistics([agency], report.year))
        except ImportError:
            statistics = []
    events = AuditEvent.objects.filter(
        object_type="reports.annualreport", object_id=str(report.pk)
    ).select_related("actor")
    return render(
        request,
        "reports/staff/detail.html",
        {
            "report": report,
            "agency": agency,
            "body": outputs.render_html(data, extras=extras, cell_link=_cell_link(report)),
            "failed": failed,
            "explanations": report.explanations,
            "entries": report.entries.select_related("by"),
            "cells": counts.cell_paths(report.format),
            "statistics": statistics,
            "can_edit": access.can_edit(request.user, agency) and report.stage != Stage.PUBLISHED,
            "can_approve": access.can_approve(request.user, agency),
            "events": events,
            "later": AnnualReport.objects.filter(
                agency=agency, year=report.year, version__gt=report.version
            ).first(),
            "downloads": list(DOWNLOADS),
            "cell_input": cell_input or {},
        },
        status=status,
    )


def _editable(request: HttpRequest, pk: int, *, approve: bool = False) -> AnnualReport:
    report = access.get_report(request.user, pk)
    allowed = access.can_approve if approve else access.can_edit
    if not allowed(request.user, report.agency):
        policy.deny(request.user, "approve" if approve else "change", report)
        raise Http404
    return report


@staff_required
@require_POST
def report_text(request: HttpRequest, pk: int) -> HttpResponse:
    report = _editable(request, pk)
    sections = {k: request.POST.get(k, "") for k in ("section1", "section5", "section6") if k in request.POST}
    insert = request.POST.get("insert", "")
    if insert:
        from gongkai.reports import narrative

        found = next(
            (s for s in narrative.all_statistics([report.agency], report.year) if s.key == insert), None
        )
        if found is not None:
            text = sections.get("section1", report.section1).rstrip()
            sections["section1"] = f"{text}\n\n{found.sentence}" if text else found.sentence
    try:
        services.save_text(report=report, by=request.user, **sections)
        messages.success(request, _("已保存。"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(f"{reverse('reports_staff:detail', args=[pk])}#text")


@staff_required
@require_POST
def report_cell(request: HttpRequest, pk: int) -> HttpResponse:
    report = _editable(request, pk)
    path = request.POST.get("path", "")
    try:
        services.enter_cell(
            report=report,
            path=path,
            value=request.POST.get("value", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
        messages.success(request, _("已保存：%(cell)s") % {"cell": formats.cell_name(report.format, path)})
    except ValidationError as exc:
        _errors(request, exc)
        typed = {k: request.POST.get(k, "") for k in ("path", "value", "reason")}
        return _render_detail(request, report, cell_input=typed, status=400)  # nothing typed is lost
    return redirect(f"{reverse('reports_staff:detail', args=[pk])}#cells")


@staff_required
@require_POST
def report_explain(request: HttpRequest, pk: int) -> HttpResponse:
    report = _editable(request, pk)
    try:
        services.explain(
            report=report,
            rule=request.POST.get("rule", ""),
            text=request.POST.get("text", ""),
            by=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(f"{reverse('reports_staff:detail', args=[pk])}#checks")


@staff_required
@require_POST
def report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = _editable(request, pk, approve=True)
    try:
        if action == "review":
            services.review(report=report, by=request.user)
            messages.success(request, _("已审核。"))
        elif action == "publish":
            services.publish(report=report, by=request.user)
            messages.success(request, _("已发布到门户。"))
        elif action == "correct":
            new = services.correct(report=report, note=request.POST.get("note", ""), by=request.user)
            messages.success(request, _("已生成更正版本，请修改后重新审核发布。"))
            return redirect("reports_staff:detail", new.pk)
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reports_staff:detail", pk)


def _cell_queryset(report: AnnualReport, path: str) -> tuple[str, QuerySet[Any]]:
    agencies = [report.agency]
    parts = services._parts(path)
    if parts[0] == "section3" and len(parts) == 3:
        return "applications", counts.section3_cases(
            agencies, report.year, parts[1], parts[2]
        ).select_related("subject")
    if parts[0] == "section2" and len(parts) == 4 and parts[1] == "art20_1":
        from gongkai.normative.selectors import section2_documents

        column = {"public_total": "public_total"}.get(parts[3], parts[3])
        return "normative", section2_documents(agencies, report.year, parts[2], column)
    if parts[0] == "section2" and len(parts) == 4 and parts[1] in ("art20_5", "art20_6"):
        from gongkai.credit.models import Decision

        return "credit", Decision.objects.filter(
            agency=report.agency, kind=parts[2], decision_date__year=report.year
        ).exclude(status="deleted")
    if parts[0] == "section4" and len(parts) == 3:
        from gongkai.appeals.selectors import section4_cases

        return "appeals", section4_cases([report.agency.pk], report.year, parts[1], parts[2])
    raise Http404


@staff_required
def report_cell_cases(request: HttpRequest, pk: int) -> HttpResponse:
    """The records behind one cell (provenance): every count can be traced to its cases or documents."""
    report = access.get_report(request.user, pk)
    path = request.GET.get("path", "")
    try:
        name = formats.cell_name(report.format, path)
    except (KeyError, ValueError, StopIteration) as exc:
        raise Http404 from exc
    kind, qs = _cell_queryset(report, path)
    entry = report.entries.filter(path=path).first()
    return render(
        request,
        "reports/staff/cell.html",
        {"report": report, "name": name, "kind": kind, "rows": qs[:500], "count": qs.count(), "entry": entry},
    )


@staff_required
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = access.get_report(request.user, pk)
    if fmt not in DOWNLOADS:
        raise Http404
    return _download(report, fmt)


def _download(report: AnnualReport, fmt: str) -> HttpResponse:
    import json

    data = services.to_json(report)
    extras = data.pop("extras", None) or services.extras(report)
    body: bytes
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    elif fmt == "html":
        body = outputs.render_html(data, standalone=True, extras=extras).encode("utf-8")
    else:
        body = {"pdf": outputs.render_pdf, "docx": outputs.render_docx, "xlsx": outputs.render_xlsx}[fmt](
            data, extras=extras
        )
    response = HttpResponse(body, content_type=DOWNLOADS[fmt])
    disposition = "inline" if fmt in ("pdf", "html", "json") else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{outputs.filename(data, fmt, extras=extras)}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def rollup(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A supervisor's report for its whole subtree, with a per-agency breakdown and who published on time."""
    top = get_object_or_404(Agency, code=code)
    if top not in access.rollup_agencies(request.user):
        policy.deny(request.user, "view", top, note="roll-up")
        raise Http404
    try:
        fmt = formats.format_for_year(year)
    except ValueError as exc:
        raise Http404 from exc
    subtree = list(Agency.objects.filter(path__startswith=top.path).order_by("path"))
    built = formats.build(fmt, counts.counts(subtree, year))
    data = formats.to_json(built, year=year, agency={"code": top.code, "name": f"{top.name}（含下级机关）"})
    by_agency = counts.section3_by_agency(subtree, year)
    published = {
        r.agency_id: r
        for r in AnnualReport.objects.filter(agency__in=subtree, year=year, stage=Stage.PUBLISHED).order_by(
            "version"
        )
    }
    deadline = date(year + 1, 1, 31)
    breakdown = []
    for a in subtree:
        r = published.get(a.pk)
        on_time = (
            r is not None and r.published_at is not None and timezone.localdate(r.published_at) <= deadline
        )
        breakdown.append({"agency": a, "figures": by_agency.get(a.pk, {}), "report": r, "on_time": on_time})
    return render(
        request,
        "reports/staff/rollup.html",
        {
            "top": top,
            "year": year,
            "body": outputs.render_html(data),
            "breakdown": breakdown,
            "deadline": deadline,
            "late_or_missing": sum(1 for b in breakdown if not b["on_time"]),
        },
    )
