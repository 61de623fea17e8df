"""Reads of the annual reports used outside the reports pages (the staff dashboard)."""

from __future__ import annotations

from datetime import date
from typing import Any

from gongkai.reports import access
from gongkai.reports.models import AnnualReport, Stage


def reports_due(user: Any, today: date) -> dict[str, Any] | None:
    """In January: the agencies whose report for last year the user prepares and that have not published
    it yet, with the deadline (31 January); None outside January or when all are published."""
    due = date(today.year, 1, 31)
    if today.month != 1:
        return None
    from gongkai.orgs import policy

    mine = [a for a in policy.visible_agencies(user).order_by("path") if access.can_edit(user, a)]
    done = set(
        AnnualReport.objects.filter(agency__in=mine, year=today.year - 1, stage=Stage.PUBLISHED).values_list(
            "agency_id", flat=True
        )
    )
    missing = [a.short_name or a.name for a in mine if a.pk not in done]
    if not missing:
        return None
    return {"year": today.year - 1, "due": due, "agencies": missing}
