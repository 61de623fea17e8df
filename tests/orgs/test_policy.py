"""The access policy, through the policy module and through every URL that shows an object.

Each view test asks for another's object by its direct URL and expects 404, the same answer as for
an object that does not exist. Removing the policy check from a view makes these tests fail.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Role
from tests.factories import PASSWORD, ApplicantFactory, UnitFactory, staff

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


# --- the policy module -------------------------------------------------------------------------


def test_clerk_sees_only_own_agency(tree):
    clerk = staff(tree["county_a1"], Role.CLERK)
    assert set(policy.visible_agencies(clerk)) == {tree["county_a1"]}
    assert policy.can(clerk, "view", tree["county_a1"])
    assert not policy.can(clerk, "view", tree["county_a2"])
    assert not policy.can(clerk, "view", tree["city_a"])


def test_city_clerk_without_supervisor_role_does_not_see_counties(tree):
    clerk = staff(tree["city_a"], Role.CLERK, Role.HEAD)
    assert set(policy.visible_agencies(clerk)) == {tree["city_a"]}
    assert not policy.can(clerk, "view", tree["county_a1"])


def test_city_supervisor_sees_own_subtree_only(tree):
    supervisor = staff(tree["city_a"], Role.SUPERVISOR)
    assert set(policy.visible_agencies(supervisor)) == {tree["city_a"], tree["county_a1"], tree["county_a2"]}
    assert not policy.can(supervisor, "view", tree["county_b1"])
    assert not policy.can(supervisor, "view", tree["province"])
    # Supervising is reading: it gives no right to change the agencies below.
    assert not policy.can(supervisor, "change", tree["county_a1"])


def test_province_supervisor_sees_everything(tree):
    supervisor = staff(tree["province"], Role.SUPERVISOR)
    assert set(policy.visible_agencies(supervisor)) == set(Agency.objects.all())


def test_administrator_changes_own_subtree(tree):
    admin = staff(tree["city_a"], Role.ADMIN)
    assert policy.can(admin, "change", tree["county_a1"])
    assert not policy.can(admin, "change", tree["city_b"])
    assert set(policy.administered_agencies(admin)) == {tree["city_a"], tree["county_a1"], tree["county_a2"]}


def test_applicant_owns_only_own_identities(tree):
    mine = ApplicantFactory()
    other = ApplicantFactory()
    assert policy.can(mine.account, "view", mine)
    assert not policy.can(mine.account, "view", other)
    assert list(policy.scope(mine.account, type(mine).objects.all())) == [mine]


def test_staff_and_applicants_never_cross(tree):
    applicant = ApplicantFactory()
    admin = staff(tree["province"], Role.ADMIN, Role.SUPERVISOR)
    assert not policy.can(admin, "view", applicant)
    assert not policy.can(applicant.account, "view", tree["province"])
    assert policy.visible_agencies(applicant.account).count() == 0


def test_unknown_object_types_are_refused(tree):
    admin = staff(tree["province"], Role.ADMIN)
    assert not policy.can(admin, "view", admin)  # a User is not an object the policy knows


def test_refusals_are_logged_without_personal_data(tree, caplog):
    other = ApplicantFactory()
    intruder = ApplicantFactory()
    with caplog.at_level(logging.WARNING, logger="gongkai.access"):
        assert not policy.can(intruder.account, "view", other)
    assert "access denied" in caplog.text
    assert other.id_number not in caplog.text and other.name not in caplog.text


# --- the same rules through direct URLs ----------------------------------------------------------


def test_applicant_cannot_open_another_applicants_identity_by_url(tree):
    mine = ApplicantFactory()
    other = ApplicantFactory()
    c = client_for(mine.account)
    assert c.get(reverse("portal:applicant_detail", args=[mine.pk])).status_code == 200
    for name in ("portal:applicant_detail", "portal:applicant_edit"):
        refused = c.get(reverse(name, args=[other.pk]))
        missing = c.get(reverse(name, args=[other.pk + 1000]))
        assert refused.status_code == missing.status_code == 404
    # Posting to another's edit URL changes nothing.
    c.post(reverse("portal:applicant_edit", args=[other.pk]), {"name": "篡改", "kind": "natural_person"})
    other.refresh_from_db()
    assert other.name != "篡改"


def test_applicant_list_shows_only_own(tree):
    mine = ApplicantFactory(name="本人甲")
    ApplicantFactory(name="他人乙")
    body = client_for(mine.account).get(reverse("portal:account")).content.decode()
    assert "本人甲" in body and "他人乙" not in body


def test_county_clerk_cannot_open_another_county_by_url(tree):
    clerk = staff(tree["county_a1"], Role.CLERK)
    other_unit = UnitFactory(agency=tree["county_a2"])
    own_unit = UnitFactory(agency=tree["county_a1"])
    c = client_for(clerk)
    assert c.get(reverse("staff:agency", args=[tree["county_a1"].code])).status_code == 200
    assert c.get(reverse("staff:unit", args=[own_unit.pk])).status_code == 200
    assert c.get(reverse("staff:agency", args=[tree["county_a2"].code])).status_code == 404
    assert c.get(reverse("staff:agency", args=["NOSUCH"])).status_code == 404
    assert c.get(reverse("staff:unit", args=[other_unit.pk])).status_code == 404
    assert c.get(reverse("staff:unit", args=[other_unit.pk + 1000])).status_code == 404
    # Nor the city above it.
    assert c.get(reverse("staff:agency", args=[tree["city_a"].code])).status_code == 404


def test_supervisor_opens_agencies_below_by_url(tree):
    supervisor = staff(tree["city_a"], Role.SUPERVISOR)
    c = client_for(supervisor)
    assert c.get(reverse("staff:agency", args=[tree["county_a2"].code])).status_code == 200
    assert c.get(reverse("staff:agency", args=[tree["county_b1"].code])).status_code == 404


def test_dashboard_lists_only_visible_agencies(tree):
    clerk = staff(tree["county_a1"], Role.CLERK)
    body = client_for(clerk).get(reverse("staff:dashboard")).content.decode()
    assert tree["county_a1"].name in body
    assert tree["county_a2"].name not in body


def test_applicant_cannot_enter_back_office(tree):
    applicant = ApplicantFactory()
    c = client_for(applicant.account)
    assert c.get(reverse("staff:dashboard")).status_code == 404
    assert c.get(reverse("staff:agency", args=[tree["province"].code])).status_code == 404


def test_staff_cannot_use_applicant_pages(tree):
    clerk = staff(tree["province"], Role.CLERK)
    applicant = ApplicantFactory()
    c = client_for(clerk)
    assert c.get(reverse("portal:account")).status_code == 404
    assert c.get(reverse("portal:applicant_detail", args=[applicant.pk])).status_code == 404


def test_anonymous_is_sent_to_the_right_login(tree):
    c = Client()
    r = c.get(reverse("staff:dashboard"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("staff:login"))
    r = c.get(reverse("portal:account"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("portal:login"))


def test_logins_are_kept_apart(tree):
    clerk = staff(tree["province"], Role.CLERK)
    applicant = ApplicantFactory()
    c = Client()
    r = c.post(reverse("portal:login"), {"username": clerk.username, "password": PASSWORD})
    assert r.status_code == 200 and "_auth_user_id" not in c.session
    r = c.post(reverse("staff:login"), {"username": applicant.account.username, "password": PASSWORD})
    assert r.status_code == 200 and "_auth_user_id" not in c.session
    r = c.post(reverse("staff:login"), {"username": clerk.username, "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/staff/"


def test_views_refuse_because_the_policy_says_so(tree, monkeypatch):
    """The 404s above come from the policy: with a policy that allows everything, the same URLs open."""
    clerk = staff(tree["county_a1"], Role.CLERK)
    c = client_for(clerk)
    url = reverse("staff:agency", args=[tree["county_a2"].code])
    assert c.get(url).status_code == 404
    monkeypatch.setattr(policy, "can", lambda *args, **kwargs: True)
    assert c.get(url).status_code == 200


def test_agencies_with_role_is_the_agency_itself_not_below(tree):
    head = staff(tree["city_a"], Role.HEAD, Role.SUPERVISOR)
    assert list(policy.agencies_with_role(head, Role.HEAD)) == [tree["city_a"]]
    assert list(policy.agencies_with_role(head, Role.CLERK)) == []
    assert list(policy.agencies_with_role(ApplicantFactory().account, Role.HEAD)) == []
