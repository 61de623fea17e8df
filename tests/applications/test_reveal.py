"""bad-inputs 13 on the case page: the applicant's ID number, phone and address are masked for everyone;
those who may handle the case can reveal them through a POST that writes an audit entry (who, the case,
the field names — never the values); a supervisor above reads the case but cannot reveal; another
agency gets 404."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications import services
from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Role
from tests.applications.conftest import COUNTER_APPLICANT
from tests.factories import PASSWORD, UnitFactory, staff

pytestmark = pytest.mark.django_db

ID, PHONE, ADDRESS = COUNTER_APPLICANT["id_number"], COUNTER_APPLICANT["phone"], COUNTER_APPLICANT["address"]


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _urls(app) -> tuple[str, str]:
    return (
        reverse("applications_staff:detail", args=[app.public_id]),
        reverse("applications_staff:reveal", args=[app.public_id]),
    )


def _values_in(body: str) -> set[str]:
    return {v for v in (ID, PHONE, ADDRESS) if v in body}


def test_the_case_page_shows_masked_values_and_a_reveal_button_to_the_handler(register, office):
    app = register()
    detail, reveal = _urls(app)
    r = login(office["clerk"]).get(detail)
    body = r.content.decode()
    assert _values_in(body) == set()
    assert app.id_number_masked in body and app.phone_masked in body and app.address_masked in body
    assert f'action="{reveal}"' in body and 'name="field" value="phone"' in body
    assert r["Cache-Control"] == "private, no-store"


def test_the_officer_reveals_one_field_as_an_htmx_fragment_and_it_is_logged(register, office):
    app = register()
    detail, reveal = _urls(app)
    c = login(office["officer"])
    r = c.post(reveal, {"field": "phone"}, headers={"HX-Request": "true"})
    body = r.content.decode()
    assert r.status_code == 200 and body.lstrip().startswith('<dd id="pi-phone"')
    assert PHONE in body and ID not in body and ADDRESS not in body and "已记入操作日志" in body
    assert r["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(verb="application.reveal")
    assert event.actor == office["officer"] and event.agency == office["agency"]
    assert (event.object_type, event.object_id) == ("applications.application", str(app.pk))
    assert event.data == {"fields": ["phone"]}
    assert PHONE not in f"{event.reason}{event.data}"  # the field's name, never its value
    assert _values_in(c.get(detail).content.decode()) == set()  # shown in that one answer only


def test_without_htmx_the_page_comes_back_with_all_three_and_one_entry(register, office):
    app = register()
    _detail, reveal = _urls(app)
    c = login(office["head"])
    body = c.post(reveal, {"field": "all"}).content.decode()
    assert _values_in(body) == {ID, PHONE, ADDRESS} and "本次查看已记入操作日志" in body
    events = AuditEvent.objects.filter(verb="application.reveal")
    assert [e.data for e in events] == [{"fields": ["address", "id_number", "phone"]}]
    assert events[0].actor == office["head"]
    body = c.post(reveal, {"field": "address"}).content.decode()  # a form without htmx: the whole page
    assert _values_in(body) == {ADDRESS} and AuditEvent.objects.filter(verb="application.reveal").count() == 2


def test_an_unknown_field_is_404_and_logs_nothing(register, office):
    app = register()
    _detail, reveal = _urls(app)
    c = login(office["clerk"])
    for field in ("email", "applicant_name", "id_number_hash", ""):
        assert c.post(reveal, {"field": field}).status_code == 404
    assert c.get(reveal).status_code == 405
    assert not AuditEvent.objects.filter(verb="application.reveal").exists()


def test_supervisors_above_see_masked_values_and_cannot_reveal_other_agencies_get_404(
    tree, register, office, caplog
):
    app = register()
    detail, reveal = _urls(app)
    province_staff = staff(tree["province"], Role.PUBLISHER, Role.REVIEWER)  # no handling role
    other = staff(tree["county_a1"], *Role.values, unit=UnitFactory(agency=tree["county_a1"]))  # every role
    supervisor = staff(tree["province"], Role.SUPERVISOR)
    for who in (province_staff, supervisor):
        c = login(who)
        body = c.get(detail).content.decode()
        assert _values_in(body) == set() and f'action="{reveal}"' not in body
        with caplog.at_level(logging.WARNING, logger="gongkai.access"):
            assert c.post(reveal, {"field": "id_number"}).status_code == 404
    c = login(other)
    assert c.get(detail).status_code == 404
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="gongkai.access"):
        r = c.post(reveal, {"field": "id_number"}, headers={"HX-Request": "true"})
    assert r.status_code == 404 and _values_in(r.content.decode()) == set()
    assert any(rec.name == "gongkai.access" for rec in caplog.records)
    assert ID not in caplog.text
    assert not AuditEvent.objects.filter(verb="application.reveal").exists()


def _phone_only(office):
    """A case registered at the counter with a phone but no ID number and no address."""
    return services.application_register(
        agency=office["agency"],
        channel="in_person",
        event_date=date(2025, 9, 26),
        applicant={"applicant_column": "natural_person", "applicant_name": "王五", "phone": PHONE},
        data={"description": "征地批复"},
        by=office["clerk"],
    )


def test_a_field_without_a_value_offers_no_reveal(office):
    app = _phone_only(office)
    detail, _reveal = _urls(app)
    body = login(office["clerk"]).get(detail).content.decode()
    assert 'name="field" value="phone"' in body
    assert 'name="field" value="address"' not in body and 'value="id_number"' not in body


def test_revealing_a_field_without_a_value_is_404_not_a_server_error(office):
    app = _phone_only(office)
    _detail, reveal = _urls(app)
    r = login(office["clerk"]).post(reveal, {"field": "id_number"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 404
