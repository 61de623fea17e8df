from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from gongkai.land import services
from gongkai.land.models import Place, PlaceLevel
from gongkai.orgs.models import Role
from tests.factories import staff


@pytest.fixture
def places(tree) -> dict[str, Place]:
    services.ensure_requirements()
    made: dict[str, Place] = {}
    province = services.place_ensure(code="430000", name="湖南省", level=PlaceLevel.PROVINCE, parent=None)
    made["cs"] = services.place_ensure(code="430100", name="长沙市", level=PlaceLevel.CITY, parent=province)
    made["zz"] = services.place_ensure(code="430200", name="株洲市", level=PlaceLevel.CITY, parent=province)
    made["csx"] = services.place_ensure(
        code="430121", name="长沙县", level=PlaceLevel.COUNTY, parent=made["cs"]
    )
    made["ly"] = services.place_ensure(
        code="430181", name="浏阳市", level=PlaceLevel.COUNTY, parent=made["cs"]
    )
    made["ll"] = services.place_ensure(
        code="430281", name="醴陵市", level=PlaceLevel.COUNTY, parent=made["zz"]
    )
    made["yongan"] = services.place_ensure(
        code="430181104", name="永安镇", level=PlaceLevel.TOWNSHIP, parent=made["ly"], local=True
    )
    made["yonganc"] = services.place_ensure(
        code="430181104200", name="永安村", level=PlaceLevel.VILLAGE, parent=made["yongan"], local=True
    )
    made["xiangfeng"] = services.place_ensure(
        code="430181104201", name="湘丰村", level=PlaceLevel.VILLAGE, parent=made["yongan"], local=True
    )
    made["huanghua"] = services.place_ensure(
        code="430121104", name="黄花镇", level=PlaceLevel.TOWNSHIP, parent=made["csx"], local=True
    )
    made["huanghuac"] = services.place_ensure(
        code="430121104200", name="黄花村", level=PlaceLevel.VILLAGE, parent=made["huanghua"], local=True
    )
    return made


@pytest.fixture
def make_project(tree, places):
    def make(agency_key: str = "county_a2", county: str = "ly", at: list[str] | None = None, **data: Any):
        values = {
            "name": data.pop("name", "浏阳市2025年第2批次"),
            "approval_number": data.pop("approval_number", ""),
            "approval_date": data.pop("approval_date", date(2025, 10, 20)),
            "area_ha": Decimal("15.2"),
            "farmland_ha": Decimal("8.7"),
            "purpose": "产业园区道路",
            "county": places[county],
            **data,
        }
        return services.project_create(
            agency=tree[agency_key], data=values, places=[places[k] for k in (at or ["yonganc"])], by=None
        )

    return make


@pytest.fixture
def county_staff(tree):
    return {
        "ly": staff(tree["county_a2"], Role.CLERK),
        "csx": staff(tree["county_a1"], Role.CLERK),
        "province": staff(tree["province"], Role.HEAD, Role.SUPERVISOR),
    }
