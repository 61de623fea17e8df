"""A citizen registers with a mobile number or an email address and proves it with a code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.core import sms
from gongkai.orgs.models import User, VerificationCode

pytestmark = pytest.mark.django_db
PASSWORD = "v1llage-farmer-2026"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.GONGKAI_SMS_BACKEND = "gongkai.core.sms.locmem"
    sms.outbox.clear()
    return sms.outbox


def register(client: Client, contact: str, **extra):
    data = {
        "contact": contact,
        "display_name": "张建国",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }
    return client.post(reverse("portal:register"), data)


def test_register_by_phone_and_verify(sms_outbox, django_capture_on_commit_callbacks):
    c = Client()
    with django_capture_on_commit_callbacks(execute=True):
        r = register(c, "+86 138-0731-0009")
    assert r.status_code == 302 and r["Location"] == reverse("portal:verify")
    user = User.objects.get(username="13807310009")
    assert not user.is_active and user.kind == "applicant"
    phone, text = sms_outbox[-1]
    assert phone == "13807310009"
    code = re.search(r"\d{6}", text).group()
    assert (
        c.post(reverse("portal:login"), {"username": "13807310009", "password": PASSWORD}).status_code == 200
    )
    wrong = c.post(
        reverse("portal:verify"),
        {"username": "13807310009", "code": "000000" if code != "000000" else "111111"},
    )
    assert "验证码不正确" in wrong.content.decode()
    ok = c.post(reverse("portal:verify"), {"username": "13807310009", "code": code})
    assert ok.status_code == 302 and ok["Location"] == reverse("portal:applicant_new")
    user.refresh_from_db()
    assert user.is_active
    # The code cannot be used twice.
    user.is_active = False
    user.save()
    again = Client().post(reverse("portal:verify"), {"username": "13807310009", "code": code})
    assert "验证码不正确" in again.content.decode()


def test_register_by_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(Client(), "Farmer@Example.com")
    user = User.objects.get(username="farmer@example.com")
    assert user.email == "farmer@example.com"
    assert mail.outbox[-1].to == ["farmer@example.com"] and re.search(r"\d{6}", mail.outbox[-1].body)


def test_bad_input_keeps_what_was_typed():
    r = register(Client(), "1380731", display_name="欧阳𠀀明")
    body = r.content.decode()
    assert (
        r.status_code == 200 and "电话" in body and 'value="欧阳𠀀明"' in body and 'value="1380731"' in body
    )
    r = register(Client(), "13807310009", password2="different-password")
    assert "两次输入的密码不一致" in r.content.decode()
    r = register(Client(), "13807310009", password1="1234567890", password2="1234567890")
    assert r.status_code == 200 and not User.objects.filter(username="13807310009").exists()


def test_attempts_are_limited_and_codes_expire(sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(Client(), "13807310009")
    code = re.search(r"\d{6}", sms_outbox[-1][1]).group()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        Client().post(reverse("portal:verify"), {"username": "13807310009", "code": wrong})
    r = Client().post(reverse("portal:verify"), {"username": "13807310009", "code": code})
    assert "验证码不正确" in r.content.decode()  # locked after five wrong tries
    VerificationCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("portal:verify"), {"username": "13807310009", "resend": "1"})
    fresh = re.search(r"\d{6}", sms_outbox[-1][1]).group()
    VerificationCode.objects.filter(used_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    r = Client().post(reverse("portal:verify"), {"username": "13807310009", "code": fresh})
    assert "验证码不正确" in r.content.decode()


def test_an_active_account_cannot_be_registered_again():
    User.objects.create_user(username="13807310009", password=PASSWORD, kind="applicant")
    r = register(Client(), "138 0731 0009")
    assert "已注册" in r.content.decode()
