"""The whole-page cache of the public portal (core/pagecache.py).

Anonymous visitors get a stored copy of a public page until something public changes; whoever is signed
in, whoever sees a form that posts, and whoever asked in another language or display mode gets the page
rendered for them. bench/portal.py measures what it buys under load.
"""

from __future__ import annotations

import socket
from datetime import date

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.core import pagecache
from gongkai.publishing import services
from tests.factories import PASSWORD

HIT = pagecache.HIT_HEADER


@pytest.fixture(autouse=True)
def _own_stamp(tmp_path, settings):
    """A generation stamp of this test's own: another process publishing must not empty our cache."""
    settings.DATA_DIR = tmp_path


def publish(desk, title):
    item = services.item_create(
        agency=desk["agency"],
        by=desk["writer"],
        data={"node": desk["node"], "title": title, "formed_on": date(2026, 11, 2), "body": "<p>正文</p>"},
    )
    services.item_submit(item=item, by=desk["writer"])
    services.item_review(item=item, approve=True, note="不涉密", by=desk["reviewer"])
    return services.item_publish(item=item, by=desk["publisher"])


def listing(desk) -> str:
    return reverse("publishing_public:list", args=[desk["agency"].code, desk["node"].pk])


def test_second_anonymous_visit_is_served_from_the_cache_without_a_query(desk):
    publish(desk, "长沙县2026年第1批次征收土地的批复")
    c = Client()
    first = c.get(listing(desk))
    assert first.status_code == 200 and HIT not in first
    with CaptureQueriesContext(connection) as queries:
        second = c.get(listing(desk))
    assert second[HIT] == "hit" and len(queries.captured_queries) == 0
    assert second.content == first.content
    # the security headers travel with the stored page; no cookie is ever replayed
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert second[header] == first[header]
    assert not second.cookies


def test_a_publication_and_a_withdrawal_show_at_once(desk):
    item = publish(desk, "第一条批复")
    c = Client()
    c.get(listing(desk))
    assert c.get(listing(desk))[HIT] == "hit"
    publish(desk, "第二条批复")
    fresh = c.get(listing(desk))
    assert HIT not in fresh and "第二条批复" in fresh.content.decode()
    detail = reverse("publishing_public:detail", args=[desk["agency"].code, item.pk])
    assert c.get(detail).status_code == 200 and c.get(detail)[HIT] == "hit"
    services.item_withdraw(item=item, reason="批复已被撤销", by=desk["publisher"])
    assert c.get(detail).status_code == 410
    assert "第一条批复" not in c.get(listing(desk)).content.decode()


def test_a_page_rendered_during_a_publication_is_not_served_after_it(
    desk, django_capture_on_commit_callbacks
):
    """The generation is read before the view runs: a page rendered from the old data never outlives it."""
    c = Client()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(desk, "提交中的批复")
        c.get(listing(desk))  # rendered (and stored) while the publication had not committed yet
        assert c.get(listing(desk))[HIT] == "hit"
    for callback in callbacks:  # the commit
        callback()
    assert HIT not in c.get(listing(desk))


def test_signed_in_visitors_never_get_or_leave_a_cached_page(desk):
    anonymous = Client()
    anonymous.get("/")
    assert anonymous.get("/")[HIT] == "hit"
    clerk = Client()
    assert clerk.login(username=desk["writer"].username, password=PASSWORD)
    page = clerk.get("/")
    assert HIT not in page and "工作台" in page.content.decode()
    assert "工作台" not in anonymous.get("/").content.decode()


def test_pages_with_a_form_that_posts_are_never_stored(tree):
    from gongkai.mailbox.models import Box, BoxKind

    box = Box.objects.create(agency=tree["province"], kind=BoxKind.CONSULTATION)
    path = reverse("mailbox_public:write", args=[tree["province"].code, box.pk])
    c = Client()
    first = c.get(path)
    assert first.status_code == 200 and "csrfmiddlewaretoken" in first.content.decode()
    assert HIT not in c.get(path)
    assert pagecache._store().get(pagecache._key(first.wsgi_request)) is None


def test_language_and_elder_mode_get_their_own_copies(desk):
    c = Client()
    chinese = c.get("/").content.decode()
    english = Client(headers={"accept-language": "en"}).get("/").content.decode()
    assert 'lang="zh-Hans"' in chinese and 'lang="en"' in english
    c.cookies["gongkai_elder"] = "1"
    elder = c.get("/").content.decode()
    assert 'class="portal elder"' in elder
    del c.cookies["gongkai_elder"]
    assert c.get("/")[HIT] == "hit" and 'class="portal elder"' not in c.get("/").content.decode()


def test_language_switch_is_a_link_that_sets_the_cookie(tree):
    c = Client()
    home = c.get("/").content.decode()
    assert "/display/language/?language=en" in home and "csrfmiddlewaretoken" not in home
    r = c.get("/display/language/", {"language": "en", "next": "/"})
    assert r.status_code == 302 and r["Location"] == "/" and r.cookies["django_language"].value == "en"
    assert 'lang="en"' in c.get("/").content.decode()
    # nowhere else to go, and no unknown language
    r = c.get("/display/language/", {"language": "xx", "next": "https://evil.example/"})
    assert r["Location"] == "/" and "django_language" not in r.cookies


def test_a_host_not_allowed_is_still_refused(tree):
    Client().get("/")
    assert Client(HTTP_HOST="evil.example").get("/").status_code == 400


@override_settings(GONGKAI_PAGE_CACHE_SECONDS=0)
def test_zero_seconds_turns_the_cache_off(tree):
    c = Client()
    c.get("/")
    assert HIT not in c.get("/")


def test_pages_that_did_not_opt_in_are_never_stored(tree):
    c = Client()
    c.get("/accounts/login/")
    assert HIT not in c.get("/accounts/login/")
    c.get("/sitemap.xml")
    assert HIT not in c.get("/sitemap.xml")


def test_the_generation_stamp_is_seen_by_every_process(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    before = pagecache._file_generation()
    pagecache.invalidate()
    after = pagecache._file_generation()
    assert after != before and (tmp_path / "page-cache.generation").exists()


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.2).close()
        return True
    except OSError:
        return False


LOCAL_PAGES = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages"}


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")
@pytest.mark.parametrize("pages", [None, LOCAL_PAGES], ids=["pages-in-redis", "pages-in-worker-memory"])
def test_with_a_shared_cache_the_generation_lives_in_it(desk, pages):
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
        }
    }
    if pages:
        redis["pages"] = pages
    pagecache._remote["value"] = None  # nothing remembered from another test's Redis
    with override_settings(CACHES=redis):
        from django.core.cache import caches  # override_settings reopened "default" on Redis

        try:
            caches["default"].clear()
            c = Client()
            c.get(listing(desk))  # an empty Redis: a generation is started, nothing stored under none
            first = caches["default"].get(pagecache.GENERATION_KEY)
            assert first is not None
            c.get(listing(desk))
            assert c.get(listing(desk))[HIT] == "hit"
            publish(desk, "共享缓存里的新批复")
            assert caches["default"].get(pagecache.GENERATION_KEY) != first
            fresh = c.get(listing(desk))
            assert HIT not in fresh and "共享缓存里的新批复" in fresh.content.decode()
        finally:
            caches["default"].clear()


def test_search_pages_are_dropped_when_the_index_catches_up(desk):
    from gongkai.search import outbox

    publish(desk, "索引追上之前的批复")
    c = Client()
    path = "/search/?q=" + "批复"
    c.get(path)
    assert c.get(path)[HIT] == "hit"
    assert outbox.process() > 0  # the index applies the publication
    assert HIT not in c.get(path)


def test_every_audited_change_in_a_public_area_starts_a_generation(desk):
    from gongkai.core import audit

    before = pagecache._file_generation()
    audit.record(desk["writer"], "credit.reveal", desk["node"])  # reading changes nothing
    audit.record(desk["writer"], "application.reply", desk["node"])  # not shown on public pages
    assert pagecache._file_generation() == before
    for verb in (
        "land.disclosure_update",
        "credit.update",
        "catalogue.move",
        "normative.attach",
        "item.attach",
    ):
        audit.record(desk["writer"], verb, desk["node"])
        assert pagecache._file_generation() != before, verb
        before = pagecache._file_generation()


def test_a_catalogue_column_renamed_in_the_staff_pages_shows_at_once(desk):
    c = Client()
    c.get(f"/gk/{desk['agency'].code}/proactive/")
    assert c.get(f"/gk/{desk['agency'].code}/proactive/")[HIT] == "hit"
    from gongkai.core import audit

    desk["node"].name = "征地信息（新）"
    desk["node"].save()
    audit.record(desk["writer"], "catalogue.update", desk["node"])
    assert "征地信息（新）" in c.get(f"/gk/{desk['agency'].code}/proactive/").content.decode()


def test_very_long_urls_are_answered_but_never_stored(tree):
    c = Client()
    path = "/search/?q=" + "征地" * 300
    assert c.get(path).status_code == 200
    assert HIT not in c.get(path)


def test_pages_can_live_in_a_store_of_their_own():
    from django.conf import settings

    assert "pages" in settings.CACHES  # GONGKAI_PAGE_CACHE_URL points it at a Redis of its own
    assert pagecache._store() is not None


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")
def test_a_publication_on_another_app_server_is_seen_within_a_second(desk, monkeypatch):
    """Another host sets the shared generation in Redis (its stamp file is on its own disk)."""
    from django.core.cache import caches

    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/14",
    }
    with override_settings(CACHES={"default": redis, "pages": LOCAL_PAGES}):
        pagecache._remote["value"] = None
        try:
            c = Client()
            for _ in range(3):
                last = c.get(listing(desk))
            assert last[HIT] == "hit"
            caches["default"].set(pagecache.GENERATION_KEY, "another-host", None)
            assert c.get(listing(desk))[HIT] == "hit"  # read at most once a second
            monkeypatch.setattr(pagecache, "REMOTE_SECONDS", 0.0)
            assert HIT not in c.get(listing(desk))
        finally:
            caches["default"].clear()
            pagecache._remote["value"] = None
