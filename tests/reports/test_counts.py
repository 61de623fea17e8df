"""Section 三 from the records by SQL aggregates equals a direct count of the same cases, for random
case sets, in both formats; the cases behind each cell are the ones counted."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.applications import outcomes
from gongkai.applications.models import Application
from gongkai.reports import counts, formats

pytestmark = pytest.mark.django_db

COLUMNS = counts.APPLICANT_COLUMNS
BEIJING = ZoneInfo("Asia/Shanghai")

case = st.tuples(
    st.sampled_from(COLUMNS),
    st.dates(min_value=date(2018, 6, 1), max_value=date(2022, 12, 31)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=500)),
    st.sampled_from(outcomes.KEYS),
)


def create(agency, n: int, column: str, received: date, days: int | None, outcome: str) -> Application:
    concluded = None if days is None else received + timedelta(days=days)
    return Application.objects.create(
        agency=agency,
        number=f"T{n:05d}",
        status="processing" if concluded is None else "replied",
        outcome="" if concluded is None else outcome,
        concluded_on=concluded,
        channel="online",
        submitted_at=datetime.combine(received, time(9), tzinfo=BEIJING),
        received_on=received,
        applicant_column=column,
        applicant_name="某申请人",
        description="征地批复",
    )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(case, max_size=40), year=st.sampled_from([2019, 2020, 2021, 2022]))
def test_sql_counts_equal_the_direct_count(tree, cases, year):
    province = tree["province"]
    Application.objects.all().delete()
    facts = []
    for n, (column, received, days, outcome) in enumerate(cases):
        a = create(province, n, column, received, days, outcome)
        facts.append(
            formats.CaseFact(
                column,
                received.year,
                a.concluded_on.year if a.concluded_on else None,
                outcome if a.concluded_on else None,
                n,
            )
        )
    fmt = formats.format_for_year(year)
    built = formats.build(fmt, {"section3": counts.section3_counts([province], year)})
    assert built.section3 == formats.count_cases(facts, year)
    assert all(c.ok for c in formats.check(built))
    for row in ("new_received", "carried_in", "carried_out", "results_total", "disclosed"):
        for column in ("natural_person", "total"):
            assert counts.section3_cases([province], year, row, column).count() == built.section3[row][column]


def test_discarded_submissions_are_not_counted_and_other_agencies_are_not_mixed_in(tree):
    create(tree["province"], 1, "natural_person", date(2021, 3, 1), 10, "disclosed")
    discarded = create(tree["province"], 2, "natural_person", date(2021, 3, 1), None, "")
    Application.objects.filter(pk=discarded.pk).update(status="discarded")
    create(tree["city_a"], 3, "natural_person", date(2021, 3, 1), 10, "disclosed")
    c = counts.section3_counts([tree["province"]], 2021)
    assert c["new_received"] == {"natural_person": 1} and c["disclosed"] == {"natural_person": 1}
    both = counts.section3_counts([tree["province"], tree["city_a"]], 2021)
    assert both["new_received"] == {"natural_person": 2}


def test_2019_format_folds_the_other_reasons(tree):
    create(tree["province"], 1, "legal_service_org", date(2020, 3, 1), 10, "other.no_supplement")
    create(tree["province"], 2, "legal_service_org", date(2021, 3, 1), 10, "other.no_supplement")
    assert counts.section3_counts([tree["province"]], 2020)["other"] == {"legal_service_org": 1}
    assert counts.section3_counts([tree["province"]], 2021)["other.no_supplement"] == {"legal_service_org": 1}


def test_section3_is_one_query(tree, django_assert_num_queries):
    create(tree["province"], 1, "natural_person", date(2021, 3, 1), 10, "disclosed")
    with django_assert_num_queries(1):
        counts.section3_counts([tree["province"]], 2021)
