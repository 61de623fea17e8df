"""The demonstration records load through the services, deterministically and only once."""

from __future__ import annotations

from io import StringIO

import pytest

from gongkai.core.models import AuditEvent
from gongkai.credit import demo, services
from gongkai.credit.models import Decision, Kind, Status
from gongkai.orgs import demo as orgs_demo
from gongkai.orgs.models import Agency

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple[str, str, str, str]]:
    return sorted(
        (d.agency.code, d.kind, d.number, d.status) for d in Decision.objects.select_related("agency")
    )


def test_demo_is_idempotent_and_covers_every_kind_and_status() -> None:
    orgs_demo.load(StringIO())
    assert demo.load(StringIO()) == []
    first, events = snapshot(), AuditEvent.objects.count()
    demo.load(StringIO())
    assert snapshot() == first and AuditEvent.objects.count() == events
    province = Agency.objects.get(code="430S00")
    mine = Decision.objects.filter(agency=province)
    assert mine.count() >= 30
    assert {d.kind for d in mine} == set(Kind.values)
    assert {d.status for d in mine} == set(Status.values)
    assert {d.decision_date.year for d in mine} == {2024, 2025, 2026}
    assert mine.filter(party_type="natural").exists()
    assert Decision.objects.filter(agency__code="4301S0").count() >= 4
    counts = services.decision_counts(province, 2025)
    assert counts["licensing"] >= 3 and counts["penalty"] >= 3 and counts["coercion"] >= 1
    # Published a few days after the decision, as a real office would: not overdue.
    published = mine.filter(status=Status.PUBLISHED)
    assert not any(services.is_overdue(d, d.decision_date) for d in published)
