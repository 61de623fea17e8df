"""Reads for applications: queues, urgency buckets, timelines. Counting is done by the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from gongkai.applications.models import Application
from gongkai.applications.workflow import OPEN, Status
from gongkai.core import clock
from gongkai.core.calendar import working_calendar

OPEN_VALUES = [s.value for s in OPEN]

URGENCY = [
    ("overdue", "已超期"),
    ("due_soon", "3个工作日内到期"),
    ("due_10", "10个工作日内到期"),
    ("later", "期限充裕"),
    ("paused", "期限暂停"),
    ("to_accept", "网上申请待受理"),
]
URGENCY_LABELS = dict(URGENCY)


def urgency_filters(today: date) -> dict[str, Q]:
    cal = working_calendar()
    soon = clock.add_working_days(cal, today, 3)
    ten = clock.add_working_days(cal, today, 10)
    running = Q(status__in=OPEN_VALUES, due_on__isnull=False)
    return {
        "overdue": running & Q(due_on__lt=today),
        "due_soon": running & Q(due_on__gte=today, due_on__lte=soon),
        "due_10": running & Q(due_on__gt=soon, due_on__lte=ten),
        "later": running & Q(due_on__gt=ten),
        "paused": Q(status__in=OPEN_VALUES, due_on__isnull=True),
        "to_accept": Q(status=Status.SUBMITTED),
    }


def urgency_counts(queryset: QuerySet[Application], today: date) -> dict[str, int]:
    """One aggregate query: how many applications fall in each urgency bucket."""
    filters = urgency_filters(today)
    return queryset.aggregate(**{key: Count("pk", filter=cond) for key, cond in filters.items()})


def urgency_by_agency(queryset: QuerySet[Application], today: date) -> list[dict[str, Any]]:
    filters = urgency_filters(today)
    rows = (
        queryset.values("agency__code", "agency__name", "agency__path")
        .annotate(**{key: Count("pk", filter=cond) for key, cond in filters.items()})
        .order_by("agency__path")
    )
    return [dict(r) for r in rows if any(r[k] for k in filters)]  # type: ignore[literal-required]


def queue(
    queryset: QuerySet[Application], *, bucket: str = "", status: str = "", today: date
) -> QuerySet[Application]:
    qs = queryset.select_related("agency", "subject")
    if bucket in URGENCY_LABELS:
        qs = qs.filter(urgency_filters(today)[bucket])
    elif status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(Q(status__in=OPEN_VALUES) | Q(status=Status.SUBMITTED))
    return qs.order_by(F("due_on").asc(nulls_last=True), "submitted_at")


def carried_over(queryset: QuerySet[Application], year: int) -> QuerySet[Application]:
    """Applications open on 31 December of ``year`` (结转下年度): received by then, not concluded by then.

    The same set is next year's 上年结转; the annual report counts both from here.
    """
    end = date(year, 12, 31)
    return (
        queryset.filter(received_on__lte=end)
        .exclude(status=Status.DISCARDED)
        .filter(Q(concluded_on__isnull=True) | Q(concluded_on__gt=end))
    )


def urgency_by_unit(queryset: QuerySet[Application], today: date) -> list[dict[str, Any]]:
    """Open applications per handling unit by urgency (one aggregate query over the assignments)."""
    filters = {k: v for k, v in urgency_filters(today).items() if k != "to_accept"}
    rows = (
        queryset.filter(assignments__isnull=False)
        .values("agency__short_name", "assignments__unit__name", "assignments__unit_id")
        .annotate(**{key: Count("pk", filter=cond) for key, cond in filters.items()})
        .order_by("agency__path", "assignments__unit__sort_order")
    )
    return [dict(r) for r in rows if any(r[k] for k in filters)]  # type: ignore[literal-required]
