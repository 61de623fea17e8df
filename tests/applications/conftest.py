from __future__ import annotations

from datetime import date

import pytest

from gongkai.applications import services
from gongkai.orgs.models import Role
from tests.factories import UnitFactory, staff

COUNTER_APPLICANT = {
    "applicant_column": "natural_person",
    "applicant_name": "张建国",
    "id_type": "resident_id",
    "id_number": "430121196803150032",
    "phone": "13807310001",
    "address": "湖南省长沙县黄花镇某村",
}


@pytest.fixture
def office(tree):
    province = tree["province"]
    unit = UnitFactory(agency=province, name="耕地保护监督处")
    return {
        "agency": province,
        "unit": unit,
        "clerk": staff(province, Role.CLERK),
        "head": staff(province, Role.HEAD),
        "officer": staff(province, Role.OFFICER, unit=unit),
    }


@pytest.fixture
def register(office):
    def make(received: date = date(2025, 9, 26), channel: str = "in_person", **data):
        return services.application_register(
            agency=office["agency"],
            channel=channel,
            event_date=received,
            applicant=dict(COUNTER_APPLICANT),
            data={"description": "长沙县黄花镇2019年征地批复及征地补偿安置方案", **data},
            by=office["clerk"],
        )

    return make
