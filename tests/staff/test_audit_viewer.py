"""/staff/audit/: administrators only, scoped to what they administer, filters, paging, formula-safe and
masked exports that are themselves recorded."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gongkai.core import audit
from gongkai.core.models import AuditEvent
from tests.factories import UnitFactory, applicant_account, resident_id, staff

pytestmark = pytest.mark.django_db

URL = "/staff/audit/"


@pytest.fixture
def events(tree):
    """One entry per agency of the tree and one without an agency."""
    made = {key: audit.record(None, f"test.{key}", a, agency=a) for key, a in tree.items()}
    made["none"] = audit.record(None, "test.none", tree["province"])
    return made


def _seqs(response) -> set[int]:
    return {r["event"].seq for r in response.context["rows"]}


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


@pytest.mark.parametrize("role", ["clerk", "officer", "head", "supervisor", "publisher", "reviewer"])
def test_staff_without_the_admin_role_get_404(client, tree, role):
    unit = UnitFactory(agency=tree["province"])
    client.force_login(staff(tree["province"], role, unit=unit))
    assert client.get(URL).status_code == 404
    assert client.get(URL + "export.csv").status_code == 404


def test_public_accounts_get_404(client):
    client.force_login(applicant_account())
    assert client.get(URL).status_code == 404
    assert client.get(URL + "export.xlsx").status_code == 404


def test_city_admin_sees_its_agency_and_those_below_but_not_agency_less_entries(client, tree, events):
    client.force_login(staff(tree["city_a"], "admin"))
    response = client.get(URL)
    assert response.status_code == 200
    expected = {events[k].seq for k in ("city_a", "county_a1", "county_a2")}
    assert _seqs(response) == expected


def test_top_level_admin_sees_everything_including_agency_less_entries(client, tree, events):
    admin = staff(tree["province"], "admin")
    client.force_login(admin)
    seen = _seqs(client.get(URL))
    assert {e.seq for e in events.values()} <= seen


def test_filters(client, tree, events):
    admin = staff(tree["province"], "admin")
    audit.record(admin, "other.thing", tree["city_b"], agency=tree["city_b"], data={"x": 1})
    client.force_login(admin)
    assert _seqs(client.get(URL, {"verb": "test.county"})) == {
        events[k].seq for k in ("county_a1", "county_a2", "county_b1")
    }
    assert _seqs(client.get(URL, {"agency": "4302S0"})) == {
        events["city_b"].seq,
        AuditEvent.objects.get(verb="other.thing").seq,
    }
    assert _seqs(client.get(URL, {"actor": admin.username})) == {
        AuditEvent.objects.get(verb="other.thing").seq
    }
    assert _seqs(client.get(URL, {"object_type": "orgs.agency", "object_id": str(tree["city_b"].pk)})) == {
        events["city_b"].seq,
        AuditEvent.objects.get(verb="other.thing").seq,
    }
    today = timezone.localdate()
    assert _seqs(
        client.get(URL, {"since": today.isoformat(), "until": today.isoformat(), "verb": "test."})
    ) == {e.seq for e in events.values()}
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert _seqs(client.get(URL, {"since": tomorrow})) == set()
    # an agency the admin does not administer is not a valid choice: nothing is shown
    city_admin = staff(tree["city_a"], "admin")
    client.force_login(city_admin)
    response = client.get(URL, {"agency": "4302S0"})
    assert response.status_code == 200 and _seqs(response) == set()


def test_paging(client, tree):
    for i in range(60):
        audit.record(None, "test.page", tree["city_a"], agency=tree["city_a"], data={"i": i})
    client.force_login(staff(tree["city_a"], "admin"))
    first = client.get(URL, {"verb": "test.page"})
    second = client.get(URL, {"verb": "test.page", "page": 2})
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 10
    assert not _seqs(first) & _seqs(second)
    assert "verb=test.page" in second.context["query"]


DANGEROUS = ['=HYPERLINK("http://evil","x")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR"]


def _dangerous_entries(tree):
    agency = tree["city_a"]
    id_number = resident_id("43010219900101123")
    applicant = applicant_account(username="13812345678")
    for text in DANGEROUS:
        audit.record(None, "test.formula", agency, agency=agency, reason=text, data={"v": text})
    audit.record(
        applicant,
        "test.personal",
        agency,
        agency=agency,
        reason=f"身份证 {id_number} 电话 13812345678 邮箱 zhang.san@example.com",
        data={"channel": "13812345678"},
    )
    return id_number


def test_csv_export_is_formula_safe_masked_and_recorded(client, tree):
    id_number = _dangerous_entries(tree)
    admin = staff(tree["city_a"], "admin")
    client.force_login(admin)
    response = client.get(URL + "export.csv", {"verb": "test."})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "序号" and len(rows) == 1 + len(DANGEROUS) + 1
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    reasons = {row[7] for row in rows[1:]}
    assert {"'" + t for t in DANGEROUS} <= reasons
    assert id_number not in text and "13812345678" not in text and "zhang.san@example.com" not in text
    personal = next(row for row in rows[1:] if row[3] == "test.personal")
    assert personal[2].startswith("公众账户#")
    exported = AuditEvent.objects.filter(verb="audit.export").latest("seq")
    assert exported.actor == admin and exported.agency == tree["city_a"]
    assert exported.data["rows"] == len(DANGEROUS) + 1 and exported.data["format"] == "csv"
    assert exported.data["filters"] == {"verb": "test."}


def test_xlsx_export_has_only_string_cells_that_are_never_formulas(client, tree):
    id_number = _dangerous_entries(tree)
    client.force_login(staff(tree["province"], "admin"))
    response = client.get(URL + "export.xlsx", {"verb": "test.", "agency": "4301S0"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = []
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type == "s", (cell.coordinate, cell.value)
            values.append(cell.value or "")
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in values)
    assert '\'=HYPERLINK("http://evil","x")' in values
    assert not any(id_number in v or "13812345678" in v for v in values)
    assert AuditEvent.objects.filter(verb="audit.export", data__format="xlsx").count() == 1


def test_the_page_masks_personal_data(client, tree):
    id_number = _dangerous_entries(tree)
    client.force_login(staff(tree["city_a"], "admin"))
    content = client.get(URL, {"verb": "test.personal"}).content.decode()
    assert id_number not in content and "13812345678" not in content
    assert "公众账户#" in content


def test_unknown_export_format_is_404(client, tree):
    client.force_login(staff(tree["province"], "admin"))
    assert client.get(URL + "export.pdf").status_code == 404
    assert not AuditEvent.objects.filter(verb="audit.export").exists()
