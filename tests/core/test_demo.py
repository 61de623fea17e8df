"""`gongkai demo` loads a realistic provincial system, and loading it twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from gongkai.core.models import AuditEvent
from gongkai.orgs.demo import CITIES, DEMO_PASSWORD, STAFF
from gongkai.orgs.models import Agency, Applicant, Level, Membership, Role, Unit, User

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Agency, Unit, User, Membership, Applicant, AuditEvent))


def test_demo_is_idempotent_and_complete() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    first = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == first

    province = Agency.objects.get(code="430S00")
    assert province.name == "湖南省自然资源厅" and province.level == Level.PROVINCE
    cities = Agency.objects.filter(parent=province, level=Level.CITY)
    assert cities.count() == 14 == len(CITIES)
    assert {c.division_code for c in cities} == {d for d, *_ in CITIES}
    assert Agency.objects.filter(level=Level.COUNTY).exists()
    assert Unit.objects.filter(agency=province, is_disclosure_office=True).count() == 1
    assert set(Membership.objects.filter(agency=province).values_list("role", flat=True)) == set(Role.values)
    # The demo accounts are printed with their password.
    text = out.getvalue()
    assert DEMO_PASSWORD in text and "hn.clerk" in text


def test_demo_accounts_can_log_in() -> None:
    call_command("demo", stdout=StringIO())
    for username, *_ in STAFF[:3]:
        c = Client()
        r = c.post("/staff/login/", {"username": username, "password": DEMO_PASSWORD})
        assert r.status_code == 302, username
    c = Client()
    assert (
        c.post("/accounts/login/", {"username": "13807310001", "password": DEMO_PASSWORD}).status_code == 302
    )


def test_personal_data_is_encrypted_at_rest() -> None:
    from django.db import connection

    call_command("demo", stdout=StringIO())
    applicant = Applicant.objects.get(name="张建国")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, address FROM orgs_applicant WHERE id = %s", [applicant.pk])
        raw = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in raw)
    assert applicant.id_number not in "".join(raw)
    assert applicant.phone == "13807310001"  # decrypted transparently for the code that needs it
