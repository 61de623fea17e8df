"""Section 四 of the annual report from the case records, by SQL aggregates.

Counting rule (``annual-report.md``, a **choice** of the spec): the cases about the agency's disclosure
work *filed* in year Y, each in the column of its result as of 31 December of Y — a case concluded
after that day, or not at all, counts as 尚未审结 for Y. ``total`` is the sum of the other four columns
of its group (every case falls in exactly one of them).

:func:`section4_counts` computes all fifteen cells in one query (conditional aggregation);
:func:`section4_cases` returns the cases behind one cell, built from the same conditions, so a cell's
count always equals the size of its list (provenance).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from gongkai.appeals.models import AppealCase, Kind, Result
from gongkai.orgs.models import Agency

GROUPS: tuple[str, ...] = (
    Kind.RECONSIDERATION.value,
    Kind.LITIGATION_DIRECT.value,
    Kind.LITIGATION_AFTER_RECONSIDERATION.value,
)
"""The row groups of section 四, keys as in ``annual-report-keys.json``."""
RESULT_COLUMNS: tuple[str, ...] = (
    Result.UPHELD.value,
    Result.CORRECTED.value,
    Result.OTHER.value,
    Result.PENDING.value,
)
COLUMNS: tuple[str, ...] = (*RESULT_COLUMNS, "total")
"""The columns of each group, keys as in ``annual-report-keys.json``."""

AgencyScope = Agency | QuerySet[Agency] | Iterable[int]


def _agency_q(agencies: AgencyScope) -> Q:
    if isinstance(agencies, Agency):
        return Q(agency=agencies)
    if isinstance(agencies, QuerySet):
        return Q(agency__in=agencies.values("pk"))
    return Q(agency_id__in=list(agencies))


def _year_end(year: int) -> date:
    return date(year, 12, 31)


def _filed_in(year: int) -> Q:
    return Q(filed_on__gte=date(year, 1, 1), filed_on__lte=_year_end(year))


def _column_q(year: int, column: str) -> Q:
    """Cases (already filed in ``year``) in ``column`` as of 31 December of ``year``."""
    end = _year_end(year)
    if column == "total":
        return Q()
    if column == Result.PENDING:
        return Q(result=Result.PENDING) | Q(concluded_on__gt=end)
    if column in RESULT_COLUMNS:
        return Q(result=column, concluded_on__lte=end)
    raise ValueError(f"unknown section 四 column: {column!r}")


def _base(agencies: AgencyScope, year: int) -> QuerySet[AppealCase]:
    return AppealCase.objects.filter(_agency_q(agencies), _filed_in(year))


def section4_counts(agencies: AgencyScope, year: int) -> dict[str, dict[str, int]]:
    """``{"reconsideration": {"upheld", "corrected", "other", "pending", "total"}, "litigation_direct":
    {…}, "litigation_after_reconsideration": {…}}`` for the cases of ``agencies`` (an agency, a
    queryset of agencies, or agency ids) filed in ``year``. One SQL query."""
    aggregates: dict[str, Any] = {
        f"{group}__{column}": Count("pk", filter=Q(kind=group) & _column_q(year, column))
        for group in GROUPS
        for column in RESULT_COLUMNS
    }
    row = _base(agencies, year).aggregate(**aggregates)
    counts: dict[str, dict[str, int]] = {}
    for group in GROUPS:
        cells = {column: int(row[f"{group}__{column}"] or 0) for column in RESULT_COLUMNS}
        cells["total"] = sum(cells.values())
        counts[group] = cells
    return counts


def section4_cases(agencies: AgencyScope, year: int, kind: str, column: str) -> QuerySet[AppealCase]:
    """The cases counted in the cell (``kind``, ``column``) of :func:`section4_counts`."""
    if kind not in GROUPS:
        raise ValueError(f"unknown section 四 group: {kind!r}")
    return (
        _base(agencies, year)
        .filter(Q(kind=kind) & _column_q(year, column))
        .select_related("agency", "application")
        .order_by("filed_on", "number", "id")
    )
