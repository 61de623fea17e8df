"""Writes through the services (each audited with who and why), the database constraints, and access."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from gongkai.appeals import access, services
from gongkai.appeals.models import AppealCase
from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Role
from tests.appeals.conftest import TODAY
from tests.appeals.helpers import application
from tests.factories import UnitFactory, applicant_account, staff
from tests.upload_samples import PDF

pytestmark = pytest.mark.django_db


def events(case):
    return list(
        AuditEvent.objects.filter(object_type="appeals.appealcase", object_id=str(case.pk)).order_by("id")
    )


def test_create_links_the_application_and_is_audited(office, make):
    app = application(office["agency"], "430S00-2020-00001", date(2020, 2, 3))
    case = make(application_number=app.number, summary="对答复不服")
    assert case.application == app and case.created_by == office["clerk"] and case.result == "pending"
    [event] = events(case)
    assert event.verb == "appeals.create" and event.actor == office["clerk"] and event.reason == "录入案件"
    assert event.data["application"] == app.number and event.agency == office["agency"]


def test_create_checks_in_chinese(office, make, tree):
    other = application(tree["city_a"], "4301S0-2020-00001")
    make(number="湘政复〔2020〕1号")
    with pytest.raises(ValidationError) as err:
        make(
            number="湘政复〔2020〕1号",
            kind="仲裁",
            body="",
            application_number=other.number,
            result="upheld",
            concluded=None,
        )
    errors = err.value.message_dict
    assert "本机关已有编号" in errors["number"][0]
    assert "类型“仲裁”无效" in errors["kind"][0]
    assert errors["body"] == ["请填写复议机关或人民法院。"]
    assert "本机关没有编号为" in errors["application_number"][0]
    assert "必须填写结案日期" in errors["concluded_on"][0]
    with pytest.raises(ValidationError, match="不能早于立案日期"):
        make(result="upheld", concluded=date(2020, 3, 1))
    with pytest.raises(ValidationError, match="早于关联申请的收到日期"):
        make(application_number=application(office["agency"], "A-2", date(2020, 5, 1)).number)


def test_litigation_after_reconsideration_links_its_reconsideration(office, make):
    first = make(filed=date(2020, 3, 1), result="upheld", concluded=date(2020, 4, 20))
    later = make("litigation_after_reconsideration", filed=date(2020, 5, 6), related_number=first.number)
    assert later.related == first and list(first.later_cases.all()) == [later]
    with pytest.raises(ValidationError, match="只有“复议后起诉”的案件可以关联"):
        make("litigation_direct", related_number=first.number)
    with pytest.raises(ValidationError, match=r"没有编号为.*的行政复议案件"):
        make("litigation_after_reconsideration", related_number=later.number)


def test_update_needs_a_reason_and_records_what_changed(office, make):
    case = make()
    with pytest.raises(ValidationError, match="请填写修改原因"):
        services.appeal_update(case, data={}, by=office["head"], reason=" ")
    data = {"number": case.number, "kind": "reconsideration", "body": "自然资源部", "filed_on": case.filed_on}
    case = services.appeal_update(case, data=data, by=office["head"], reason="复议机关录错", today=TODAY)
    assert case.body == "自然资源部" and case.version == 2 and case.updated_by == office["head"]
    event = events(case)[-1]
    assert event.verb == "appeals.update" and event.reason == "复议机关录错"
    assert event.data["changed"] == {"body": ["湖南省人民政府", "自然资源部"]}
    with pytest.raises(services.StaleCase):
        services.appeal_update(case, data=data, by=office["head"], reason="再改", version=1)


def test_conclude_and_correct(office, make):
    case = make(filed=date(2020, 4, 1))
    with pytest.raises(ValidationError, match="请选择结果"):
        services.appeal_conclude(case, result="pending", concluded_on=None, by=office["clerk"])
    with pytest.raises(ValidationError, match="必须填写结案日期"):
        services.appeal_conclude(case, result="upheld", concluded_on=None, by=office["clerk"])
    case = services.appeal_conclude(case, result="upheld", concluded_on=date(2020, 6, 1), by=office["clerk"])
    assert (case.result, case.concluded_on) == ("upheld", date(2020, 6, 1))
    assert events(case)[-1].verb == "appeals.conclude" and events(case)[-1].reason == "登记结果：维持"
    with pytest.raises(ValidationError, match="更正已登记的结果时请填写原因"):
        services.appeal_conclude(case, result="corrected", concluded_on=date(2020, 6, 1), by=office["head"])
    case = services.appeal_conclude(
        case, result="pending", concluded_on=date(2020, 6, 1), by=office["head"], reason="误登记"
    )
    assert (case.result, case.concluded_on) == ("pending", None)
    last = events(case)[-1]
    assert last.verb == "appeals.correct_result" and last.data["from"] == ["upheld", "2020-06-01"]


def test_attach_checks_the_content(office, make, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongkai.core.uploads import UploadRejected

    settings.MEDIA_ROOT = tmp_path
    case = make()
    pdf = SimpleUploadedFile("决定书.pdf", PDF, content_type="application/pdf")
    doc = services.document_attach(case, upload=pdf, kind="decision", by=office["clerk"])
    assert doc.name == "决定书.pdf" and doc.content_type == "application/pdf"
    assert doc.file.name.startswith("private/appeals/") and "决定书" not in doc.file.name
    assert events(case)[-1].verb == "appeals.attach"
    with pytest.raises(UploadRejected):
        services.document_attach(
            case, upload=SimpleUploadedFile("x.pdf", b"<html>"), kind="other", by=office["clerk"]
        )


# --- constraints ----------------------------------------------------------------------------------


def _row(agency, **fields):
    values = {
        "agency": agency,
        "number": "N1",
        "kind": "reconsideration",
        "body": "湖南省人民政府",
        "filed_on": date(2020, 5, 1),
        **fields,
    }
    with transaction.atomic():
        return AppealCase.objects.create(**values)


@pytest.mark.parametrize(
    "fields",
    [
        {"result": "upheld"},  # concluded without a date
        {"result": "pending", "concluded_on": date(2020, 6, 1)},
        {"result": "upheld", "concluded_on": date(2020, 4, 30)},  # before filing
        {"kind": "arbitration"},
        {"result": "dismissed", "concluded_on": date(2020, 6, 1)},
    ],
)
def test_database_refuses_inconsistent_rows(tree, fields):
    with pytest.raises(IntegrityError):
        _row(tree["province"], **fields)


def test_database_numbers_unique_per_agency_and_links_only_after_reconsideration(tree):
    first = _row(tree["province"])
    _row(tree["city_a"])  # the same number in another agency
    with pytest.raises(IntegrityError):
        _row(tree["province"])
    with pytest.raises(IntegrityError):
        _row(tree["province"], number="N2", kind="litigation_direct", related=first)
    _row(tree["province"], number="N3", kind="litigation_after_reconsideration", related=first)


# --- access ---------------------------------------------------------------------------------------


def test_access(office, make, tree):
    case = make()
    county_case = make(agency=tree["county_a1"])
    officer = staff(office["agency"], Role.OFFICER, unit=UnitFactory(agency=office["agency"]))
    for user in (office["clerk"], office["head"], officer, staff(office["agency"], Role.ADMIN)):
        assert access.get_case(user, case.public_id, change=True) == case
    # reading only: other roles of the agency, supervisors above
    assert access.get_case(office["publisher"], case.public_id) == case
    with pytest.raises(Http404):
        access.get_case(office["publisher"], case.public_id, change=True)
    assert access.get_case(office["supervisor"], county_case.public_id) == county_case
    with pytest.raises(Http404):
        access.get_case(office["supervisor"], county_case.public_id, change=True)
    # another county, a public account, nobody: 404
    other_county = staff(tree["county_a2"], Role.CLERK, Role.HEAD)
    for user in (other_county, applicant_account(), None):
        with pytest.raises(Http404):
            access.get_case(user, county_case.public_id)
    assert list(access.scope(other_county, AppealCase.objects.all())) == []
    assert set(access.scope(office["supervisor"], AppealCase.objects.all())) == {case, county_case}
    assert access.changeable_agencies(office["supervisor"]) == []
