"""The demonstration cases load through the services, once, with the counts the 2020/2021 reports need."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest

from gongkai.appeals import demo
from gongkai.appeals.models import AppealCase
from gongkai.appeals.selectors import section4_counts
from gongkai.core.models import AuditEvent
from gongkai.orgs import demo as orgs_demo
from gongkai.orgs.models import Agency
from tests.appeals.helpers import application

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_links_applications():
    orgs_demo.load(StringIO())
    province = Agency.objects.get(code="430S00")
    earlier = application(province, "430S00-2020-00003", date(2020, 2, 20), status="replied")
    assert demo.load(StringIO()) == []
    cases, events = AppealCase.objects.count(), AuditEvent.objects.count()
    demo.load(StringIO())
    assert AppealCase.objects.count() == cases and AuditEvent.objects.count() == events
    mine = AppealCase.objects.filter(agency=province)
    assert {c.filed_on.year for c in mine} == {2020, 2021}
    assert {c.kind for c in mine} == {
        "reconsideration",
        "litigation_direct",
        "litigation_after_reconsideration",
    }
    assert {c.result for c in mine} == {"upheld", "corrected", "other"}
    assert mine.filter(related__isnull=False).count() == 2
    assert mine.get(number="湘政复〔2020〕58号").application == earlier
    assert AppealCase.objects.filter(agency__code="4301S0").count() == 2
    y2020 = section4_counts(province, 2020)
    assert y2020["reconsideration"] == {"upheld": 1, "corrected": 1, "other": 0, "pending": 1, "total": 3}
    assert section4_counts(province, 2021)["litigation_direct"]["pending"] == 1


def test_demo_adds_an_open_case_about_a_recent_application():
    from django.utils import timezone

    orgs_demo.load(StringIO())
    province = Agency.objects.get(code="430S00")
    recent = application(province, "430S00-2026-00001", timezone.localdate() - timedelta(days=60), "replied")
    demo.load(StringIO())
    case = AppealCase.objects.get(application=recent)
    assert case.is_pending and not case.is_overdue(timezone.localdate())
