"""The demonstration ledgers and reports: the seed's 2020 figures, both formats, carry-over continuity."""

from __future__ import annotations

from io import StringIO

import pytest

from gongkai.orgs import demo as orgs_demo
from gongkai.orgs.models import Agency
from gongkai.reports import demo, services
from gongkai.reports.models import Stage

pytestmark = pytest.mark.django_db


def test_demo_reports() -> None:
    orgs_demo.load(StringIO())
    demo.load(StringIO())
    demo.load(StringIO())  # idempotent
    from gongkai.reports.models import AnnualReport

    assert AnnualReport.objects.count() == 4  # 2020, 2021, 2025 of the province; 2025 of 长沙
    province = Agency.objects.get(code="430S00")
    r2020, r2021 = services.published(province, 2020), services.published(province, 2021)
    assert r2020 is not None and r2021 is not None
    assert (r2020.format, r2021.format, r2020.stage) == ("2019", "2021", Stage.PUBLISHED)
    d2020, d2021 = services.to_json(r2020), services.to_json(r2021)
    assert d2020["section3"]["new_received"] == {
        "natural_person": 640,
        "commercial_enterprise": 30,
        "research_institution": 1,
        "public_interest_org": 0,
        "legal_service_org": 15,
        "other_org": 3,
        "total": 689,
    }
    assert all(c["ok"] for c in d2020["checks"]) and all(c["ok"] for c in d2021["checks"])
    assert d2021["section3"]["carried_in"] == d2020["section3"]["carried_out"]
    assert d2020["section3"]["carried_out"]["total"] > 0
    assert "section2.art20_9.procurement.amount_yuan" in d2020["extras"]["adjusted_cells"]
