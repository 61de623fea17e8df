"""The land staff forms: a refused form comes back (400) with what was typed and the error in Chinese,
and nothing is saved (the disclosure dates, the link to an application, the quarterly remarks)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.land import rules, services
from gongkai.land.models import ProjectLink, QuarterlyNotice

pytestmark = pytest.mark.django_db


def _doc_url(project, disclosure) -> str:
    return reverse("land_staff:disclosure_edit", args=[project.pk, disclosure.pk])


def test_a_refused_disclosure_form_shows_the_typed_values_and_the_error(client, make_project, county_staff):
    project = make_project()
    d = project.disclosures.order_by("pk").first()
    client.force_login(county_staff["ly"])
    before = AuditEvent.objects.filter(verb="land.disclosure_update").count()
    r = client.post(
        _doc_url(project, d),
        {
            "action": "save",
            "issued_on": "2025-10-22",
            "posting_start": "2025-10-30",
            "posting_end": "2025-10-25",  # before the start
            "note": "村务公开栏张贴，附照片",
        },
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert "张贴结束日期不能早于开始日期。" in body
    assert 'value="2025-10-25"' in body and 'value="2025-10-30"' in body and "村务公开栏张贴，附照片" in body
    assert "您填写的内容都保留在表单中" in body
    d.refresh_from_db()
    assert (d.issued_on, d.posting_start, d.posting_end, d.note) == (None, None, None, "")
    assert AuditEvent.objects.filter(verb="land.disclosure_update").count() == before


def test_an_impossible_date_is_kept_as_text_next_to_its_error(client, make_project, county_staff):
    project = make_project()
    d = project.disclosures.order_by("pk").first()
    client.force_login(county_staff["ly"])
    r = client.post(_doc_url(project, d), {"action": "save", "issued_on": "2025-02-30", "note": "已张贴"})
    body = r.content.decode()
    assert r.status_code == 400
    assert "“2025-02-30”不是有效日期（没有这一天）。" in body
    # shown as text (a date picker would show an impossible date as empty), the other fields as typed
    assert 'type="text" name="issued_on" value="2025-02-30"' in body and "已张贴" in body
    d.refresh_from_db()
    assert d.issued_on is None and d.note == ""


def test_not_applicable_without_a_reason_and_the_draft_action_are_refused_alike(
    client, make_project, county_staff
):
    project = make_project()
    d = project.disclosures.order_by("pk").first()
    client.force_login(county_staff["ly"])
    r = client.post(
        _doc_url(project, d), {"action": "save", "not_applicable": "1", "published_on": "2025-10-23"}
    )
    body = r.content.decode()
    assert r.status_code == 400 and "标为不适用时请说明理由。" in body
    assert 'value="2025-10-23"' in body and "checked" in body
    r = client.post(_doc_url(project, d), {"action": "draft", "issued_on": "明天"})
    assert r.status_code == 400 and "“明天”不是有效日期" in r.content.decode()
    d.refresh_from_db()
    assert d.not_applicable is False and d.item is None and d.published_on is None


def test_other_documents_keep_their_stored_values_and_a_good_form_still_redirects(
    client, make_project, county_staff
):
    project = make_project()
    first, second = project.disclosures.order_by("pk")[:2]
    services.disclosure_update(disclosure=second, data={"published_on": date(2025, 10, 21)}, by=None)
    client.force_login(county_staff["ly"])
    r = client.post(_doc_url(project, first), {"action": "save", "published_on": "2099-01-01"})
    body = r.content.decode()
    assert r.status_code == 400 and "日期不能晚于今天。" in body
    assert 'value="2099-01-01"' in body and 'value="2025-10-21"' in body  # the other form, from the database
    r = client.post(_doc_url(project, first), {"action": "save", "published_on": "2025年10月22日"})
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.published_on == date(2025, 10, 22)


def test_a_refused_link_keeps_the_typed_number(client, make_project, county_staff):
    project = make_project()
    client.force_login(county_staff["ly"])
    r = client.post(reverse("land_staff:link_application", args=[project.pk]), {"number": "LY-2025-999"})
    body = r.content.decode()
    assert r.status_code == 400
    assert "找不到申请编号“LY-2025-999”（或无权查看）。" in body and 'value="LY-2025-999"' in body
    assert not ProjectLink.objects.exists()


def test_refused_quarterly_remarks_come_back_as_typed(client, tree, make_project, county_staff):
    make_project()
    head = county_staff["province"]
    client.force_login(head)
    now = rules.Quarter.of(date.today())
    url = reverse("land_staff:notice_save")
    r = client.post(url, {"quarter": str(now), "remarks": "浏阳市须整改征收土地公告。", "action": "issue"})
    body = r.content.decode()
    assert r.status_code == 400
    assert "季度结束后才能生成通报。" in body and "浏阳市须整改征收土地公告。" in body
    assert not QuarterlyNotice.objects.exists()  # the refused issue took the save with it
    r = client.post(url, {"quarter": str(now), "remarks": "x" * 5001})
    assert r.status_code == 400 and "5000" in r.content.decode()
    r = client.post(url, {"quarter": str(now), "remarks": "已核对。"})
    assert r.status_code == 302 and r["Location"].endswith(f"?quarter={now}")
    assert QuarterlyNotice.objects.get(year=now.year, quarter=now.number).remarks == "已核对。"
