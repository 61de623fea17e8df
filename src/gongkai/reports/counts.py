"""The annual report's figures from the records, by SQL aggregates (annual-report.md, counting rules).

- Section 二: (一) from the normative library (:func:`gongkai.normative.selectors.section2_counts`);
  (五)(六) from the 双公示 decisions (:func:`gongkai.credit.services.decision_counts`); (八) fees and the
  2019 format's project counts and procurement are not kept in Gongkai — they are entered by hand.
- Section 三: from the applications of the agency: one grouped query with conditional counts.
- Section 四: from the reconsideration and litigation records (:mod:`gongkai.appeals.selectors`).

Each cell can be traced back: :func:`section3_cases` gives the applications behind a cell of section 三.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from gongkai.applications import outcomes
from gongkai.applications.models import Application
from gongkai.applications.workflow import Status
from gongkai.orgs.models import Agency
from gongkai.reports import formats

APPLICANT_COLUMNS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)
HAND_ENTERED = {
    "2019": (
        "section2.art20_5.licensing.previous_items",
        "section2.art20_5.licensing.change",
        "section2.art20_5.other_services",
        "section2.art20_6.penalty.previous_items",
        "section2.art20_6.penalty.change",
        "section2.art20_6.coercion.previous_items",
        "section2.art20_6.coercion.change",
        "section2.art20_8",
        "section2.art20_9",
    ),
    "2021": ("section2.art20_8",),
}
"""Cells Gongkai keeps no records for: entered by hand (with a reason) in the report."""


def _applications(agencies: Iterable[Agency] | QuerySet[Agency]) -> QuerySet[Application]:
    return Application.objects.filter(agency__in=agencies).exclude(status=Status.DISCARDED)


def _open_at(end: date) -> Q:
    return Q(received_on__lte=end) & (Q(concluded_on__isnull=True) | Q(concluded_on__gt=end))


def section3_counts(agencies: Iterable[Agency] | QuerySet[Agency], year: int) -> dict[str, dict[str, int]]:
    """Section 三 (without the derived 总计 column and row): one query grouped by applicant column and
    outcome, with four conditional counts (received in the year, carried in, concluded in the year,
    carried out)."""
    fmt = formats.format_for_year(year)
    first, last, before = date(year, 1, 1), date(year, 12, 31), date(year - 1, 12, 31)
    rows = (
        _applications(agencies)
        .values("applicant_column", "outcome")
        .annotate(
            new_received=Count("pk", filter=Q(received_on__gte=first, received_on__lte=last)),
            carried_in=Count("pk", filter=_open_at(before)),
            concluded=Count("pk", filter=Q(concluded_on__gte=first, concluded_on__lte=last)),
            carried_out=Count("pk", filter=_open_at(last)),
        )
        .order_by()
    )
    out: dict[str, dict[str, int]] = {}

    def add(row_key: str, column: str, n: int) -> None:
        if n:
            cell = out.setdefault(row_key, {})
            cell[column] = cell.get(column, 0) + n

    for r in rows:
        column = r["applicant_column"]
        add("new_received", column, r["new_received"])
        add("carried_in", column, r["carried_in"])
        add("carried_out", column, r["carried_out"])
        if r["concluded"]:
            if not r["outcome"]:
                raise ValueError(f"有 {r['concluded']} 件申请已办结但未记录办理结果，请先补录。")
            add(formats.outcome_row(outcomes.report_row(r["outcome"], year), fmt), column, r["concluded"])
    return out


def section3_cases(
    agencies: Iterable[Agency] | QuerySet[Agency], year: int, row: str, column: str
) -> QuerySet[Application]:
    """The applications behind one cell of section 三 (``column`` may be ``total``)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    qs = _applications(agencies)
    if column != "total":
        qs = qs.filter(applicant_column=column)
    if row == "new_received":
        return qs.filter(received_on__gte=first, received_on__lte=last)
    if row == "carried_in":
        return qs.filter(_open_at(date(year - 1, 12, 31)))
    if row == "carried_out":
        return qs.filter(_open_at(last))
    concluded = qs.filter(concluded_on__gte=first, concluded_on__lte=last)
    if row == "results_total":
        return concluded
    fmt = formats.format_for_year(year)
    keys = [k for k in outcomes.KEYS if formats.outcome_row(outcomes.report_row(k, year), fmt) == row]
    if not keys:
        raise ValueError(f"“{row}”不是第三部分的行。")
    return concluded.filter(outcome__in=keys)


def section2_counts(agencies: Iterable[Agency] | QuerySet[Agency], year: int) -> dict[str, Any]:
    from gongkai.credit.services import decision_counts
    from gongkai.normative.selectors import section2_counts as normative_counts

    fmt = formats.format_for_year(year)
    agencies = list(agencies)
    normative = normative_counts(agencies, year)
    decisions = {"licensing": 0, "penalty": 0, "coercion": 0, **decision_counts(agencies, year)}
    if fmt == "2019":
        art20_1 = {
            row: {k: v[k] for k in ("made", "published", "public_total")} for row, v in normative.items()
        }
    else:
        art20_1 = {row: {k: v[k] for k in ("issued", "repealed", "in_force")} for row, v in normative.items()}
    return {
        "art20_1": art20_1,
        "art20_5": {"licensing": {"decisions": decisions["licensing"]}},
        "art20_6": {
            "penalty": {"decisions": decisions["penalty"]},
            "coercion": {"decisions": decisions["coercion"]},
        },
    }


def section4_counts(agencies: Iterable[Agency] | QuerySet[Agency], year: int) -> dict[str, Any]:
    from gongkai.appeals.selectors import section4_counts as appeal_counts

    counts = appeal_counts([a.pk for a in agencies], year)
    # the derived 总计 of each group is computed by formats.build()
    return {group: {k: v for k, v in cols.items() if k != "total"} for group, cols in counts.items()}


def counts(agencies: Iterable[Agency] | QuerySet[Agency], year: int) -> dict[str, Any]:
    """Everything Gongkai can count for ``year``, in the shape :func:`formats.build` takes."""
    agencies = list(agencies)
    return {
        "section2": section2_counts(agencies, year),
        "section3": section3_counts(agencies, year),
        "section4": section4_counts(agencies, year),
    }


def section3_by_agency(agencies: Iterable[Agency] | QuerySet[Agency], year: int) -> dict[int, dict[str, int]]:
    """Per agency: received, carried in, concluded and carried out in ``year`` (the roll-up's breakdown;
    one grouped query)."""
    first, last, before = date(year, 1, 1), date(year, 12, 31), date(year - 1, 12, 31)
    rows = (
        _applications(agencies)
        .values("agency_id")
        .annotate(
            new_received=Count("pk", filter=Q(received_on__gte=first, received_on__lte=last)),
            carried_in=Count("pk", filter=_open_at(before)),
            results_total=Count("pk", filter=Q(concluded_on__gte=first, concluded_on__lte=last)),
            carried_out=Count("pk", filter=_open_at(last)),
        )
        .order_by()
    )
    keys = ("new_received", "carried_in", "results_total", "carried_out")
    return {r["agency_id"]: {k: int(r[k]) for k in keys} for r in rows}  # type: ignore[literal-required]


def cell_paths(fmt: str) -> list[tuple[str, str]]:
    """Every cell of a format that can be entered by hand: (path, Chinese name)."""
    f = formats.get_format(fmt)
    paths = [f"section2.{b.key}.{r.key}.{c.key}" for b in f.section2 for r in b.rows for c in b.columns]
    paths += [
        f"section3.{r.key}.{c}"
        for r in f.section3.rows
        if r.key != "results_total"
        for c in APPLICANT_COLUMNS
    ]
    paths += [
        f"section4.{g.key}.{c.key}" for g in f.section4.groups for c in f.section4.columns if c.key != "total"
    ]
    return [(p, formats.cell_name(f, p)) for p in paths]
