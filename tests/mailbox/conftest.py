from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from gongkai.mailbox import services
from gongkai.mailbox.models import Box, BoxKind
from gongkai.orgs.models import Role
from tests.factories import UnitFactory, staff

SHANGHAI = ZoneInfo("Asia/Shanghai")

LETTER = {
    "title": "征地补偿标准咨询",
    "body": "我家在长沙县黄花镇，承包地列入征收范围，请问青苗补偿按什么标准？",
    "writer_name": "张建国",
    "phone": "13807310001",
    "email": "zhang@example.com",
    "agrees_to_publish": True,
}


def at(*args: int) -> datetime:
    """A moment in Beijing time."""
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The daily limits live in the cache, which outlives a test's database transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def office(tree):
    province = tree["province"]
    unit = UnitFactory(agency=province, name="国土空间用途管制处")
    return {
        "agency": province,
        "unit": unit,
        "box": Box.objects.create(agency=province, kind=BoxKind.CONSULTATION, reply_days=10),
        "director": Box.objects.create(
            agency=province, kind=BoxKind.DIRECTOR, name="厅长信箱", reply_days=15
        ),
        "clerk": staff(province, Role.CLERK),
        "head": staff(province, Role.HEAD),
        "officer": staff(province, Role.OFFICER, unit=unit),
        "publisher": staff(province, Role.PUBLISHER),
    }


@pytest.fixture
def write(office):
    """Submit a letter to the consultation box (``box=`` for another box, ``when=`` to backdate it)."""

    def make(box=None, when=None, **changes):
        return services.letter_submit(box=box or office["box"], data={**LETTER, **changes}, at=when)

    return make
