"""Reads of the normative-document library: the public library, owners' lists and the report figures.

The report figures (section 二 (一) of the annual report) are SQL aggregates over the documents' dates,
so they can be computed for any year, past years included (lifecycle.py explains the dates):

- 2021 format: 本年制发件数 = documents published in the year; 本年废止件数 = documents that stopped being
  in force in the year (repealed, replaced, declared expired, or their 有效期 ran out); 现行有效件数 =
  documents in force on 31 December (有效 or 已修改; 尚未施行 documents are not yet in force).
- 2019 format: 本年新制作数量 = published documents formed (成文) in the year; 本年新公开数量 = documents
  published in the year; 对外公开总数量 = every document published up to 31 December.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gongkai.normative.lifecycle import EXPIRY_NOTICE_DAYS, Status
from gongkai.normative.models import Document, Kind, Stage
from gongkai.orgs.models import Agency

REPORT_KEYS = {Kind.RULE: "rules", Kind.NORMATIVE: "normative_documents"}
"""Row keys of section2.art20_1 in annual-report-keys.json."""


def published() -> QuerySet[Document]:
    return Document.objects.filter(stage=Stage.PUBLISHED)


def public_documents(agencies: Iterable[Agency] | QuerySet[Agency] | None = None) -> QuerySet[Document]:
    qs = published().select_related("agency")
    if agencies is not None:
        qs = qs.filter(agency__in=agencies)
    return qs


def in_force_q(day: date) -> Q:
    """Documents in force on ``day`` (from their dates alone)."""
    return (
        Q(stage=Stage.PUBLISHED, published_on__lte=day, effective_on__lte=day)
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))
    )


def ended_in_q(year: int) -> Q:
    """Documents whose force ended in ``year`` (first day no longer in force falls in the year)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    by_decision = Q(ended_on__gte=first, ended_on__lte=last)
    # by date: the day after 有效期至 falls in the year, and no decision ended it earlier
    by_date = Q(expires_on__gte=first - timedelta(days=1), expires_on__lte=last - timedelta(days=1)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=last)
    )
    return Q(stage=Stage.PUBLISHED, published_on__lte=last) & (by_decision | by_date)


def section2_counts(agencies: Iterable[Agency] | QuerySet[Agency], year: int) -> dict[str, dict[str, int]]:
    """Section 二 (一) for the agencies (lead issuer) and year: both formats' columns, per row key.

    One SQL query: conditional counts grouped by kind.
    """
    last = date(year, 12, 31)
    rows = (
        Document.objects.filter(agency__in=agencies, stage=Stage.PUBLISHED)
        .values("kind")
        .annotate(
            issued=Count("pk", filter=Q(published_on__year=year)),
            repealed=Count("pk", filter=ended_in_q(year)),
            in_force_at_end=Count("pk", filter=in_force_q(last)),
            made=Count("pk", filter=Q(formed_on__year=year, published_on__lte=last)),
            public_total=Count("pk", filter=Q(published_on__lte=last)),
        )
    )
    out = {
        key: {"issued": 0, "repealed": 0, "in_force": 0, "made": 0, "published": 0, "public_total": 0}
        for key in REPORT_KEYS.values()
    }
    for row in rows:
        target = out[REPORT_KEYS[Kind(row["kind"])]]
        target.update(
            issued=row["issued"],
            repealed=row["repealed"],
            in_force=row["in_force_at_end"],
            made=row["made"],
            published=row["issued"],
            public_total=row["public_total"],
        )
    return out


CELL_FILTERS = {
    "issued": lambda year: Q(stage=Stage.PUBLISHED, published_on__year=year),
    "published": lambda year: Q(stage=Stage.PUBLISHED, published_on__year=year),
    "repealed": ended_in_q,
    "in_force": lambda year: in_force_q(date(year, 12, 31)),
    "made": lambda year: Q(stage=Stage.PUBLISHED, formed_on__year=year, published_on__lte=date(year, 12, 31)),
    "public_total": lambda year: Q(stage=Stage.PUBLISHED, published_on__lte=date(year, 12, 31)),
}


def section2_documents(
    agencies: Iterable[Agency] | QuerySet[Agency], year: int, row: str, column: str
) -> QuerySet[Document]:
    """The documents behind one cell of section 二 (一) (provenance for the report's staff view)."""
    kind = {v: k for k, v in REPORT_KEYS.items()}[row]
    return Document.objects.filter(agency__in=agencies, kind=kind).filter(CELL_FILTERS[column](year))


def expiring(agencies: Iterable[Agency] | QuerySet[Agency], today: date | None = None) -> QuerySet[Document]:
    """Documents in force whose 有效期 ends within 90 days: their owners decide on renewal or repeal."""
    today = today or timezone.localdate()
    return (
        published()
        .filter(agency__in=agencies, status__in=[Status.IN_FORCE, Status.AMENDED])
        .filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=EXPIRY_NOTICE_DAYS))
        .order_by("expires_on", "id")
    )


def facets(qs: QuerySet[Document]) -> dict[str, Any]:
    """Counts for the public filters (status, year, topic), one aggregate query each."""
    return {
        "status": dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n")),
        "year": sorted(
            qs.values_list("published_on__year")
            .annotate(n=Count("pk"))
            .values_list("published_on__year", "n"),
            reverse=True,
        ),
        "topic": sorted(
            (t, n)
            for t, n in qs.exclude(topic="")
            .values_list("topic")
            .annotate(n=Count("pk"))
            .values_list("topic", "n")
        ),
    }


def replacement(document: Document) -> Document | None:
    """The public document that repealed, replaced or last amended this one (for the "see instead" link)."""
    rel = (
        document.relations_in.filter(
            kind__in=["replaces", "repeals", "amends"], source__stage=Stage.PUBLISHED
        )
        .select_related("source")
        .order_by("-on", "-id")
        .first()
    )
    return rel.source if rel else None
