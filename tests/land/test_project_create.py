"""Creating an expropriation project through the staff form: who may, the checks, the checklist, the audit
entry, and a refused form that comes back as typed."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.land.models import ExpropriationProject, Place
from gongkai.orgs.models import Role
from tests.factories import staff

pytestmark = pytest.mark.django_db

URL = "/staff/land/new/"


def _data(tree, places, **changes):
    return {
        "agency": tree["county_a2"].pk,
        "name": "浏阳市2026年第3批次",
        "kind": "batch",
        "approving_authority": "province",
        "approval_number": "湘政地〔2026〕88号",
        "approval_date": "2026-03-02",
        "approval_received_date": "2026/3/5",
        "regime": "",
        "county": places["ly"].pk,
        "township": "永安镇",
        "villages": "永安村、新塘村",
        "village_groups": "一组、二组",
        "area_ha": "12.5",
        "farmland_ha": "3.25",
        "purpose": "浏阳经开区道路",
        **changes,
    }


def test_the_list_links_to_the_form_for_those_who_may_create(client, tree, county_staff):
    client.force_login(county_staff["ly"])
    body = client.get(reverse("land_staff:list")).content.decode()
    assert URL in body and "新建征地项目" in body
    client.force_login(staff(tree["county_a2"], Role.REVIEWER))  # may read, may not change
    assert URL not in client.get(reverse("land_staff:list")).content.decode()


def test_a_clerk_creates_a_project_with_its_checklist_and_an_audit_entry(client, tree, places, county_staff):
    client.force_login(county_staff["ly"])
    form = client.get(URL)
    assert form.status_code == 200 and "项目（批次）名称" in form.content.decode()
    r = client.post(URL, _data(tree, places))
    project = ExpropriationProject.objects.get(name="浏阳市2026年第3批次")
    assert r.status_code == 302 and r["Location"] == reverse("land_staff:detail", args=[project.pk])
    assert project.agency == tree["county_a2"] and project.county == places["ly"]
    assert project.city_agency == tree["city_a"]  # the county's city, as the import does
    assert project.regime == "reg2021" and str(project.approval_received_date) == "2026-03-05"
    assert {p.name for p in project.places.all()} == {"永安村", "新塘村"}
    assert Place.objects.get(name="新塘村").is_local_code  # an unknown village gets a local code
    assert project.disclosures.count() > 0  # the checklist of its regime
    event = AuditEvent.objects.get(verb="land.project_create", object_id=str(project.pk))
    assert event.actor == county_staff["ly"] and event.agency == tree["county_a2"]
    assert event.data == {"name": "浏阳市2026年第3批次", "via": "form"}
    assert "浏阳市2026年第3批次" in client.get(r["Location"]).content.decode()


def test_a_refused_project_form_keeps_everything_typed(client, tree, places, county_staff):
    client.force_login(county_staff["ly"])
    r = client.post(
        URL,
        _data(tree, places, farmland_ha="20", approval_received_date="2026-02-30", area_ha="十二"),
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert "“2026-02-30”不是有效日期（没有这一天）。" in body and "输入一个数字。" in body
    assert 'value="浏阳市2026年第3批次"' in body and 'value="永安村、新塘村"' in body
    assert 'value="十二"' in body and 'value="湘政地〔2026〕88号"' in body
    # the rules of the service: the farmland larger than the area, a county outside the agency
    r = client.post(URL, _data(tree, places, farmland_ha="20"))
    assert r.status_code == 400 and "耕地面积不能大于征收面积。" in r.content.decode()
    r = client.post(URL, _data(tree, places, county=places["ll"].pk))
    assert r.status_code == 400 and "醴陵市不在浏阳市自然资源局的辖区内。" in r.content.decode()
    r = client.post(URL, _data(tree, places, township="", villages="永安村"))
    assert r.status_code == 400 and "填写村时须同时填写乡镇。" in r.content.decode()
    r = client.post(URL, _data(tree, places, withheld="on"))
    assert r.status_code == 400 and "不予公开的项目须写明理由和依据。" in r.content.decode()
    assert not ExpropriationProject.objects.exists()
    assert not AuditEvent.objects.filter(verb="land.project_create").exists()
    assert not Place.objects.filter(name="新塘村").exists()  # nothing of a refused form is kept


def test_the_same_name_or_approval_number_twice_is_refused(client, tree, places, county_staff, make_project):
    make_project(name="浏阳市2026年第3批次")
    client.force_login(county_staff["ly"])
    r = client.post(URL, _data(tree, places))
    assert r.status_code == 400 and "本机关已有名为“浏阳市2026年第3批次”的项目。" in r.content.decode()
    make_project(name="另一批次", approval_number="湘政地〔2026〕99号")
    r = client.post(URL, _data(tree, places, name="新批次", approval_number="湘政地〔2026〕99号"))
    assert r.status_code == 400 and "已登记在另一个项目中" in r.content.decode()
    assert ExpropriationProject.objects.count() == 2


def test_a_clerk_of_another_county_gets_404_and_the_refusal_is_logged(
    client, tree, places, county_staff, caplog
):
    client.force_login(county_staff["csx"])  # 长沙县's clerk names 浏阳市's agency
    with caplog.at_level(logging.WARNING, logger="gongkai.access"):
        r = client.post(URL, _data(tree, places))
    assert r.status_code == 404 and any(rec.name == "gongkai.access" for rec in caplog.records)
    assert not ExpropriationProject.objects.exists()
    # the supervisor above and a reviewer read projects but may create none
    for who in (staff(tree["city_a"], Role.SUPERVISOR), staff(tree["county_a2"], Role.REVIEWER)):
        client.force_login(who)
        assert client.get(URL).status_code == 404
        assert client.post(URL, _data(tree, places)).status_code == 404
    assert not ExpropriationProject.objects.exists()


def test_someone_with_two_agencies_chooses_one(client, tree, places):
    both = staff(tree["county_a2"], Role.CLERK)
    from gongkai.orgs.models import Membership

    Membership.objects.create(user=both, agency=tree["county_a1"], role=Role.PUBLISHER)
    client.force_login(both)
    body = client.get(URL, {"agency": tree["county_a1"].code}).content.decode()
    assert '<select name="agency"' in body and "长沙县自然资源局" in body
    r = client.post(
        URL,
        _data(tree, places, agency=tree["county_a1"].pk, county=places["csx"].pk, township="", villages=""),
    )
    assert r.status_code == 302
    assert ExpropriationProject.objects.get().agency == tree["county_a1"]
