"""Search over a fixed corpus (recall for words, phrases, pinyin, a typo and a synonym), withdrawal, the
outbox after a crash, the API's shape, the portal page and the database fallback. Runs on SQLite and on
PostgreSQL (CI runs the suite on both)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from gongkai.publishing import services
from gongkai.search import engine, outbox
from gongkai.search.models import IndexOutbox, SearchEntry
from tests.search.conftest import keys

pytestmark = pytest.mark.django_db


def k(item) -> str:
    return f"item:{item.pk}"


def test_recall_on_fixed_corpus(corpus):
    notice, pre, plan, mine = (k(corpus[x]) for x in ("notice", "pre", "plan", "mine"))
    assert keys(engine.search("拆迁")) == {notice}  # a 2-character word inside 征地拆迁, source traditional
    assert keys(engine.search("徵地拆遷")) == {notice}  # a traditional query
    assert keys(engine.search("矿业权")) == {mine}
    assert keys(engine.search("“补偿安置方案”")) == {notice}  # a quoted exact phrase
    assert keys(engine.search("“安置方案补偿”")) == set()
    assert keys(engine.search("永久基本农田 醴陵")) == {plan}  # words of the body and of the title
    assert notice in keys(engine.search("zhengdi"))  # pinyin of a title word
    assert keys(engine.search("huanghuazhen")) == {notice}
    assert notice in keys(engine.search("zd"))
    # the synonym: 征地 finds the notice that only says 征收土地, and the other way round
    assert keys(engine.search("征地")) == {notice, pre}
    assert keys(engine.search("征收土地")) == {notice, pre}


def test_typo_gives_did_you_mean(corpus):
    results = engine.search("征地拆前")
    assert results.count == 0 and results.suggestion == "征地拆迁"
    assert engine.search("zhengdi").suggestion == "征地"
    assert engine.search("征地拆迁").suggestion is None


def test_filters_facets_snippets_and_order(corpus):
    results = engine.search("公告")
    assert results.count == 3
    assert dict(results.facets["year"]) == {2025: 2, 2023: 1}
    assert dict(results.facets["type"]) == {"item": 3}
    assert engine.search("公告", year=2023).count == 1
    assert engine.search("公告", agency="4301S0").count == 0  # a city below the province
    assert engine.search("公告", agency="430S00").count == 3
    assert engine.search("公告", types="normative").count == 0
    newest = engine.search("公告", order="newest").results
    assert [r.date.year for r in newest] == sorted((r.date.year for r in newest), reverse=True)
    hit = engine.search("拆迁").results[0]
    assert "<mark>拆迁</mark>" in hit.snippet or "<mark>拆迁</mark>" in hit.title or "拆迁" in hit.title
    assert hit.url.endswith(f"/gk/430S00/info/{corpus['notice'].pk}/")


def test_withdrawal_hides_an_item_at_once(corpus, desk):
    notice = corpus["notice"]
    services.item_withdraw(item=notice, reason="内容有误", by=desk["publisher"])
    assert IndexOutbox.objects.filter(done_at__isnull=True, kind="item", object_id=notice.pk).exists()
    # the outbox has not been processed: the index still holds it, the page never shows it
    assert k(notice) not in keys(engine.search("拆迁"))
    assert Client().get("/api/v1/search", {"q": "拆迁"}).json()["results"] == []
    outbox.process_all()
    assert engine.search("拆迁").count == 0
    assert not SearchEntry.objects.filter(key=k(notice)).exists()


def test_outbox_recovers_after_a_crash(corpus, desk, monkeypatch):
    from tests.publishing.test_publishing import make, publish

    item = publish(desk, make(desk, "株洲市地质灾害防治方案"))
    pending = IndexOutbox.objects.filter(done_at__isnull=True).count()
    assert pending == 1

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    # the process dies after the index commit, before the entries are marked done
    monkeypatch.setattr(outbox, "save_entry", crash)
    with pytest.raises(RuntimeError):
        outbox.process()
    assert IndexOutbox.objects.filter(done_at__isnull=True).count() == 1
    monkeypatch.undo()
    # entries left undone are applied again, idempotently
    assert outbox.process_all() == 1
    assert outbox.pending() == 0
    assert keys(engine.search("地质灾害")) == {k(item)}
    assert engine.search("地质灾害").count == 1
    assert SearchEntry.objects.filter(key=k(item)).count() == 1


def test_api_shape_and_schema(corpus):
    c = Client()
    data = c.get("/api/v1/search", {"q": "征地", "type": "item", "agency": "430S00", "page": 1}).json()
    assert set(data) == {"count", "results", "suggestion"}
    assert data["count"] == 2 and data["suggestion"] is None
    for row in data["results"]:
        assert set(row) == {"title", "url", "type", "agency", "date", "snippet"}
        assert row["type"] == "item" and row["agency"] == "430S00" and row["url"].startswith("http")
    assert c.get("/api/v1/search", {"q": "征地拆前"}).json()["suggestion"] == "征地拆迁"
    assert c.get("/api/v1/search").json() == {"count": 0, "results": [], "suggestion": None}
    schema = c.get("/api/v1/openapi.json").json()
    assert "/api/v1/search" in schema["paths"] and "SearchResult" in schema["components"]["schemas"]


def test_portal_page_box_and_suggestions(corpus):
    c = Client()
    html = c.get("/search/", {"q": "征地"}).content.decode()
    assert "<mark>" in html and "主动公开" in html and "共找到 2 条结果" in html
    assert 'href="?q=%E5%BE%81%E5%9C%B0&amp;year=2025"' in html  # a facet link, no script needed
    html = c.get("/search/", {"q": "征地拆前"}).content.decode()
    assert "您是不是要找" in html and "征地拆迁" in html
    assert 'id="site-search-q"' in c.get("/").content.decode()  # the box on every portal page
    words = c.get("/search/suggest", {"q": "zhengd"}).json()["suggestions"]
    assert any(s["text"] == "征地" for s in words)
    titles = c.get("/search/suggest", {"q": "醴陵"}).json()["suggestions"]
    assert any(s.get("url") for s in titles)


def test_database_fallback_gives_the_same_hits(corpus, monkeypatch):
    expected = {q: keys(engine.search(q)) for q in ("拆迁", "征地", "zhengdi", "“补偿安置方案”")}
    monkeypatch.setattr(engine, "use_index", lambda: None)
    for q, found in expected.items():
        results = engine.search(q)
        assert results.engine == "database"
        assert keys(results) == found, q
    assert engine.search("征地拆前").suggestion == "征地拆迁"


def test_reindex_rebuilds_everything(corpus):
    SearchEntry.objects.all().delete()
    call_command("reindex", "--quiet")
    assert SearchEntry.objects.count() == 4
    assert engine.get_index().num_docs() == 4
    assert outbox.pending() == 0


def test_reindex_removes_copies_of_what_is_no_longer_public_and_rewrites_the_rest(corpus):
    """The database copy: every public document written again in batches (one statement each), and every
    entry the rebuild did not write removed, however many documents there are."""
    from datetime import timedelta

    from django.utils import timezone

    stale = SearchEntry.objects.create(key="item:999999", type="item", title="已撤回的旧条目", url="/x/")
    SearchEntry.objects.filter(key=k(corpus["notice"])).update(title="改过的旧副本")
    SearchEntry.objects.update(written_at=timezone.now() - timedelta(minutes=5))
    call_command("reindex", "--quiet")
    assert not SearchEntry.objects.filter(pk=stale.pk).exists()
    assert SearchEntry.objects.count() == 4
    assert SearchEntry.objects.get(key=k(corpus["notice"])).title != "改过的旧副本"
    assert not SearchEntry.objects.filter(written_at__lt=timezone.now() - timedelta(minutes=1)).exists()


def test_save_entries_is_one_statement_per_batch(corpus, django_assert_max_num_queries):
    from gongkai.search import documents

    docs = [doc for batch in documents.iterate() for doc in batch]
    norm = engine.normaliser()
    with django_assert_max_num_queries(1):
        outbox.save_entries(docs, norm)
    assert SearchEntry.objects.count() == len(docs) == 4


@pytest.mark.parametrize("fallback", [False, True], ids=["tantivy", "database"])
def test_did_you_mean_when_the_typo_matches_loosely_more_than_the_word(corpus, desk, monkeypatch, fallback):
    """征地拆前: 拆前 is no word, so the query asks for 征地, 拆 and 前 anywhere, which documents that only
    mention them apart satisfy; the word the typo sounds like (征地拆迁) is in fewer documents, yet it is
    what the citizen meant (as on the demo portal, where the annual reports matched the typo)."""
    from tests.publishing.test_publishing import make, publish

    for n in range(3):
        item = make(
            desk, f"征地工作动态{n}", formed=date(2025, 4, 1), body="<p>拆除违法建筑前，先行公告。</p>"
        )
        publish(desk, item, datetime(2025, 4, 5, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    outbox.process_all()
    if fallback:
        monkeypatch.setattr(engine, "use_index", lambda: None)
    results = engine.search("征地拆前")
    assert results.count == 3 and results.suggestion == "征地拆迁"
    assert engine.search("征地拆迁").count == 1
