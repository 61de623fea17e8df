"""Two-factor authentication for staff: required for heads and administrators, optional for others."""

from __future__ import annotations

import re
import time
from io import StringIO

import pyotp
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from gongkai.core.models import AuditEvent
from gongkai.orgs import twofactor
from gongkai.orgs.models import RecoveryCode, Role, TOTPDevice
from tests.factories import PASSWORD, AgencyFactory, UnitFactory, staff, totp_device

pytestmark = pytest.mark.django_db

LOGIN = "/staff/login/"
OTP = "/staff/login/otp/"
ENROL = "/staff/account/2fa/"


@pytest.fixture
def agency():
    return AgencyFactory()


def password_step(user, next_url: str = "") -> tuple[Client, object]:
    client = Client(REMOTE_ADDR="198.51.100.20")
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client, client.post(LOGIN, data)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def code_after(secret: str, steps: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + steps * totp.interval)


# --- optional for others -----------------------------------------------------------------------------


def test_officer_without_device_is_not_forced(agency):
    officer = staff(agency, Role.OFFICER, unit=UnitFactory(agency=agency))
    client, r = password_step(officer)
    assert r.status_code == 302 and r["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert client.get("/staff/calendar/").status_code == 200


def test_officer_may_enrol_voluntarily(agency):
    officer = staff(agency, Role.CLERK)
    client, _r = password_step(officer)
    page = client.get(ENROL).content.decode()
    assert "<svg" in page and "必须" not in page
    secret = TOTPDevice.objects.get(user=officer).secret
    r = client.post(ENROL, {"code": code_after(secret)})
    assert r.status_code == 200 and "恢复码" in r.content.decode()
    assert twofactor.device_for(officer) is not None
    # From now on the officer too has a second step.
    _c, r = password_step(officer)
    assert r["Location"] == OTP


# --- required for heads and administrators -----------------------------------------------------------


@pytest.mark.parametrize("role", [Role.HEAD, Role.ADMIN])
def test_head_or_admin_without_device_must_enrol_first(agency, role):
    head = staff(agency, role)
    client, r = password_step(head)
    assert r.status_code == 302 and r["Location"] == ENROL
    for path in ("/staff/", "/staff/calendar/", "/staff/applications/", "/staff/audit/"):
        r = client.get(path)
        assert r.status_code == 302 and r["Location"] == ENROL, path
    r = client.get("/staff/", HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Redirect"] == ENROL

    page = client.get(ENROL).content.decode()
    assert "须启用两步验证" in page
    svg = re.search(r"<svg.*?</svg>", page, re.S).group()
    assert "<script" not in svg and "href" not in svg  # drawn here, nothing loaded from elsewhere
    device = TOTPDevice.objects.get(user=head)
    assert device.confirmed_at is None
    shown = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert shown.replace(" ", "") == device.secret
    # Reloading the page keeps the same secret (the app may already have it).
    assert shown in client.get(ENROL).content.decode()

    wrong = client.post(ENROL, {"code": "000000" if code_after(device.secret) != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    assert client.get("/staff/").status_code == 302

    r = client.post(ENROL, {"code": code_after(device.secret)})
    body = r.content.decode()
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", body)
    assert len(codes) == 10 and r["Cache-Control"].startswith("max-age=0")
    assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(verb="auth.2fa_enrolled", actor=head).count() == 1
    # Recovery codes are stored hashed, never in clear.
    stored = set(RecoveryCode.objects.filter(user=head).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)


def test_the_secret_is_encrypted_at_rest(agency):
    head = staff(agency, Role.HEAD)
    secret = totp_device(head)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM orgs_totpdevice WHERE user_id = %s", [head.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("enc1:") and secret not in raw


# --- the second step ---------------------------------------------------------------------------------


def test_second_step_after_the_password(agency):
    head = staff(agency, Role.HEAD)
    secret = totp_device(head)
    client, r = password_step(head, next_url="/staff/calendar/")
    assert r.status_code == 302 and r["Location"] == OTP
    assert not logged_in(client)  # the password alone does not log in
    assert client.get("/staff/").status_code == 302
    page = client.get(OTP)
    assert page.status_code == 200 and "两步验证" in page.content.decode()

    bad = "000000" if code_after(secret) != "000000" else "111111"
    r = client.post(OTP, {"code": bad})
    assert r.status_code == 200 and "验证码不正确" in r.content.decode() and not logged_in(client)

    good = code_after(secret)
    r = client.post(OTP, {"code": good})
    assert r.status_code == 302 and r["Location"] == "/staff/calendar/"
    assert logged_in(client) and client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(verb="auth.login", actor=head, data__via="totp").count() == 1
    assert AuditEvent.objects.filter(verb="auth.login_failed", data__step="otp").count() == 1

    # The same code cannot be used again (replay), even in a new login.
    again, _r = password_step(head)
    r = again.post(OTP, {"code": good})
    assert "验证码不正确" in r.content.decode() and not logged_in(again)


def test_codes_of_the_neighbouring_step_are_accepted(agency):
    head = staff(agency, Role.HEAD)
    secret = totp_device(head)
    client, _r = password_step(head)
    assert client.post(OTP, {"code": code_after(secret, -1)}).status_code == 302


def test_a_code_from_long_ago_is_refused(agency):
    head = staff(agency, Role.HEAD)
    secret = totp_device(head)
    client, _r = password_step(head)
    old = code_after(secret, -4)
    if old in {code_after(secret, k) for k in (-1, 0, 1)}:
        pytest.skip("the old code happens to equal a current one")
    assert "验证码不正确" in client.post(OTP, {"code": old}).content.decode()


def test_recovery_codes_work_once(agency):
    head = staff(agency, Role.HEAD)
    totp_device(head)
    codes = twofactor.new_recovery_codes(head)
    client, _r = password_step(head)
    r = client.post(OTP, {"code": codes[0].upper().replace("-", " ")})
    assert r.status_code == 302 and logged_in(client)
    event = AuditEvent.objects.get(verb="auth.recovery_code_used")
    assert event.data == {"remaining": 9} and codes[0] not in str(event.data)
    assert AuditEvent.objects.filter(verb="auth.login", data__via="recovery").count() == 1
    again, _r = password_step(head)
    r = again.post(OTP, {"code": codes[0]})
    assert "验证码不正确" in r.content.decode() and not logged_in(again)
    assert again.post(OTP, {"code": codes[1]}).status_code == 302


def test_second_step_is_throttled(agency):
    head = staff(agency, Role.HEAD)
    secret = totp_device(head)
    client, _r = password_step(head)
    bad = "000000" if code_after(secret) != "000000" else "111111"
    for _ in range(5):
        client.post(OTP, {"code": bad})
    r = client.post(OTP, {"code": code_after(secret)})
    assert "登录尝试次数过多" in r.content.decode() and not logged_in(client)


def test_the_pending_login_expires(agency):
    head = staff(agency, Role.HEAD)
    secret = totp_device(head)
    client, _r = password_step(head)
    session = client.session
    session[twofactor.PENDING]["at"] = time.time() - twofactor.PENDING_SECONDS - 1
    session.save()
    r = client.post(OTP, {"code": code_after(secret)})
    assert r.status_code == 302 and r["Location"] == LOGIN and not logged_in(client)


def test_otp_page_without_a_password_step_goes_to_login():
    r = Client().get(OTP)
    assert r.status_code == 302 and r["Location"] == LOGIN


def test_a_session_without_the_second_step_is_refused(agency):
    """However a session of a user with a device was made (here: force_login), it must pass step two."""
    head = staff(agency, Role.HEAD)
    totp_device(head)
    client = Client()
    client.force_login(head)
    r = client.get("/staff/")
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)
    assert not logged_in(client)


def test_the_admin_login_goes_through_the_staff_login():
    r = Client().get("/admin/login/?next=/admin/orgs/user/")
    assert r.status_code == 302 and r["Location"] == "/staff/login/?next=%2Fadmin%2Forgs%2Fuser%2F"


def test_reset_by_command(agency):
    head = staff(agency, Role.HEAD)
    admin = staff(agency, Role.ADMIN)
    totp_device(head)
    twofactor.new_recovery_codes(head)
    out = StringIO()
    call_command("twofactor", "status", head.username, stdout=out)
    assert "已启用" in out.getvalue() and "岗位要求启用" in out.getvalue()
    call_command(
        "twofactor", "reset", head.username, "--by", admin.username, "--reason", "手机丢失", stdout=out
    )
    assert twofactor.device_for(head) is None and not RecoveryCode.objects.filter(user=head).exists()
    event = AuditEvent.objects.get(verb="auth.2fa_reset")
    assert event.actor_id == admin.pk and event.object_id == str(head.pk)
    _c, r = password_step(head)
    assert r["Location"] == ENROL


# --- the demonstration -------------------------------------------------------------------------------


def test_demo_heads_log_in_with_the_demo_secret():
    from gongkai.orgs.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    out = StringIO()
    call_command("demo", stdout=out)
    assert DEMO_TOTP_SECRET in out.getvalue() and "twofactor demo-code" in out.getvalue()
    client = Client()
    r = client.post(LOGIN, {"username": "hn.head", "password": DEMO_PASSWORD})
    assert r["Location"] == OTP
    code = StringIO()
    call_command("twofactor", "demo-code", stdout=code)
    assert client.post(OTP, {"code": code.getvalue().strip()}).status_code == 302
    assert client.get("/staff/").status_code == 200
    # Officers of the demo have no device and log in with the password alone.
    other = Client()
    assert other.post(LOGIN, {"username": "hn.clerk", "password": DEMO_PASSWORD})["Location"] == "/staff/"
