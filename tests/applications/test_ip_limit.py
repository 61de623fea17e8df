"""bad-inputs 16, per address: besides the per-account limit, at most GONGKAI_DAILY_APPLICATIONS_PER_IP
online applications a day from one client address (many accounts behind one address); over it, 429 with
Retry-After (until Beijing midnight) and the draft kept, as the per-account limit does."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gongkai.applications import limits
from gongkai.applications.models import Application
from gongkai.orgs.throttle import daily_give_back, daily_take, daily_used
from tests.factories import PASSWORD, ApplicantFactory

pytestmark = pytest.mark.django_db

HOME, OFFICE = "203.0.113.7", "198.51.100.20"


@pytest.fixture(autouse=True)
def _two_per_address(settings):
    settings.GONGKAI_DAILY_APPLICATIONS_PER_IP = 2
    settings.GONGKAI_DAILY_APPLICATION_LIMIT = 20


def _client(address: str = HOME, **extra) -> tuple[Client, object]:
    identity = ApplicantFactory()
    c = Client(REMOTE_ADDR=address, **extra)
    assert c.login(username=identity.account.username, password=PASSWORD)
    return c, identity


def _file(c: Client, identity, agency, text: str, token: str | None = None):
    url = reverse("applications_public:apply", args=[agency.code])
    token = token or c.get(url).context["form"].initial["token"]
    data = {
        "applicant": identity.pk,
        "description": text,
        "delivery_form": "electronic",
        "delivery_method": "email",
        "token": token,
    }
    return c.post(url, data), data


def _third_after_two(agency, text: str):
    """Two accounts behind HOME file one application each; a third tries to file ``text``: 429 with the
    Chinese message and the text kept. Returns the third client, its identity and the response."""
    for n in (1, 2):
        c, identity = _client()
        assert _file(c, identity, agency, f"第{n}件")[0].status_code == 302
    c, identity = _client()
    r, _data = _file(c, identity, agency, text)
    body = r.content.decode()
    assert r.status_code == 429
    assert "今天从您的网络提交的申请已达到上限" in body and text in body
    return c, identity, r


def test_a_third_account_behind_the_same_address_gets_429_and_keeps_its_draft(tree):
    agency = tree["province"]
    c, identity, r = _third_after_two(agency, "长沙县黄花镇2019年征地批复")
    assert 0 < int(r["Retry-After"]) <= 86401 and int(r["Retry-After"]) == pytest.approx(
        limits.retry_after(), abs=5
    )
    assert Application.objects.count() == 2
    # the same account from another address is not held back
    c.defaults["REMOTE_ADDR"] = OFFICE
    assert _file(c, identity, agency, "长沙县黄花镇2019年征地批复")[0].status_code == 302
    assert Application.objects.count() == 3


def test_a_form_sent_again_is_answered_with_its_application_and_not_counted(tree):
    agency = tree["province"]
    c, identity = _client()
    first, data = _file(c, identity, agency, "第1件")
    other, someone = _client()
    assert _file(other, someone, agency, "第2件")[0].status_code == 302  # the address's allowance is used
    again = c.post(
        reverse("applications_public:apply", args=[agency.code]), data
    )  # double click, back button
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Application.objects.count() == 2
    assert _file(c, identity, agency, "第3件")[0].status_code == 429


def test_refused_forms_do_not_count_and_zero_turns_the_limit_off(tree, settings):
    agency = tree["province"]
    c, identity = _client()
    url = reverse("applications_public:apply", args=[agency.code])
    for _ in range(3):  # a form with errors files nothing
        assert c.post(url, {"applicant": identity.pk, "description": ""}).status_code == 200
    for n in (1, 2):
        assert _file(c, identity, agency, f"第{n}件")[0].status_code == 302
    assert _file(c, identity, agency, "第3件")[0].status_code == 429
    settings.GONGKAI_DAILY_APPLICATIONS_PER_IP = 0
    assert _file(c, identity, agency, "第3件")[0].status_code == 302


def test_behind_a_trusted_proxy_each_client_address_counts_and_a_forged_header_does_not_help(tree, settings):
    agency = tree["province"]
    settings.GONGKAI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = "10.0.0.2"
    for n in (1, 2):
        c, identity = _client(proxy, HTTP_X_FORWARDED_FOR=HOME)
        assert _file(c, identity, agency, f"第{n}件")[0].status_code == 302
    c, identity = _client(proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert _file(c, identity, agency, "第3件")[0].status_code == 429
    c, identity = _client(proxy, HTTP_X_FORWARDED_FOR=OFFICE)  # another client behind the same proxy
    assert _file(c, identity, agency, "第3件")[0].status_code == 302
    # not from a trusted proxy: the header is ignored, so naming another address escapes nothing
    settings.GONGKAI_TRUSTED_PROXIES = []
    for n in (1, 2):
        c, identity = _client("192.0.2.50", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert _file(c, identity, agency, f"第{n}件")[0].status_code == 302
    c, identity = _client("192.0.2.50", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert _file(c, identity, agency, "第3件")[0].status_code == 429


def test_the_address_is_kept_only_as_a_keyed_hash(tree, caplog):
    agency = tree["province"]
    with caplog.at_level(logging.WARNING, logger="gongkai.access"):
        for n in (1, 2):
            c, identity = _client()
            _file(c, identity, agency, f"第{n}件")
    assert "application limit per address reached" in caplog.text and HOME not in caplog.text
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any(HOME in str(k) for k in keys)


def test_forms_arriving_at_the_same_instant_cannot_pass_the_limit_together(tree, monkeypatch):
    """Forms sent at the same instant all pass the early check (here: switched off) before any is counted;
    the use each takes before filing is one atomic increment, so the one over the limit still gets 429
    with its draft, and nothing more is filed."""
    agency = tree["province"]
    monkeypatch.setattr(limits, "reached", lambda request: False)
    _c, _identity, r = _third_after_two(agency, "同一时刻的第三件")
    assert int(r["Retry-After"]) > 0
    assert Application.objects.count() == 2
    assert daily_used(limits.SCOPE, HOME) == 2  # the refused one gave its use back


def test_a_filing_that_fails_gives_its_use_back(tree, monkeypatch):
    from gongkai.applications import services

    agency = tree["province"]
    c, identity = _client()

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "application_submit_online", broken)
    with pytest.raises(RuntimeError):
        _file(c, identity, agency, "第1件")
    assert daily_used(limits.SCOPE, HOME) == 0
    monkeypatch.undo()
    assert _file(c, identity, agency, "第1件")[0].status_code == 302
    assert daily_used(limits.SCOPE, HOME) == 1


def test_take_and_give_back_are_bounded():
    taken = [daily_take("t", HOME, 2) for _ in range(4)]
    assert [t is not None for t in taken] == [True, True, False, False]
    assert [t.count for t in taken if t] == [1, 2] and daily_used("t", HOME) == 2
    daily_give_back(taken[1])
    assert daily_take("t", HOME, 2) is not None and daily_take("t", HOME, 2) is None
    first = daily_take("t", OFFICE, 0)  # 0 = no limit, still counted
    assert first is not None and daily_used("t", OFFICE) == 1
    daily_give_back(first)
    daily_give_back(first)  # given back twice by mistake: never below zero
    assert daily_used("t", OFFICE) == 0


def test_a_use_taken_before_midnight_is_given_back_to_that_day(monkeypatch):
    """Taken at 23:59:59 Beijing time, given back after midnight: the old day's counter goes down, the new
    day's is untouched."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    beijing = ZoneInfo("Asia/Shanghai")
    clock = {"now": datetime(2026, 12, 7, 23, 59, 59, tzinfo=beijing)}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    taken = daily_take("t", HOME, 5)
    assert taken is not None
    clock["now"] = datetime(2026, 12, 8, 0, 0, 1, tzinfo=beijing)
    assert daily_take("t", HOME, 5) is not None  # the new day's first use
    daily_give_back(taken)
    assert daily_used("t", HOME) == 1  # the new day's count is what it was
    clock["now"] = datetime(2026, 12, 7, 23, 59, 59, tzinfo=beijing)
    assert daily_used("t", HOME) == 0  # the old day's use came back


def test_one_account_at_the_same_instant_cannot_pass_its_own_limit(tree, settings, monkeypatch):
    """Two forms of one account at once both pass the early check (here: switched off); filing checks the
    account's count again under a lock on its row, so the one over the limit gets 429 with its draft."""
    from gongkai.applications import views_public

    settings.GONGKAI_DAILY_APPLICATION_LIMIT = 1
    monkeypatch.setattr(views_public, "_over_limits", lambda request: None)
    agency = tree["province"]
    c, identity = _client()
    assert _file(c, identity, agency, "第1件")[0].status_code == 302
    r, _data = _file(c, identity, agency, "同一时刻的第2件")
    body = r.content.decode()
    assert r.status_code == 429 and "您今天提交的申请已达到上限" in body and "同一时刻的第2件" in body
    assert Application.objects.count() == 1
    assert daily_used(limits.SCOPE, HOME) == 1  # the address's use was given back
