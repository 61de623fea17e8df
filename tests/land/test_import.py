# ruff: noqa: E501  (spreadsheet rows are clearer on one line)
"""Import of projects and their documents: per-row Chinese errors, dry run, no duplicates on re-import;
linking an application shows the applicant what is already disclosed."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.applications.models import Application
from gongkai.land import batch, services
from gongkai.land.models import ExpropriationProject, Place
from tests.appeals.helpers import application
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db

HEAD = "项目名称,批准文号,批准日期,收到批准文件日期,批准机关,县市区代码,乡镇,村,征收面积（公顷）,其中耕地（公顷）,征收目的,征收土地公告发布日期,征收土地公告公开日期\n"
GOOD = (
    HEAD
    + "浏阳市2024年第1批次,湘政土批〔2024〕9号,2024-03-04,2024-03-06,省人民政府,430181,永安镇,永安村、新村,3.5,1.2,学校建设,2024-03-20,2024/3/21\n"
    + "浏阳市2024年第2批次,,2024年5月6日,,国务院,430181,淳口镇,,40,36,铁路,,\n"
)


def test_import_creates_projects_places_and_documents_then_skips_them(tree, places, tmp_path):
    path = tmp_path / "land.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("land", "import", str(path), "--agency", tree["county_a2"].code, "--dry-run")
    assert ExpropriationProject.objects.count() == 0
    call_command("land", "import", str(path), "--agency", tree["county_a2"].code)
    first = ExpropriationProject.objects.get(name="浏阳市2024年第1批次")
    assert [p.name for p in first.places.all()] == ["永安村", "新村"]
    new_village = Place.objects.get(name="新村")
    assert (
        new_village.is_local_code and new_village.code.startswith("430181104") and len(new_village.code) == 12
    )
    notice = first.disclosures.get(requirement__key="expropriation_notice")
    assert (notice.issued_on, notice.published_on) == (date(2024, 3, 20), date(2024, 3, 21))
    second = ExpropriationProject.objects.get(name="浏阳市2024年第2批次")
    assert second.approving_authority == "state_council" and second.places.get().name == "淳口镇"
    call_command("land", "import", str(path), "--agency", tree["county_a2"].code)
    assert ExpropriationProject.objects.count() == 2


def test_import_errors_by_row_and_column_and_nothing_written(tree, places):
    bad = (
        HEAD
        + "甲,,2024-13-01,,省人民政府,430181,,,3,4,道路,,\n"
        + "乙,,2024-03-01,2024-02-01,市政府,430121,,某村,x,,学校,,\n"
        + ",,,,,,,,,,,,\n"
    )
    result = batch.import_file(name="bad.csv", data=bad.encode(), agency=tree["county_a2"], by=None)
    assert ExpropriationProject.objects.count() == 0 and result.created == 0
    text = "\n".join(result.errors)
    assert "第2行“批准日期”" in text and "第2行“其中耕地（公顷）”：不能大于征收面积" in text
    assert "第3行“收到批准文件日期”：不能早于批准日期" in text and "第3行“批准机关”" in text
    assert "第3行“县市区代码”：长沙县不在浏阳市自然资源局的辖区内" in text
    assert "第3行“征收面积（公顷）”" in text and "第3行“村”" in text
    with pytest.raises(CommandError):
        call_command("land", "import", "/nonexistent.csv", "--agency", tree["county_a2"].code)


def test_missing_columns_and_wrong_file_type(tree, places):
    r = batch.import_file(name="x.csv", data="项目名称\n甲\n".encode(), agency=tree["county_a2"], by=None)
    assert r.errors and "缺少列" in r.errors[0]
    r = batch.import_file(name="x.xls", data=b"junk", agency=tree["county_a2"], by=None)
    assert r.errors and ".xls" in r.errors[0]


def test_linked_application_shows_the_applicant_what_is_disclosed(client, tree, make_project):
    project = make_project()
    d = project.disclosures.get(requirement__key="expropriation_notice")
    services.disclosure_update(
        disclosure=d, data={"issued_on": date(2025, 10, 22), "published_on": date(2025, 10, 23)}, by=None
    )
    app = application(tree["county_a2"], "LY-2026-001")
    owner = ApplicantFactory()
    Application.objects.filter(pk=app.pk).update(account=owner.account)
    services.link_application(application=app, project=project, by=None)
    client.force_login(owner.account)
    body = client.get(f"/accounts/applications/{app.public_id}/").content.decode()
    assert "与您的申请有关的已公开征地信息" in body and project.name in body and "征收土地公告" in body
    other = application(tree["county_b1"], "LL-2026-001")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.link_application(application=other, project=project, by=None)
