"""Reads for proactive disclosure: public lists, statistics by SQL aggregates."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from gongkai.core import clock
from gongkai.core.calendar import working_calendar
from gongkai.orgs.models import Agency
from gongkai.publishing.models import CatalogueNode, Item
from gongkai.publishing.workflow import Status


def public_items(agency: Agency | None = None) -> QuerySet[Item]:
    # Withdrawn (even while a revision is being drafted) is not public until it is published again.
    qs = Item.objects.filter(current__isnull=False, withdrawn_at__isnull=True)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.select_related("current", "agency", "node")


def catalogue_with_counts(agency: Agency) -> QuerySet[CatalogueNode]:
    visible = Q(items__current__isnull=False, items__withdrawn_at__isnull=True)
    return (
        CatalogueNode.objects.filter(agency=agency, parent=None)
        .annotate(published=Count("items", filter=visible))
        .order_by("position", "id")
    )


def published_per_category(agency: Agency, year: int) -> list[dict[str, Any]]:
    """Items first published in ``year`` per catalogue node (the figures section 一 of the report quotes)."""
    rows = (
        Item.objects.filter(agency=agency, first_published_at__year=year)
        .values("node__name", "node__art20_item")
        .annotate(n=Count("pk"))
        .order_by("node__position")
    )
    return [dict(r) for r in rows]


def close_to_limit(agency_ids: Any, today: date, within: int = 5) -> QuerySet[Item]:
    """Unpublished items whose Art. 26 limit falls within ``within`` working days (or has passed)."""
    horizon = clock.add_working_days(working_calendar(), today, within)
    return (
        Item.objects.filter(
            agency_id__in=agency_ids,
            first_published_at__isnull=True,
            disclosure_mode="proactive",
            publish_due__lte=horizon,
        )
        .exclude(status=Status.WITHDRAWN)
        .select_related("agency")
        .order_by("publish_due")
    )


def late_count(agency: Agency, year: int) -> int:
    """Items first published in ``year`` after their Art. 26 limit (one SQL count)."""
    return Item.objects.filter(
        agency=agency, first_published_at__year=year, first_published_at__date__gt=F("publish_due")
    ).count()
