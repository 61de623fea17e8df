"""The demonstration letters: idempotent, deterministic, and shaped like the real work."""

from __future__ import annotations

from io import StringIO

import pytest
from django.utils import timezone

from gongkai.mailbox import demo, services
from gongkai.mailbox.models import Box, Letter
from gongkai.mailbox.rules import OPEN, Status
from gongkai.orgs import demo as orgs_demo
from gongkai.orgs.models import Agency

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple]:
    return list(
        Letter.objects.order_by("submitted_at", "id").values_list(
            "box__agency__code", "box__kind", "title", "submitted_on", "status", "query_code", "published"
        )
    )


def test_demo_is_idempotent_and_deterministic():
    orgs_demo.load(StringIO())
    demo.load(StringIO())
    first = _snapshot()
    assert 70 <= len(first) <= 90
    assert Box.objects.filter(agency__code="430S00").count() == 3
    assert Box.objects.filter(agency__code="4301S0").count() == 2
    demo.load(StringIO())  # again: nothing new
    assert _snapshot() == first and Box.objects.count() == 5
    # From scratch again: the same letters.
    Letter.objects.all().delete()
    demo.load(StringIO())
    assert _snapshot() == first


def test_demo_letters_look_like_the_work():
    orgs_demo.load(StringIO())
    out = StringIO()
    demo.load(out)
    assert "演示查询码" in out.getvalue()
    letters = Letter.objects.all()
    replied = letters.filter(status=Status.REPLIED)
    assert replied.count() > letters.count() * 0.7
    on_time = [letter for letter in replied if letter.replied_on <= letter.due_on]
    assert len(on_time) > replied.count() * 0.85
    assert letters.filter(published=True).count() > 20
    assert not letters.filter(published=True, agrees_to_publish=False).exists()
    assert 3 <= letters.filter(status__in=list(OPEN)).count() <= 15
    today = timezone.localdate()
    assert letters.filter(status__in=list(OPEN), due_on__lt=today).exists()  # something overdue to show
    assert (
        letters.filter(title__contains="征地").exists() and letters.filter(title__contains="不动产").exists()
    )
    assert letters.filter(body__contains="矿").exists()
    # Published questions carry no signature with a telephone number.
    assert not letters.filter(published=True, published_question__contains="联系电话").exists()
    province = Agency.objects.get(code="430S00")
    assert services.counts(province, today.year).received > 0
