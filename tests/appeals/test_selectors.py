"""Section 四 counts: a constructed history, the year-end rule, the key shape, one query, provenance."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.appeals import rules
from gongkai.appeals.models import AppealCase
from gongkai.appeals.selectors import COLUMNS, GROUPS, section4_cases, section4_counts
from gongkai.orgs.models import Agency

pytestmark = pytest.mark.django_db

KEYS = Path("/work/shared/spec/annual-report-keys.json")


def test_key_shape_matches_the_spec(tree):
    counts = section4_counts(tree["province"], 2020)
    assert list(counts) == list(GROUPS)
    assert all(list(cells) == list(COLUMNS) and set(cells.values()) == {0} for cells in counts.values())
    if KEYS.exists():
        spec = json.loads(KEYS.read_text())
        for fmt in ("2019", "2021"):
            assert [g for g, _ in spec[fmt]["section4"]["groups"]] == list(counts)
            assert [c for c, _ in spec[fmt]["section4"]["columns"]] == list(COLUMNS)


@pytest.fixture
def history(make, tree):
    make("reconsideration", date(2019, 12, 20), "upheld", date(2020, 1, 10))  # filed the year before
    make("reconsideration", date(2020, 1, 1), "upheld", date(2020, 2, 20))
    make("reconsideration", date(2020, 3, 2), "corrected", date(2020, 5, 1))
    make("reconsideration", date(2020, 6, 2), "other", date(2020, 6, 30))
    make("reconsideration", date(2020, 12, 1), "upheld", date(2021, 1, 15))  # concluded next year
    make("reconsideration", date(2020, 12, 31), "pending")
    make("litigation_direct", date(2020, 4, 1), "corrected", date(2020, 12, 31))
    make("litigation_direct", date(2020, 9, 1), "other", date(2021, 3, 1))  # concluded next year
    make("litigation_after_reconsideration", date(2020, 7, 7), "upheld", date(2020, 11, 11))
    make("litigation_after_reconsideration", date(2021, 1, 1), "upheld", date(2021, 2, 2))
    make("reconsideration", date(2020, 5, 5), "upheld", date(2020, 6, 6), agency=tree["county_a1"])


def test_counts_of_a_constructed_history(history, tree):
    province = tree["province"]
    assert section4_counts(province, 2020) == {
        "reconsideration": {"upheld": 1, "corrected": 1, "other": 1, "pending": 2, "total": 5},
        "litigation_direct": {"upheld": 0, "corrected": 1, "other": 0, "pending": 1, "total": 2},
        "litigation_after_reconsideration": {
            "upheld": 1,
            "corrected": 0,
            "other": 0,
            "pending": 0,
            "total": 1,
        },
    }
    assert section4_counts(province, 2021)["litigation_after_reconsideration"]["upheld"] == 1
    assert section4_counts(province, 2019)["reconsideration"] == {
        "upheld": 0,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 1,
    }
    # a subtree (queryset), ids, and the county alone
    subtree = Agency.objects.filter(path__startswith=province.path)
    assert section4_counts(subtree, 2020)["reconsideration"]["upheld"] == 2
    assert section4_counts([tree["county_a1"].pk], 2020)["reconsideration"]["total"] == 1
    assert section4_counts(tree["city_b"], 2020)["reconsideration"]["total"] == 0


def test_counts_take_one_query(history, tree):
    with CaptureQueriesContext(connection) as queries:
        section4_counts(Agency.objects.all(), 2020)
    assert len(queries) == 1


def test_each_cell_lists_the_cases_behind_it(history, tree):
    province = tree["province"]
    counts = section4_counts(province, 2020)
    for group in GROUPS:
        for column in COLUMNS:
            assert section4_cases(province, 2020, group, column).count() == counts[group][column]
    late = section4_cases(province, 2020, "reconsideration", "pending")
    assert {c.filed_on for c in late} == {date(2020, 12, 1), date(2020, 12, 31)}
    with pytest.raises(ValueError):
        section4_cases(province, 2020, "reconsideration", "withdrawn")


def test_random_histories_equal_a_direct_count(make, tree):
    rng = random.Random(7)
    cases = []
    for _ in range(60):
        kind = rng.choice(list(GROUPS))
        filed = date(2019, 6, 1) + timedelta(days=rng.randrange(0, 900))
        result = rng.choice(["upheld", "corrected", "other", "pending"])
        concluded = None if result == "pending" else filed + timedelta(days=rng.randrange(0, 400))
        if concluded and concluded > date(2026, 11, 25):
            concluded = filed
        cases.append(make(kind, filed, result, concluded))
    for year in (2019, 2020, 2021, 2022):
        expected = {g: dict.fromkeys(COLUMNS, 0) for g in GROUPS}
        for c in AppealCase.objects.all():
            if c.filed_on.year == year:
                column = rules.result_as_of(c.result, c.concluded_on, date(year, 12, 31))
                expected[c.kind][column] += 1
                expected[c.kind]["total"] += 1
        assert section4_counts(tree["province"], year) == expected
