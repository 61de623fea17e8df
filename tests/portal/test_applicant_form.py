"""Registering an applicant identity: clear Chinese errors, nothing typed is lost, every save recorded."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Applicant
from tests.factories import PASSWORD, applicant_account, resident_id

pytestmark = pytest.mark.django_db

GOOD = {
    "kind": "natural_person",
    "name": "王𠀀明",  # an Extension-B character, as in some villagers' names
    "id_type": "resident_id",
    "id_number": resident_id("43012119680315003"),
    "phone": "13807310009",
    "address": "湖南省长沙县黄花镇某村",
    "postcode": "410137",
}


@pytest.fixture
def client_and_account():
    account = applicant_account()
    c = Client()
    assert c.login(username=account.username, password=PASSWORD)
    return c, account


def test_bad_id_number_keeps_everything_typed(client_and_account):
    c, _account = client_and_account
    data = {**GOOD, "id_number": GOOD["id_number"][:-1] + ("0" if GOOD["id_number"][-1] != "0" else "1")}
    r = c.post(reverse("portal:applicant_new"), data)
    assert r.status_code == 200
    body = r.content.decode()
    assert "校验位不正确" in body
    for value in (data["name"], data["id_number"], data["phone"], data["address"], data["postcode"]):
        assert f'value="{value}"' in body
    assert not Applicant.objects.exists()


def test_organisation_needs_its_kind(client_and_account):
    c, _ = client_and_account
    r = c.post(reverse("portal:applicant_new"), {**GOOD, "kind": "organisation", "id_type": "resident_id"})
    assert "请选择组织类型" in r.content.decode()


def test_saving_creates_identity_and_audit_event(client_and_account):
    c, account = client_and_account
    r = c.post(reverse("portal:applicant_new"), GOOD)
    applicant = Applicant.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("portal:applicant_detail", args=[applicant.pk])
    assert applicant.account == account and applicant.name == "王𠀀明"
    event = AuditEvent.objects.get(verb="applicant.create")
    assert event.actor == account and event.object_id == str(applicant.pk)
    assert GOOD["id_number"] not in str(event.data)
    # The detail page masks the number and phone.
    body = c.get(r["Location"]).content.decode()
    assert GOOD["id_number"] not in body and "430***********" in body
    assert "138****0009" in body


def test_audit_events_are_append_only(client_and_account):
    c, _ = client_and_account
    c.post(reverse("portal:applicant_new"), GOOD)
    event = AuditEvent.objects.get()
    event.reason = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
