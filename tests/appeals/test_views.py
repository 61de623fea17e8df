"""The staff pages through Django's client: list (filters, deadlines, section 四 cells), case page,
forms, result, documents, and access by URL."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.appeals.models import AppealCase
from gongkai.orgs.models import Role
from tests.appeals.helpers import application
from tests.factories import PASSWORD, applicant_account, staff
from tests.upload_samples import PDF

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_list_filters_and_deadlines(office, make, tree):
    today = timezone.localdate()
    old = make(filed=date(2020, 4, 1))  # pending long past its 60 days
    done = make("litigation_direct", date(2020, 5, 1), "upheld", date(2020, 9, 1))
    fresh = make(filed=today)
    county = make(agency=tree["county_a1"], filed=date(2021, 3, 3))
    c = login(office["clerk"])
    body = c.get(reverse("appeals_staff:list")).content.decode()
    assert old.number in body and done.number in body and fresh.number in body
    assert county.number not in body  # not the clerk's agency
    assert "已超过审理期限" in body and '<html lang="zh-Hans">' in body
    assert f'<a href="{reverse("appeals_staff:list")}">复议诉讼</a>' in body  # the staff header
    body = c.get(reverse("appeals_staff:list"), {"result": "overdue"}).content.decode()
    assert old.number in body and fresh.number not in body and done.number not in body
    body = c.get(reverse("appeals_staff:list"), {"kind": "litigation_direct"}).content.decode()
    assert done.number in body and old.number not in body
    body = c.get(reverse("appeals_staff:list"), {"year": "2020", "result": "upheld"}).content.decode()
    assert done.number in body and old.number not in body and "年度报告第四部分" in body
    # the supervisor sees the county; its section 四 cell links to the case
    s = login(office["supervisor"])
    body = s.get(reverse("appeals_staff:list"), {"year": "2021"}).content.decode()
    assert county.number in body
    cell = s.get(
        reverse("appeals_staff:list"), {"year": "2021", "kind": "reconsideration", "cell": "pending"}
    ).content.decode()
    assert county.number in cell and old.number not in cell
    assert "录入案件" not in body  # a supervisor only reads


def test_overdue_filter_equals_the_rule(office, make):
    today = timezone.localdate()
    from datetime import timedelta

    from gongkai.appeals.rules import add_months

    made = []
    for kind in ("reconsideration", "litigation_direct"):
        for filed in (
            today - timedelta(days=59),
            today - timedelta(days=61),
            add_months(today, -6),
            add_months(today, -6) - timedelta(days=1),
        ):
            made.append(make(kind, filed))
            made.append(make(kind, filed, extended=True))
    body = login(office["clerk"]).get(reverse("appeals_staff:list"), {"result": "overdue"}).content.decode()
    for case in made:
        assert (f">{case.number}<" in body) == case.is_overdue(today), case.number


def test_create_edit_conclude_through_the_pages(office, make):
    app = application(office["agency"], "430S00-2020-00009", date(2020, 1, 6))
    c = login(office["clerk"])
    assert c.get(reverse("appeals_staff:create")).status_code == 200
    r = c.post(
        reverse("appeals_staff:create"),
        {"number": "", "kind": "reconsideration", "body": "", "filed_on": "2020-03-01", "result": "pending"},
    )
    assert r.status_code == 200 and "errorlist" in r.content.decode() and not AppealCase.objects.exists()
    r = c.post(
        reverse("appeals_staff:create"),
        {
            "number": "湘政复〔2020〕8号",
            "kind": "reconsideration",
            "body": "湖南省人民政府",
            "filed_on": "2020-03-01",
            "application_number": app.number,
            "result": "pending",
        },
    )
    case = AppealCase.objects.get(number="湘政复〔2020〕8号")
    assert r.status_code == 302 and r["Location"] == reverse("appeals_staff:detail", args=[case.public_id])
    page = c.get(r["Location"]).content.decode()
    assert app.number in page and reverse("applications_staff:detail", args=[app.public_id]) in page
    assert "2020-04-30" in page and "第六十二条" in page and "录入" in page

    edit = reverse("appeals_staff:edit", args=[case.public_id])
    assert c.get(edit).status_code == 200
    form = {
        "number": case.number,
        "kind": "reconsideration",
        "body": "自然资源部",
        "filed_on": "2020-03-01",
        "application_number": app.number,
        "version": case.version,
    }
    assert "修改原因" in c.post(edit, form).content.decode()
    assert c.post(edit, {**form, "reason": "复议机关更正"}).status_code == 302
    case.refresh_from_db()
    assert case.body == "自然资源部"

    conclude = reverse("appeals_staff:conclude", args=[case.public_id])
    r = c.post(conclude, {"result": "upheld", "concluded_on": "2020-02-01", "version": case.version})
    assert r.status_code == 200 and "不能早于立案日期" in r.content.decode()
    r = c.post(conclude, {"result": "upheld", "concluded_on": "2020-04-20", "version": case.version})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.result == "upheld"
    page = c.get(reverse("appeals_staff:detail", args=[case.public_id])).content.decode()
    assert "复议机关更正" in page and "登记结果" in page and "更正结果" in page


def test_documents_upload_and_download_behind_the_policy(office, make, tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    case = make()
    c = login(office["clerk"])
    attach = reverse("appeals_staff:attach", args=[case.public_id])
    r = c.post(attach, {"kind": "decision", "file": SimpleUploadedFile("a.pdf", b"not a pdf")})
    assert r.status_code == 200 and "只接受" in r.content.decode()
    r = c.post(attach, {"kind": "decision", "file": SimpleUploadedFile("复议决定书.pdf", PDF)})
    assert r.status_code == 302
    doc = case.documents.get()
    url = reverse("appeals_staff:document", args=[case.public_id, doc.public_id])
    assert url in c.get(reverse("appeals_staff:detail", args=[case.public_id])).content.decode()
    r = c.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert "attachment" in r["Content-Disposition"]
    assert login(office["supervisor"]).get(url).status_code == 200
    other = staff(tree["city_b"], Role.CLERK, Role.SUPERVISOR)
    assert login(other).get(url).status_code == 404
    assert login(office["supervisor"]).post(attach, {"kind": "other"}).status_code == 404


def test_access_by_url(office, make, tree):
    county_case = make(agency=tree["county_a1"])
    detail = reverse("appeals_staff:detail", args=[county_case.public_id])
    supervisor = login(office["supervisor"])
    page = supervisor.get(detail)
    assert page.status_code == 200 and "登记结果" not in page.content.decode()
    assert supervisor.get(reverse("appeals_staff:edit", args=[county_case.public_id])).status_code == 404
    assert supervisor.post(reverse("appeals_staff:conclude", args=[county_case.public_id])).status_code == 404
    assert supervisor.get(reverse("appeals_staff:create")).status_code == 404
    neighbour = login(staff(tree["county_a2"], Role.CLERK))
    assert neighbour.get(detail).status_code == 404
    assert neighbour.get(reverse("appeals_staff:edit", args=[county_case.public_id])).status_code == 404
    public = Client()
    public.force_login(applicant_account())
    assert public.get(reverse("appeals_staff:list")).status_code == 404
    assert Client().get(detail).status_code == 302  # to the staff login
