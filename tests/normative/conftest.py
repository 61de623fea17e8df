from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gongkai.normative import services
from gongkai.normative.models import Document, Kind, NumberingScheme
from gongkai.orgs.models import Agency, Role
from tests.factories import staff


@pytest.fixture
def province(tree: dict[str, Agency]) -> Agency:
    agency = tree["province"]
    NumberingScheme.objects.create(
        agency=agency, kind=Kind.NORMATIVE, document_prefix="湘自然资规", registration_prefix="HNZRZY"
    )
    NumberingScheme.objects.create(
        agency=agency, kind=Kind.RULE, document_prefix="湖南省人民政府令", registration_prefix="HNGZ"
    )
    return agency


@pytest.fixture
def clerk(province: Agency) -> Any:
    return staff(province, Role.CLERK, Role.PUBLISHER)


def make(
    agency: Agency,
    by: Any,
    title: str = "湖南省自然资源厅关于规范征地信息公开工作的通知",
    *,
    formed_on: date = date(2020, 3, 1),
    published_on: date | None = date(2020, 3, 5),
    effective_on: date | None = None,
    expires_on: date | None = None,
    kind: str = Kind.NORMATIVE,
    year: int | None = None,
    **extra: Any,
) -> Document:
    """A document taken through drafting, legality review, registration and (optionally) publication."""
    data = {
        "title": title,
        "kind": kind,
        "formed_on": formed_on,
        "effective_on": effective_on,
        "expires_on": expires_on,
        "legality_reviewed_on": formed_on,
        "legality_review_note": "经审核，合法",
        **extra,
    }
    doc = services.create(agency=agency, data=data, by=by)
    doc = services.register(document=doc, by=by, year=year or formed_on.year)
    if published_on is not None:
        doc = services.publish(document=doc, by=by, published_on=published_on)
    return doc
