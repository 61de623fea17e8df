"""The public 双公示 column of an agency: published decisions with personal data masked (§4).

Drafts never appear (404). A withdrawn record leaves the list; its page says it was withdrawn, when and
why, and shows nothing else about the decision. A natural person's name is masked and never searchable:
the text search looks at a natural person's record only through its document number, title and type of
unlawful act, so typing someone's name cannot confirm that they were penalised.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from gongkai.core.identity import normalise
from gongkai.core.pagecache import public_page
from gongkai.credit import display
from gongkai.credit.models import Decision, Kind, PartyType, Status
from gongkai.orgs.models import Agency

PAGE_SIZE = 20


def _agency(code: str) -> Agency:
    return get_object_or_404(Agency, code=code, is_active=True)


def _context(agency: Agency, **extra: Any) -> dict[str, Any]:
    return {"agency": agency, "section": "credit", "ancestors": agency.ancestors().order_by("path"), **extra}


@public_page
def decision_list(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency(code)
    published = Decision.objects.filter(agency=agency, status=Status.PUBLISHED)
    kind = request.GET.get("kind", "")
    year_text = request.GET.get("year", "")
    text = request.GET.get("q", "").strip()[:100]
    years = sorted({d.year for d in published.dates("decision_date", "year")}, reverse=True)
    rows = published
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    year = int(year_text) if year_text.isascii() and year_text.isdigit() and int(year_text) in years else None
    if year:
        rows = rows.filter(decision_date__year=year)
    if text:
        anyone = (
            Q(number__icontains=text)
            | Q(document_title__icontains=text)
            | Q(violation_type__icontains=text)
            | Q(licence_name__icontains=text)
        )
        organisations = ~Q(party_type=PartyType.NATURAL) & (
            Q(party_name__icontains=text) | Q(content__icontains=text) | Q(uscc=normalise(text))
        )
        rows = rows.filter(anyone | organisations)
    page = Paginator(rows.order_by("-decision_date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "credit/public/list.html",
        _context(
            agency,
            page=page,
            kind=kind,
            kinds=Kind.choices,
            year=year,
            years=years,
            q=text,
            query=query.urlencode(),
            filtered=bool(kind in Kind.values or year or text),
        ),
    )


@public_page
def decision_detail(request: HttpRequest, code: str, public_id: Any) -> HttpResponse:
    agency = _agency(code)
    decision = get_object_or_404(
        Decision, agency=agency, public_id=public_id, status__in=[Status.PUBLISHED, Status.WITHDRAWN]
    )
    withdrawn = decision.status == Status.WITHDRAWN
    rows = [] if withdrawn else display.rows(decision, public=True)
    return render(
        request, "credit/public/detail.html", _context(agency, d=decision, rows=rows, withdrawn=withdrawn)
    )
