"""The public library of an agency's normative documents (规范性文件库): the list with filters and facet
counts, the document page (metadata, validity, relations both ways, files, history) and downloads.

Only published documents are public; drafts and registered documents answer 404. The public history
starts at publication and names no member of staff.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from gongkai.core.pagecache import public_page
from gongkai.normative import selectors
from gongkai.normative.lifecycle import Relation, Status
from gongkai.normative.models import STATUS_UI, Document, Kind, Stage, StatusChange
from gongkai.orgs.models import Agency

PAGE_SIZE = 20
PRE_PUBLICATION = (Stage.DRAFT, Stage.REGISTERED)
STATUS_VALUES = frozenset(s.value for s in Status)
ENDING_RELATIONS = (Relation.REPLACES, Relation.REPEALS, Relation.AMENDS)


def _agency(code: str) -> Agency:
    return get_object_or_404(Agency, code=code, is_active=True)


def _context(agency: Agency, **extra: Any) -> dict[str, Any]:
    return {
        "agency": agency,
        "section": "normative",
        "ancestors": agency.ancestors().order_by("path"),
        **extra,
    }


def _year(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None


@public_page
def document_list(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency(code)
    base = selectors.public_documents([agency])
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    year = _year(request.GET.get("year", ""))
    topic = request.GET.get("topic", "").strip()[:60]
    text = request.GET.get("q", "").strip()[:100]
    rows = base
    if status in STATUS_VALUES:
        rows = rows.filter(status=status)
    else:
        status = ""
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    if year:
        rows = rows.filter(published_on__year=year)
    if topic:
        rows = rows.filter(topic=topic)
    if text:
        rows = rows.filter(Q(title__icontains=text) | Q(document_number__icontains=text))
    facets = selectors.facets(base)
    page = Paginator(rows.order_by("-published_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    statuses = [(s.value, STATUS_UI[s], facets["status"].get(s.value, 0)) for s in Status]
    return render(
        request,
        "normative/public/list.html",
        _context(
            agency,
            page=page,
            total=base.count(),
            status=status,
            statuses=statuses,
            kind=kind,
            kinds=Kind.choices,
            year=year,
            years=facets["year"],
            topic=topic,
            topics=facets["topic"],
            q=text,
            query=query.urlencode(),
            filtered=bool(status or kind or year or topic or text),
        ),
    )


def _public_document(agency: Agency, pk: int) -> Document:
    return get_object_or_404(
        Document.objects.select_related("agency", "unit"), agency=agency, pk=pk, stage=Stage.PUBLISHED
    )


@public_page
def document_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agency = _agency(code)
    document = _public_document(agency, pk)
    acted_on_by = document.relations_in.filter(source__stage=Stage.PUBLISHED).select_related("source__agency")
    acts_on = document.relations_out.filter(target__stage=Stage.PUBLISHED).select_related("target__agency")
    history = (
        document.history.exclude(after__in=PRE_PUBLICATION)
        .select_related("related__agency", "cleanup")
        .order_by("on", "at", "id")
    )
    replacement = selectors.replacement(document)
    label = ""
    if replacement is not None:
        ending = acted_on_by.filter(source=replacement, kind__in=ENDING_RELATIONS).order_by("-on", "-id")
        label = ending[0].target_label if ending else ""
    return render(
        request,
        "normative/public/detail.html",
        _context(
            agency,
            d=document,
            replacement=replacement,
            replacement_label=label,
            acted_on_by=acted_on_by,
            acts_on=acts_on,
            history=[_history_row(h) for h in history],
            files=document.files.all(),
        ),
    )


def _history_row(h: StatusChange) -> dict[str, Any]:
    related = h.related if h.related is not None and h.related.stage == Stage.PUBLISHED else None
    return {
        "on": h.on,
        "before": h.before_label if h.before not in ("", *PRE_PUBLICATION) else "",
        "after": h.after_label,
        "changed": h.before != h.after,
        "reason": h.reason,
        "related": related,
        "decision_number": h.cleanup.decision_number if h.cleanup is not None else "",
    }


def document_file(request: HttpRequest, code: str, pk: int, file_id: int) -> FileResponse:
    agency = _agency(code)
    document = _public_document(agency, pk)
    record = document.files.filter(pk=file_id).first()
    if record is None:
        raise Http404
    response = FileResponse(
        record.file.open("rb"), as_attachment=True, filename=record.name, content_type=record.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
