"""The working-day calendar in the database: the selector that builds it, the service that changes it.

The pure rules live in :mod:`gongkai.core.clock`; this module only feeds them. ``working_calendar()``
returns a :class:`~gongkai.core.clock.WorkingCalendar` from the ``chinese_calendar`` package plus the
schedules administrators entered (which win). It is rebuilt only when a schedule changed.

Areas whose records carry deadlines (applications, publications, …) register a *recompute* function
with :func:`register_recompute`; :func:`calendar_save_year` calls each one in the same transaction
after a schedule changes and records in the audit trail how many open records each one re-dated.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Max

from gongkai.core import audit
from gongkai.core.clock import WorkingCalendar
from gongkai.core.models import CalendarDay, CalendarYear
from gongkai.core.schedule import ScheduleDay

_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], WorkingCalendar] | None = None

Recompute = Callable[[WorkingCalendar, Any], int]
_recomputers: dict[str, Recompute] = {}


def register_recompute(name: str, fn: Recompute) -> None:
    """Register ``fn(calendar, actor) -> number of records re-dated`` under a stable ``name``."""
    _recomputers[name] = fn


def _version() -> tuple[Any, ...]:
    years = CalendarYear.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (years["n"], years["last"], CalendarDay.objects.count())


def working_calendar() -> WorkingCalendar:
    """The calendar in force: package schedule + entered schedules (complete years become known)."""
    global _cached
    version = _version()
    with _lock:
        if _cached is not None and _cached[0] == version:
            return _cached[1]
    overrides = dict(CalendarDay.objects.values_list("day", "is_working"))
    complete = CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
    calendar = WorkingCalendar.from_chinese_calendar(overrides, complete_years=list(complete))
    with _lock:
        _cached = (version, calendar)
    return calendar


def missing_next_year(today: date) -> int | None:
    """From 1 November, the next year if its schedule is not known yet (the dashboard warns about it)."""
    if today.month < 11:
        return None
    nxt = today.year + 1
    return None if nxt in working_calendar().known_years else nxt


@dataclass(frozen=True)
class SaveResult:
    schedule: CalendarYear
    created: bool
    added: int
    removed: int
    recomputed: dict[str, int]


@transaction.atomic
def calendar_save_year(
    *,
    year: int,
    days: Iterable[ScheduleDay],
    notice: str,
    notice_number: str = "",
    complete: bool = True,
    by: Any = None,
    reason: str = "",
) -> SaveResult:
    """Replace the entered schedule of ``year`` and re-date every open record that depends on it."""
    days = list(days)
    wrong = [d.day for d in days if d.day.year != year]
    if wrong:
        raise ValueError(f"{wrong[0].isoformat()} 不属于 {year} 年。")
    if not notice.strip():
        raise ValueError("请填写节假日安排所依据的通知。")
    schedule, created = CalendarYear.objects.select_for_update().get_or_create(
        year=year,
        defaults={"notice": notice, "notice_number": notice_number, "complete": complete, "updated_by": by},
    )
    before = {(d.day, d.is_working, d.name) for d in schedule.days.all()}
    after = {(d.day, d.is_working, d.name) for d in days}
    schedule.notice, schedule.notice_number, schedule.complete = notice, notice_number, complete
    schedule.updated_by = by if getattr(by, "pk", None) else None
    schedule.save()
    schedule.days.all().delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(schedule=schedule, day=d.day, is_working=d.is_working, name=d.name) for d in days]
    )
    calendar = working_calendar()
    recomputed = {name: fn(calendar, by) for name, fn in sorted(_recomputers.items())}
    audit.record(
        by,
        "calendar.create" if created else "calendar.update",
        schedule,
        reason=reason,
        data={
            "year": year,
            "notice": notice,
            "complete": complete,
            "added": sorted(f"{d.isoformat()} {'班' if w else '休'}" for d, w, _n in after - before),
            "removed": sorted(f"{d.isoformat()} {'班' if w else '休'}" for d, w, _n in before - after),
            "recomputed": recomputed,
        },
    )
    return SaveResult(schedule, created, len(after - before), len(before - after), recomputed)


def year_days(year: int) -> list[ScheduleDay]:
    """The entered days of ``year`` (empty if none)."""
    return [
        ScheduleDay(d.day, d.is_working, d.name)
        for d in CalendarDay.objects.filter(schedule__year=year).order_by("day")
    ]
