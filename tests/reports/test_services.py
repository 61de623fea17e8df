"""The report's life: draft with the default sub-headings, hand-entered cells with reasons, checks that
block review until fixed or explained, publication freezes it, a correction is a new version."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Role
from gongkai.reports import services
from gongkai.reports.models import Stage
from tests.factories import staff
from tests.reports.test_counts import create

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree):
    province = tree["province"]
    create(province, 1, "natural_person", date(2020, 11, 2), None, "")  # open at the end of 2020
    create(province, 2, "natural_person", date(2021, 3, 1), 10, "disclosed")
    create(province, 3, "commercial_enterprise", date(2021, 4, 1), 30, "partially_disclosed")
    return province, staff(province, Role.HEAD)


def test_draft_has_the_default_subheadings_and_figures_from_records(setup):
    province, head = setup
    report = services.draft(agency=province, year=2021, by=head)
    assert report.format == "2021" and "（一）主动公开" in report.section1
    data = services.to_json(report)
    assert data["section3"]["new_received"]["total"] == 2
    assert data["section3"]["carried_in"]["natural_person"] == 1
    assert data["section3"]["partially_disclosed"]["commercial_enterprise"] == 1
    assert services.draft(agency=province, year=2021, by=head) == report


def test_hand_entered_cells_need_a_reason_and_are_audited(setup):
    province, head = setup
    report = services.draft(agency=province, year=2021, by=head)
    with pytest.raises(ValidationError):
        services.enter_cell(
            report=report, path="section2.art20_8.fees.amount_10k_yuan", value="0.0400", reason="", by=head
        )
    services.enter_cell(
        report=report,
        path="section2.art20_8.fees.amount_10k_yuan",
        value="0.0400",
        reason="财务处提供的收费统计",
        by=head,
    )
    with pytest.raises(ValidationError, match="单元格"):
        services.enter_cell(
            report=report, path="section3.nonsense.natural_person", value="1", reason="x", by=head
        )
    data = services.to_json(report)
    assert data["section2"]["art20_8"]["fees"]["amount_10k_yuan"] == 0.04
    assert services.extras(report)["adjusted_cells"] == ["section2.art20_8.fees.amount_10k_yuan"]
    assert AuditEvent.objects.filter(verb="report.cell").count() == 1


def test_a_failing_check_blocks_review_until_fixed_or_explained(setup):
    province, head = setup
    report = services.draft(agency=province, year=2021, by=head)
    # an adjusted cell that breaks the balance of the 自然人 column
    services.enter_cell(
        report=report,
        path="section3.withheld.state_secret.natural_person",
        value="2",
        reason="按纸质台账补录",
        by=head,
    )
    with pytest.raises(ValidationError, match="校验未通过"):
        services.review(report=report, by=head)
    failing = services.blocking(report)
    assert {c.rule for c in failing} >= {"balance:natural_person"}
    for c in failing:
        services.explain(report=report, rule=c.rule, text="两件申请为合并办理，已向上级说明", by=head)
    services.review(report=report, by=head)
    published = services.publish(report=report, by=head)
    assert published.stage == Stage.PUBLISHED and published.snapshot["section3"]["withheld.state_secret"]
    with pytest.raises(ValidationError, match="已发布"):
        services.save_text(report=published, by=head, section5="改一改")


def test_publication_freezes_and_a_correction_is_a_new_version(setup):
    province, head = setup
    report = services.draft(agency=province, year=2021, by=head)
    services.save_text(report=report, by=head, section5="无")
    services.review(report=report, by=head)
    report = services.publish(report=report, by=head)
    create(province, 9, "natural_person", date(2021, 5, 1), 5, "disclosed")  # found later
    assert services.to_json(report)["section3"]["new_received"]["total"] == 2  # frozen
    new = services.correct(report=report, note="补录漏登的 1 件申请", by=head)
    assert new.version == 2 and new.stage == Stage.DRAFT
    assert services.to_json(new)["section3"]["new_received"]["total"] == 3
    assert services.published(province, 2021) == report


def test_carry_over_is_checked_against_last_year(setup):
    province, head = setup
    report = services.draft(agency=province, year=2021, by=head)
    assert all(c["ok"] for c in services.to_json(report)["checks"] if c["rule"].startswith("carry_over"))


def test_cli_writes_json(setup):
    out = io.StringIO()
    call_command("report", "annual", "--agency", "430S00", "--year", "2021", stdout=out)
    data = json.loads(out.getvalue())
    assert data["format"] == "2021" and data["agency"]["code"] == "430S00"
    assert data["section3"]["results_total"]["total"] == 2
    out = io.StringIO()
    call_command("report", "annual", "--agency", "430S00", "--year", "2020", "--check", stdout=out)
    assert "balance:natural_person" in out.getvalue()
