"""The demonstration library: every state, relations, a clean-up; idempotent; its report figures."""

from __future__ import annotations

from io import StringIO

import pytest

from gongkai.normative import demo, selectors
from gongkai.normative.lifecycle import Status
from gongkai.normative.models import Cleanup, Document, DocumentRelation
from gongkai.orgs import demo as orgs_demo
from gongkai.orgs.models import Agency

pytestmark = pytest.mark.django_db


def test_demo_library() -> None:
    orgs_demo.load(StringIO())
    demo.load(StringIO())
    first = sorted(Document.objects.values_list("document_number", "status"))
    demo.load(StringIO())
    assert sorted(Document.objects.values_list("document_number", "status")) == first
    province = Agency.objects.get(code="430S00")
    mine = Document.objects.filter(agency=province)
    assert {d.status for d in mine} == set(Status)  # every state is shown somewhere
    assert DocumentRelation.objects.filter(kind="replaces").count() >= 5
    assert Cleanup.objects.get().applied_at is not None
    assert Document.objects.filter(agency__code="4301S0").count() == 3
    # the figures of section 二 (一) (2021 format columns), as quoted in the closing note
    figures = {
        year: {
            k: v
            for k, v in selectors.section2_counts([province], year)["normative_documents"].items()
            if k in ("issued", "repealed", "in_force")
        }
        for year in (2020, 2021)
    }
    assert figures == {
        2020: {"issued": 5, "repealed": 1, "in_force": 10},
        2021: {"issued": 4, "repealed": 5, "in_force": 10},
    }
    # every repealed or expired document that was superseded links to its replacement
    replaced = Document.objects.filter(relations_in__kind="replaces").distinct()
    assert all(selectors.replacement(d) is not None for d in replaced)
