"""The published annual reports on the portal: the list (in the 信息公开年报 column), each report as a
page that reads well on a phone, and its downloads (PDF, DOCX, XLSX, JSON). Only published versions are
public; a corrected report shows its correction note and links to the earlier version."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from gongkai.core.pagecache import public_page
from gongkai.orgs.models import Agency
from gongkai.reports import outputs, services
from gongkai.reports.models import AnnualReport, Stage
from gongkai.reports.views_staff import DOWNLOADS, _download


def published_reports(agency: Agency) -> list[AnnualReport]:
    """The latest published version of each year, newest year first."""
    latest: dict[int, AnnualReport] = {}
    for r in AnnualReport.objects.filter(agency=agency, stage=Stage.PUBLISHED).order_by("year", "version"):
        latest[r.year] = r
    return [latest[y] for y in sorted(latest, reverse=True)]


def _published(agency: Agency, year: int, version: int | None) -> AnnualReport:
    qs = AnnualReport.objects.filter(agency=agency, year=year, stage=Stage.PUBLISHED)
    report = (qs.filter(version=version) if version else qs.order_by("-version")).first()
    if report is None:
        raise Http404
    return report


@public_page
def report(request: HttpRequest, code: str, year: int, version: int | None = None) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code, is_active=True)
    shown = _published(agency, year, version)
    data = services.to_json(shown)
    extras = data.pop("extras", None) or services.extras(shown)
    versions = AnnualReport.objects.filter(agency=agency, year=year, stage=Stage.PUBLISHED).order_by(
        "version"
    )
    return render(
        request,
        "reports/public/detail.html",
        {
            "agency": agency,
            "section": "reports",
            "ancestors": agency.ancestors().order_by("path"),
            "report": shown,
            "body": outputs.render_html(data, extras=extras),
            "versions": versions,
            "downloads": [f for f in DOWNLOADS if f != "html"],
        },
    )


def download(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code, is_active=True)
    if fmt not in DOWNLOADS or fmt == "html":
        raise Http404
    return _download(_published(agency, year, None), fmt)
