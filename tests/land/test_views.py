"""Lookup by place and pinyin, project pages, access to staff pages, the dashboard panel, the applicant's
pointers and the notice."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from gongkai.land import selectors, services

pytestmark = pytest.mark.django_db


def test_pinyin_of_place_names(places):
    ly = places["ly"]
    assert (ly.pinyin, ly.initials) == ("liuyangshi", "lys")
    assert places["cs"].pinyin == "changshashi"  # 长 read cháng in a place name


@pytest.mark.parametrize("text", ["浏阳", "liuyang", "LiuYang", "ly", "liu yang"])
def test_search_finds_liuyang_by_name_and_pinyin(places, text):
    assert places["ly"] in list(selectors.search_places(text))


def test_search_finds_villages_by_initials_and_stays_inside_the_root(places):
    assert places["yonganc"] in list(selectors.search_places("yac"))
    assert list(selectors.search_places("huanghua", within=places["ly"])) == []
    assert list(selectors.search_places("   ")) == []


def test_projects_at_village_township_county_city(places, make_project):
    at_village = make_project()
    township_only = make_project(name="浏阳市2026年第1批次", at=["yongan"])
    elsewhere = make_project(
        name="长沙县2026年第1批次", agency_key="county_a1", county="csx", at=["huanghuac"]
    )
    assert set(selectors.projects_at(places["yonganc"])) == {at_village, township_only}
    assert set(selectors.projects_at(places["xiangfeng"])) == {township_only}
    assert set(selectors.projects_at(places["yongan"])) == {at_village, township_only}
    assert set(selectors.projects_at(places["cs"])) == {at_village, township_only, elsewhere}
    assert set(selectors.projects_at(places["zz"])) == set()


def test_public_lookup_pages(client, tree, places, make_project):
    project = make_project()
    withheld = make_project(name="保密项目", withheld=True, withheld_reason="涉及军事设施（条例第十四条）")
    r = client.get("/land/")
    assert r.status_code == 200 and "征地信息查询" in r.content.decode() and "长沙市" in r.content.decode()
    r = client.get(
        "/land/", {"city": "430100", "county": "430181", "township": "430181104", "village": "430181104200"}
    )
    body = r.content.decode()
    assert project.name in body and withheld.name not in body and "征收土地公告" in body
    r = client.get("/land/", {"q": "ly"})
    assert "?place=430181" in r.content.decode()
    r = client.get("/land/", {"city": "430200", "county": "430181"})  # stale lower choice is dropped
    assert r.status_code == 200 and project.name not in r.content.decode()
    r = client.get(f"/gk/{tree['county_a2'].code}/land/", {"place": "430181104200"})
    assert project.name in r.content.decode()
    r = client.get(f"/gk/{tree['county_a1'].code}/land/", {"place": "430181104200"})  # outside 长沙县
    assert project.name not in r.content.decode()
    r = client.get(f"/gk/{tree['county_a2'].code}/land/{project.pk}/")
    assert (
        r.status_code == 200 and "征收土地公告" in r.content.decode() and "第三十一条" in r.content.decode()
    )
    assert client.get(f"/gk/{tree['county_a2'].code}/land/{withheld.pk}/").status_code == 404
    assert client.get(f"/gk/{tree['county_a1'].code}/land/{project.pk}/").status_code == 404


def test_staff_access_404_for_another_county(client, make_project, county_staff):
    project = make_project()
    client.force_login(county_staff["csx"])
    assert client.get(f"/staff/land/{project.pk}/").status_code == 404
    assert project.name not in client.get("/staff/land/").content.decode()
    d = project.disclosures.first()
    r = client.post(f"/staff/land/{project.pk}/documents/{d.pk}/", {"issued_on": "2025-10-22"})
    assert r.status_code == 404
    assert client.get("/staff/land/supervision/").status_code == 404
    client.force_login(county_staff["ly"])
    assert client.get(f"/staff/land/{project.pk}/").status_code == 200
    r = client.post(
        f"/staff/land/{project.pk}/documents/{d.pk}/", {"action": "save", "published_on": "2025-10-22"}
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.published_on == date(2025, 10, 22)
    client.force_login(county_staff["province"])
    assert client.get(f"/staff/land/{project.pk}/").status_code == 200
    r = client.get("/staff/land/supervision/", {"quarter": "2025Q4"})
    assert r.status_code == 200 and "浏阳市" in r.content.decode()


def test_dashboard_panel_shows_the_countys_own_gaps(client, make_project, county_staff):
    make_project()  # approved 2025-10-20, nothing published: missing by now
    client.force_login(county_staff["ly"])
    body = client.get("/staff/").content.decode()
    assert "征地信息：逾期未公开" in body and "浏阳市2025年第2批次" in body
    client.force_login(county_staff["csx"])
    assert "浏阳市2025年第2批次" not in client.get("/staff/").content.decode()


def test_notice_issue_needs_an_ended_quarter_and_snapshots_the_table(tree, make_project, county_staff):
    from django.core.exceptions import ValidationError

    from gongkai.land import rules
    from gongkai.publishing.workflow import Status

    make_project()
    now = rules.Quarter.of(timezone.localdate())
    with pytest.raises(ValidationError):
        notice = services.notice_save(agency=tree["province"], quarter=now, remarks="x", by=None)
        services.notice_issue(notice=notice, by=county_staff["province"])
    notice = services.notice_save(
        agency=tree["province"], quarter=rules.Quarter(2025, 4), remarks="意见", by=None
    )
    item = services.notice_issue(notice=notice, by=county_staff["province"])
    assert item.status == Status.IN_REVIEW and item.node.name == "征地信息"
    names = [r["name"] for r in notice.snapshot["counties"]]
    assert any("浏阳" in n for n in names) and "<table>" in item.body
    from gongkai.land import notices

    assert notices.notice_pdf(notice)[:4] == b"%PDF"
    assert notices.notice_docx(notice)[:2] == b"PK"
