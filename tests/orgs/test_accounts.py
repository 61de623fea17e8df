"""Accounts: login throttling that cannot lock out the holder, the client address, login audit entries,
staff session timeouts and the password rule against personal data."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.core.sessions import SEEN, STARTED
from gongkai.orgs import throttle
from gongkai.orgs.models import Role
from tests.factories import PASSWORD, AgencyFactory, ApplicantFactory, applicant_account, staff

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
HOLDER = "198.51.100.7"
THROTTLED = "登录尝试次数过多"
STAFF_LOGIN = "/staff/login/"


def post_login(ip: str, username: str, password: str, url: str = STAFF_LOGIN) -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=ip)
    return client, client.post(url, {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def officer():
    return staff(AgencyFactory(), Role.CLERK)


# --- throttling --------------------------------------------------------------------------------------


def test_five_failures_per_address_and_name_then_refused_with_the_time_in_chinese(officer):
    for _ in range(5):
        _c, r = post_login(ATTACKER, officer.username, "wrong-password")
        assert r.status_code == 200 and THROTTLED not in r.content.decode()
    # Even the right password is now refused from that address, before it is checked.
    client, r = post_login(ATTACKER, officer.username, PASSWORD)
    body = r.content.decode()
    assert r.status_code == 200 and not logged_in(client)
    match = re.search(r"登录尝试次数过多，请于 (\d\d:\d\d)（约 (\d+) 分钟后）再试。", body)
    assert match, body
    assert 1 <= int(match.group(2)) <= 15


def test_the_holder_logs_in_from_another_address_while_the_attacker_is_throttled(officer):
    for _ in range(8):
        post_login(ATTACKER, officer.username, "wrong-password")
    client, r = post_login(HOLDER, officer.username, PASSWORD)
    assert r.status_code == 302 and logged_in(client)


def test_unknown_and_known_names_are_throttled_alike(officer):
    texts = []
    for name in (officer.username, "no-such-user"):
        for _ in range(5):
            post_login(ATTACKER, name, "wrong-password")
        _c, r = post_login(ATTACKER, name, "wrong-password")
        body = r.content.decode()
        texts.append(re.search(r'<div class="errorlist" role="alert">(.*?)</div>', body, re.S).group(1))
    assert THROTTLED in texts[0]
    assert texts[0] == texts[1]


def test_fifty_failures_from_one_address_block_that_address_only(settings):
    agency = AgencyFactory()
    users = [staff(agency, Role.CLERK) for _ in range(3)]
    for i in range(50):  # password spraying: many names, few tries each
        post_login(ATTACKER, f"sprayed-{i}", "Password123")
    client, r = post_login(ATTACKER, users[0].username, PASSWORD)
    assert THROTTLED in r.content.decode() and not logged_in(client)
    client, r = post_login(HOLDER, users[0].username, PASSWORD)
    assert r.status_code == 302 and logged_in(client)


def test_a_successful_login_clears_its_pair(officer):
    for _ in range(4):
        post_login(HOLDER, officer.username, "wrong-password")
    _c, r = post_login(HOLDER, officer.username, PASSWORD)
    assert r.status_code == 302
    for _ in range(4):
        _c, r = post_login(HOLDER, officer.username, "wrong-password")
    assert THROTTLED not in r.content.decode()


def test_the_window_ends(officer, monkeypatch):
    for _ in range(5):
        post_login(ATTACKER, officer.username, "wrong-password")
    assert THROTTLED in post_login(ATTACKER, officer.username, PASSWORD)[1].content.decode()
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the cache's expiry and the window's end
    client, r = post_login(ATTACKER, officer.username, PASSWORD)
    assert r.status_code == 302 and logged_in(client)


def test_public_login_is_throttled_too():
    account = applicant_account(username="13807310001")
    for _ in range(5):
        post_login(ATTACKER, account.username, "wrong-password", url="/accounts/login/")
    client, r = post_login(ATTACKER, account.username, PASSWORD, url="/accounts/login/")
    assert THROTTLED in r.content.decode() and not logged_in(client)
    client, r = post_login(HOLDER, account.username, PASSWORD, url="/accounts/login/")
    assert r.status_code == 302 and logged_in(client)


def test_registration_code_entry_is_throttled(settings):
    settings.GONGKAI_LOGIN_FAILURES_PER_PAIR = 1  # the code entry allows three times the pair limit
    for _ in range(3):
        r = Client(REMOTE_ADDR=ATTACKER).post(
            reverse("portal:verify"), {"username": "13807310002", "code": "123456"}
        )
        assert THROTTLED not in r.content.decode()
    r = Client(REMOTE_ADDR=ATTACKER).post(reverse("portal:verify"), {"username": "13807310002", "code": "1"})
    r = Client(REMOTE_ADDR=ATTACKER).post(
        reverse("portal:verify"), {"username": "13807310002", "code": "123456"}
    )
    assert THROTTLED in r.content.decode()


# --- the client address ------------------------------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.GONGKAI_TRUSTED_PROXIES = []
    assert throttle.client_ip(request_from("192.0.2.1", "198.51.100.9")) == "192.0.2.1"


def test_forwarded_for_is_read_from_the_right_behind_trusted_proxies(settings):
    settings.GONGKAI_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    # The client may put anything at the left; the first untrusted address from the right counts.
    req = request_from("10.1.2.3", "1.2.3.4, 198.51.100.9, 192.0.2.1")
    assert throttle.client_ip(req) == "198.51.100.9"
    assert throttle.client_ip(request_from("10.1.2.3")) == "10.1.2.3"
    assert throttle.client_ip(request_from("203.0.113.5", "198.51.100.9")) == "203.0.113.5"  # not a proxy


def test_throttle_uses_the_forwarded_address_behind_a_proxy(settings, officer):
    settings.GONGKAI_TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(5):
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER).post(
            STAFF_LOGIN, {"username": officer.username, "password": "wrong-password"}
        )
    proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=HOLDER)
    assert proxied.post(STAFF_LOGIN, {"username": officer.username, "password": PASSWORD}).status_code == 302


# --- audit -------------------------------------------------------------------------------------------


def test_logins_are_audited_with_ids_only(officer):
    post_login(ATTACKER, officer.username, "wrong-secret-pw")
    post_login(ATTACKER, "someone-unknown", "wrong-secret-pw")
    post_login(HOLDER, officer.username, PASSWORD)
    failures = list(AuditEvent.objects.filter(verb="auth.login_failed").order_by("seq"))
    assert [e.data["account"] for e in failures] == [officer.pk, None]
    assert failures[0].object_id == str(officer.pk) and failures[0].actor_id is None
    ok = AuditEvent.objects.get(verb="auth.login")
    assert ok.actor_id == officer.pk and ok.data["via"] == "password"
    for event in AuditEvent.objects.filter(verb__startswith="auth."):
        text = str(event.data) + event.reason
        assert "wrong-secret-pw" not in text and "someone-unknown" not in text
        assert ATTACKER not in text and HOLDER not in text  # addresses only as keyed hashes


def test_reaching_a_limit_is_audited_once(officer):
    for _ in range(8):
        post_login(ATTACKER, officer.username, "wrong-password")
    throttled = AuditEvent.objects.filter(verb="auth.throttled")
    assert throttled.count() == 1 and throttled.get().data["limits"] == ["pair"]
    # Refused attempts are not checked and not recorded one by one (no flooding of the log).
    assert AuditEvent.objects.filter(verb="auth.login_failed").count() == 5


# --- staff session timeouts --------------------------------------------------------------------------


def age_session(client: Client, **seconds_ago: float) -> None:
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[{"seen": SEEN, "started": STARTED}[key]] = now - ago
    session.save()


def test_idle_staff_session_ends(officer):
    client, _r = post_login(HOLDER, officer.username, PASSWORD)
    assert client.get("/staff/").status_code == 200
    age_session(client, seen=29 * 60)
    assert client.get("/staff/").status_code == 200  # still active: and the use refreshes the time
    age_session(client, seen=31 * 60)
    r = client.get("/staff/calendar/")
    assert r.status_code == 302 and r["Location"].startswith(STAFF_LOGIN)
    assert "next=%2Fstaff%2Fcalendar%2F" in r["Location"]
    assert not logged_in(client)
    page = client.get(r["Location"]).content.decode()
    assert "未操作" in page and "自动退出" in page


def test_absolute_staff_session_limit(officer, settings):
    settings.GONGKAI_STAFF_SESSION_MAX_HOURS = 12
    client, _r = post_login(HOLDER, officer.username, PASSWORD)
    client.get("/staff/")
    age_session(client, started=12 * 3600 + 5, seen=10)
    r = client.get("/staff/")
    assert r.status_code == 302 and not logged_in(client)


def test_idle_time_is_configurable(officer, settings):
    settings.GONGKAI_STAFF_SESSION_IDLE_MINUTES = 5
    client, _r = post_login(HOLDER, officer.username, PASSWORD)
    client.get("/staff/")
    age_session(client, seen=6 * 60)
    assert client.get("/staff/").status_code == 302


def test_htmx_requests_are_told_where_to_go(officer):
    client, _r = post_login(HOLDER, officer.username, PASSWORD)
    client.get("/staff/")
    age_session(client, seen=31 * 60)
    r = client.get("/staff/", HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Redirect"] == STAFF_LOGIN


def test_public_sessions_keep_the_default(settings):
    account = applicant_account(username="13807310003")
    client, r = post_login(HOLDER, account.username, PASSWORD, url="/accounts/login/")
    assert r.status_code == 302
    age_session(client, seen=10 * 3600, started=13 * 3600)
    assert client.get(reverse("portal:account")).status_code == 200


# --- passwords ---------------------------------------------------------------------------------------


def test_password_may_not_contain_the_accounts_identifiers():
    applicant = ApplicantFactory(phone="13907311234")
    account = applicant.account
    for bad in (
        f"x{account.username}!x",
        f"Ab-{applicant.id_number.lower()}",
        "my 139-0731-1234 pw",
    ):
        with pytest.raises(ValidationError) as info:
            validate_password(bad, account)
        assert "不能包含您的账号、手机号、电子邮箱或证件号码" in " ".join(info.value.messages)
    validate_password("a-long-unrelated-passphrase", account)


def test_registration_refuses_the_phone_in_the_password():
    r = Client().post(
        reverse("portal:register"),
        {
            "contact": "13807310004",
            "display_name": "张建国",
            "password1": "pw13807310004x",
            "password2": "pw13807310004x",
        },
    )
    assert r.status_code == 200 and "不能包含您的账号" in r.content.decode()
