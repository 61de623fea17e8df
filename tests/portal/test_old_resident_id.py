"""The old 15-digit resident ID is a document type of its own: checked, stored encrypted, shown masked."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from gongkai.orgs.models import Applicant
from tests.factories import PASSWORD, applicant_account

pytestmark = pytest.mark.django_db

OLD = "430521720101002"
DATA = {
    "kind": "natural_person",
    "name": "李四",
    "id_type": "resident_id_15",
    "id_number": "４３０５２１ ７２０１０１-００２",  # full-width digits, a space and a dash, as people type
    "phone": "13807310009",
    "address": "湖南省邵阳市邵东县某村",
    "postcode": "422800",
}


@pytest.fixture
def client() -> Client:
    account = applicant_account()
    c = Client()
    assert c.login(username=account.username, password=PASSWORD)
    return c


def test_old_resident_id_is_offered_checked_encrypted_and_masked(client: Client) -> None:
    form_page = client.get(reverse("portal:applicant_new")).content.decode()
    assert 'value="resident_id_15"' in form_page and "旧版十五位身份证" in form_page

    r = client.post(reverse("portal:applicant_new"), DATA)
    assert r.status_code == 302
    applicant = Applicant.objects.get()
    assert applicant.id_type == "resident_id_15" and applicant.id_number == OLD
    assert applicant.id_number_masked == "430********1002"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM orgs_applicant WHERE id = %s", [applicant.pk])
        stored = cursor.fetchone()[0]
    assert OLD not in stored  # encrypted at rest

    detail = client.get(reverse("portal:applicant_detail", args=[applicant.pk])).content.decode()
    assert OLD not in detail and "430********1002" in detail


def test_an_old_resident_id_with_an_impossible_birth_date_keeps_everything_typed(client: Client) -> None:
    data = {**DATA, "id_number": "430521720230002"}  # 30 February 1972
    r = client.post(reverse("portal:applicant_new"), data)
    body = r.content.decode()
    assert r.status_code == 200 and "出生日期无效" in body
    for value in (data["name"], data["id_number"], data["phone"], data["address"]):
        assert f'value="{value}"' in body
    assert not Applicant.objects.exists()
