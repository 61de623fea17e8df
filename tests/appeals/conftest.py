from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gongkai.appeals import services
from gongkai.appeals.models import AppealCase
from gongkai.orgs.models import Role
from tests.factories import staff

TODAY = date(2026, 11, 25)


@pytest.fixture
def office(tree) -> dict[str, Any]:
    province = tree["province"]
    return {
        "agency": province,
        "clerk": staff(province, Role.CLERK),
        "head": staff(province, Role.HEAD),
        "publisher": staff(province, Role.PUBLISHER),
        "supervisor": staff(province, Role.SUPERVISOR),
    }


@pytest.fixture
def make(office):
    counter = iter(range(1, 10_000))

    def make_case(
        kind: str = "reconsideration",
        filed: date = date(2020, 4, 1),
        result: str = "pending",
        concluded: date | None = None,
        *,
        agency=None,
        **data: Any,
    ) -> AppealCase:
        values = {
            "number": f"湘政复〔{filed.year}〕{next(counter)}号",
            "kind": kind,
            "body": "湖南省人民政府" if kind == "reconsideration" else "长沙铁路运输法院",
            "filed_on": filed,
            "result": result,
            "concluded_on": concluded,
            **data,
        }
        return services.appeal_create(agency=agency or office["agency"], data=values, by=office["clerk"])

    return make_case
