"""The public land pages: the lookup by place (province-wide at /land/, per agency at /gk/<code>/land/),
a project's page with all its documents, and the published quarterly notices with their PDF/DOCX.

Everything works with plain links and a GET form (no script needed on an old phone); withheld projects
never appear."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from gongkai.core.pagecache import public_page
from gongkai.land import notices, selectors
from gongkai.land.models import NoticeStatus, Place, PlaceLevel, QuarterlyNotice
from gongkai.orgs.models import Agency

LEVEL_ORDER = [
    PlaceLevel.PROVINCE,
    PlaceLevel.CITY,
    PlaceLevel.COUNTY,
    PlaceLevel.TOWNSHIP,
    PlaceLevel.VILLAGE,
]
SELECTS = [
    (PlaceLevel.CITY, "city", "市州"),
    (PlaceLevel.COUNTY, "county", "县市区"),
    (PlaceLevel.TOWNSHIP, "township", "乡镇（街道）"),
    (PlaceLevel.VILLAGE, "village", "村（社区）"),
]


def _inside(place: Place, root: Place | None) -> bool:
    return root is None or place.code.startswith(selectors.prefix(root))


def _selected(request: HttpRequest, root: Place | None) -> Place | None:
    """The place chosen: ``?place=CODE`` (links), else the deepest consistent choice of the selects."""
    code = request.GET.get("place", "").strip()
    if code:
        place = Place.objects.filter(code=code[:12]).select_related("parent").first()
        return place if place is not None and _inside(place, root) else None
    chosen: Place | None = None
    for _level, name, _label in SELECTS:
        value = request.GET.get(name, "").strip()[:12]
        if not value:
            break
        place = Place.objects.filter(code=value).select_related("parent").first()
        if place is None or not _inside(place, root):
            break
        if chosen is not None and place.parent_id != chosen.pk:
            break  # a lower choice left over from another branch: stop at the last consistent one
        if chosen is None and root is not None and place.parent_id != root.pk:
            break
        chosen = place
    return chosen


def _lookup(request: HttpRequest, agency: Agency | None) -> HttpResponse:
    root = selectors.place_for_agency(agency) if agency else selectors.province_place()
    selected = _selected(request, root)
    current = selected or root
    chain = current.lineage() if current is not None else []
    chain_codes = {p.code for p in chain}
    selects = []
    parent = root
    for level, name, label in SELECTS:
        if root is not None and LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(PlaceLevel(root.level)):
            continue
        options = list(parent.children.order_by("code")) if parent is not None else []
        value = next((p.code for p in options if p.code in chain_codes), "")
        selects.append({"name": name, "label": label, "options": options, "value": value})
        if not value:
            break
        parent = next(p for p in options if p.code == value)
    text = request.GET.get("q", "").strip()[:40]
    matches = list(selectors.search_places(text, within=root)) if text else []
    views = []
    if selected is not None:
        views = selectors.assess_all(selectors.projects_at(selected))
    children = list(current.children.order_by("code")) if current is not None else []
    context: dict[str, Any] = {
        "agency": agency,
        "root": root,
        "selected": selected,
        "chain": [p for p in chain if root is None or (p.code != root.code and _inside(p, root))],
        "selects": selects,
        "q": text,
        "matches": matches,
        "views": views,
        "children": children,
        "regions": selectors.county_counts(root) if selected is None else [],
        "section": "land",
        "base_url": request.path,
    }
    if agency is not None:
        context["ancestors"] = agency.ancestors().order_by("path")
        return render(request, "land/public/lookup_column.html", context)
    context["notices"] = QuarterlyNotice.objects.filter(status=NoticeStatus.PUBLISHED).select_related("item")[
        :8
    ]
    return render(request, "land/public/lookup.html", context)


@public_page
def lookup(request: HttpRequest) -> HttpResponse:
    return _lookup(request, None)


@public_page
def agency_lookup(request: HttpRequest, code: str) -> HttpResponse:
    return _lookup(request, get_object_or_404(Agency, code=code, is_active=True))


@public_page
def project_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code, is_active=True)
    project = get_object_or_404(selectors.public_projects(), pk=pk, agency=agency)
    view = selectors.assess_project(project)
    return render(
        request,
        "land/public/project.html",
        {
            "agency": agency,
            "ancestors": agency.ancestors().order_by("path"),
            "section": "land",
            "view": view,
            "project": project,
        },
    )


@public_page
def notice_list(request: HttpRequest) -> HttpResponse:
    rows = QuarterlyNotice.objects.filter(status=NoticeStatus.PUBLISHED).select_related(
        "item", "item__agency"
    )
    return render(request, "land/public/notices.html", {"rows": rows})


def notice_file(request: HttpRequest, year: int, quarter: int, ext: str) -> HttpResponse:
    notice = QuarterlyNotice.objects.filter(year=year, quarter=quarter, status=NoticeStatus.PUBLISHED).first()
    if notice is None or ext not in ("pdf", "docx"):
        raise Http404
    if ext == "pdf":
        data, ctype = notices.notice_pdf(notice), "application/pdf"
    else:
        data = notices.notice_docx(notice)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(data, content_type=ctype)
    filename = f"land-notice-{year}Q{quarter}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
