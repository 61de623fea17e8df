"""Proactive disclosure: the workflow, 索引号, versions, withdrawal, timeliness, the portal and feeds."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Role
from gongkai.publishing import services, workflow
from gongkai.publishing.models import CatalogueNode, Item
from gongkai.publishing.workflow import Status
from tests.factories import PASSWORD, staff
from tests.upload_samples import PDF

TZ = ZoneInfo("Asia/Shanghai")


def make(
    desk, title="长沙县2025年第3批次建设用地征收土地的批复", formed=date(2025, 9, 1), body="<p>正文</p>"
):
    return services.item_create(
        agency=desk["agency"],
        by=desk["writer"],
        data={"node": desk["node"], "title": title, "formed_on": formed, "body": body},
    )


def publish(desk, item, when=None):
    services.item_submit(item=item, by=desk["writer"])
    services.item_review(item=item, approve=True, note="不涉密", by=desk["reviewer"])
    return services.item_publish(item=item, by=desk["publisher"], published_at=when)


def test_pure_workflow_has_no_path_around_the_review():
    for state in Status:
        if state is not Status.APPROVED and state is not Status.SCHEDULED:
            assert Status.PUBLISHED not in workflow.ALLOWED[state]
    assert workflow.index_number("430S00", 2021, 123) == "430S00/2021-000123"


@pytest.mark.django_db
def test_catalogue_is_seeded_once(tree):
    assert services.catalogue_seed(tree["province"]) == 22
    assert services.catalogue_seed(tree["province"]) == 0
    assert CatalogueNode.objects.filter(agency=tree["province"], art20_item__isnull=False).count() == 15


@pytest.mark.django_db
def test_publication_gives_gap_free_index_numbers_per_year(desk):
    a = publish(desk, make(desk), datetime(2025, 3, 2, 10, tzinfo=TZ))
    b = publish(desk, make(desk, "第二条"), datetime(2025, 3, 3, 10, tzinfo=TZ))
    c = publish(desk, make(desk, "第三条"), datetime(2026, 1, 5, 10, tzinfo=TZ))
    assert [a.index_number, b.index_number, c.index_number] == [
        "430S00/2025-000001",
        "430S00/2025-000002",
        "430S00/2026-000001",
    ]
    assert a.status == Status.PUBLISHED and a.current.number == 1


@pytest.mark.django_db
def test_only_reviewers_review_and_publishers_publish(desk):
    item = make(desk)
    services.item_submit(item=item, by=desk["writer"])
    with pytest.raises(ValidationError, match="保密审查员"):
        services.item_review(item=item, approve=True, note="", by=desk["writer"])
    with pytest.raises(ValidationError, match="审查意见"):
        services.item_review(item=item, approve=False, note="", by=desk["reviewer"])
    services.item_review(item=item, approve=True, note="ok", by=desk["reviewer"])
    with pytest.raises(ValidationError, match="发布员"):
        services.item_publish(item=item, by=desk["reviewer"])
    with pytest.raises(workflow.TransitionError):
        services.item_withdraw(item=item, reason="x", by=desk["publisher"])


@pytest.mark.django_db
def test_update_keeps_every_version_and_the_public_one_until_republished(desk):
    item = publish(desk, make(desk))
    services.item_update(
        item=item, data={"title": "批复（更正）", "body": "<p>新正文</p>"}, by=desk["writer"]
    )
    assert item.status == Status.DRAFT and item.current.title.startswith("长沙县")  # public version unchanged
    publish(desk, item)
    assert [v.title for v in item.versions.order_by("number")] == [
        "长沙县2025年第3批次建设用地征收土地的批复",
        "批复（更正）",
    ]
    assert item.index_number.endswith("-000001")  # not reissued
    assert AuditEvent.objects.filter(verb="item.publish", object_id=str(item.pk)).count() == 2


@pytest.mark.django_db
def test_body_is_sanitised(desk):
    item = make(
        desk, body='<p onclick="x()">正文<script>alert(1)</script><a href="javascript:x">链接</a></p>'
    )
    assert "script" not in item.body and "onclick" not in item.body and "javascript" not in item.body
    assert "正文" in item.body


@pytest.mark.django_db
def test_art26_lateness_is_derived(desk):
    on_time = publish(desk, make(desk, formed=date(2025, 9, 1)), datetime(2025, 9, 26, 10, tzinfo=TZ))
    late = publish(desk, make(desk, "迟", formed=date(2025, 9, 1)), datetime(2025, 10, 10, 10, tzinfo=TZ))
    assert services.publication_due(on_time) == date(2025, 9, 28)  # a make-up Sunday counts
    assert not services.is_late(on_time) and services.is_late(late)


@pytest.mark.django_db
def test_portal_list_detail_feed_and_withdrawal(desk):
    item = publish(desk, make(desk))
    draft = make(desk, "未发布的草稿")
    c = Client()
    code = desk["agency"].code
    listing = c.get(reverse("publishing_public:list", args=[code, desk["node"].pk])).content.decode()
    assert item.current.title in listing and "未发布的草稿" not in listing
    detail = c.get(reverse("publishing_public:detail", args=[code, item.pk]))
    assert detail.status_code == 200 and item.index_number in detail.content.decode()
    assert c.get(reverse("publishing_public:detail", args=[code, draft.pk])).status_code == 404
    feed = c.get(reverse("publishing_public:feed", args=[code])).content.decode()
    assert item.current.title in feed and "未发布的草稿" not in feed
    services.item_withdraw(item=item, reason="批复已被撤销", by=desk["publisher"])
    gone = c.get(reverse("publishing_public:detail", args=[code, item.pk]))
    assert gone.status_code == 410 and "批复已被撤销" in gone.content.decode()
    assert (
        item.current.title
        not in c.get(reverse("publishing_public:list", args=[code, desk["node"].pk])).content.decode()
    )
    assert item.current.title not in c.get(reverse("publishing_public:feed", args=[code])).content.decode()


@pytest.mark.django_db
def test_staff_pages_and_access(desk, tree):
    c = Client()
    assert c.login(username=desk["writer"].username, password=PASSWORD)
    r = c.post(
        reverse("publishing_staff:new"),
        {
            "node": desk["node"].pk,
            "title": "",
            "formed_on": "2025-09-01",
            "disclosure_mode": "proactive",
            "body": "<p>保留的正文</p>",
        },
    )
    assert r.status_code == 200 and "保留的正文" in r.content.decode()
    r = c.post(
        reverse("publishing_staff:new"),
        {
            "node": desk["node"].pk,
            "title": "新信息",
            "formed_on": "2025-09-01",
            "disclosure_mode": "proactive",
            "body": "<p>正文</p>",
        },
    )
    item = Item.objects.get(title="新信息")
    assert r.status_code == 302
    other = Client()
    assert other.login(username=staff(tree["city_b"], Role.PUBLISHER).username, password=PASSWORD)
    assert other.get(reverse("publishing_staff:detail", args=[item.pk])).status_code == 404
    assert other.post(reverse("publishing_staff:act", args=[item.pk, "submit"])).status_code == 404
    assert c.post(reverse("publishing_staff:act", args=[item.pk, "submit"])).status_code == 302
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


@pytest.mark.django_db
def test_scheduled_publication(desk):
    item = make(desk)
    services.item_submit(item=item, by=desk["writer"])
    services.item_review(item=item, approve=True, note="ok", by=desk["reviewer"])
    from django.utils import timezone

    later = timezone.now() + timezone.timedelta(hours=2)
    services.item_publish(item=item, by=desk["publisher"], at=later)
    assert item.status == Status.SCHEDULED and item.current is None
    assert services.publish_scheduled(now=timezone.now()) == []
    done = services.publish_scheduled(now=later + timezone.timedelta(minutes=1))
    assert [i.pk for i in done] == [item.pk]
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.index_number


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_publication_never_duplicates_or_skips(tree):
    province = tree["province"]
    services.catalogue_seed(province)
    node = CatalogueNode.objects.get(agency=province, name="公告")
    writer, reviewer, publisher = (staff(province, r) for r in (Role.CLERK, Role.REVIEWER, Role.PUBLISHER))
    items = []
    for i in range(12):
        item = services.item_create(
            agency=province,
            by=writer,
            data={"node": node, "title": f"公告{i}", "formed_on": date(2025, 1, 2)},
        )
        services.item_submit(item=item, by=writer)
        services.item_review(item=item, approve=True, note="ok", by=reviewer)
        items.append(item.pk)
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def worker(ids: list[int]) -> None:
        try:
            barrier.wait()
            for pk in ids:
                services.item_publish(
                    item=Item.objects.get(pk=pk),
                    by=publisher,
                    published_at=datetime(2025, 1, 3, 10, tzinfo=TZ),
                )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(items[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Item.objects.values_list("index_number", flat=True))
    assert numbers == [f"430S00/2025-{n:06d}" for n in range(1, 13)]


@pytest.mark.django_db
def test_guide_is_editable_and_shows_its_update(desk):
    from gongkai.publishing.models import Guide

    c = Client()
    assert c.login(username=desk["publisher"].username, password=PASSWORD)
    r = c.post(
        reverse("publishing_staff:guide", args=["430S00"]),
        {"body": "<p>本机关信息按主题分类编排。</p><script>x</script>"},
    )
    assert r.status_code == 302
    guide = Guide.objects.get(agency=desk["agency"])
    assert "script" not in guide.body
    page = Client().get(reverse("portal:guide", args=["430S00"])).content.decode()
    assert "本机关信息按主题分类编排" in page and "最后更新" in page
    clerk = Client()
    assert clerk.login(username=desk["writer"].username, password=PASSWORD)
    assert clerk.get(reverse("publishing_staff:guide", args=["430S00"])).status_code == 404


@pytest.mark.django_db
def test_original_files_are_public_with_their_item(desk, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    item = make(desk)
    record = services.item_attach(item=item, upload=SimpleUploadedFile("批复.pdf", PDF), by=None)
    url = reverse("publishing_public:file", args=["430S00", item.pk, record.pk])
    assert Client().get(url).status_code == 404  # not before publication
    publish(desk, item)
    r = Client().get(url)
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]


@pytest.mark.django_db
def test_statistics_and_lateness_by_sql(desk):
    publish(desk, make(desk, formed=date(2025, 9, 1)), datetime(2025, 9, 26, 10, tzinfo=TZ))
    publish(desk, make(desk, "迟", formed=date(2025, 9, 1)), datetime(2025, 10, 10, 10, tzinfo=TZ))
    from gongkai.publishing import selectors

    assert selectors.late_count(desk["agency"], 2025) == 1
    rows = selectors.published_per_category(desk["agency"], 2025)
    assert rows == [{"node__name": "征地信息", "node__art20_item": None, "n": 2}]
    c = Client()
    assert c.login(username=desk["writer"].username, password=PASSWORD)
    page = c.get(reverse("publishing_staff:stats") + "?agency=430S00&year=2025")
    assert page.context["total"] == 2 and page.context["late"] == 1


@pytest.mark.django_db
def test_close_to_the_art26_limit(desk):
    from gongkai.publishing import selectors

    old = make(desk, "旧草稿", formed=date(2025, 9, 1))
    make(desk, "新草稿", formed=date(2025, 10, 20))
    assert list(selectors.close_to_limit([desk["agency"].pk], date(2025, 9, 24))) == [old]


@pytest.mark.django_db
def test_revising_a_withdrawn_item_does_not_bring_it_back(desk):
    item = publish(desk, make(desk))
    services.item_withdraw(item=item, reason="撤回", by=desk["publisher"])
    services.item_update(item=item, data={"title": "修改后"}, by=desk["writer"])
    from gongkai.publishing import selectors

    assert not selectors.public_items().filter(pk=item.pk).exists()
    page = Client().get(reverse("publishing_public:detail", args=["430S00", item.pk]))
    assert page.status_code == 410 and "已撤回的信息不再提供正文" in page.content.decode()
    publish(desk, item)
    assert selectors.public_items().filter(pk=item.pk).exists()


@pytest.mark.django_db
def test_catalogue_is_in_statutory_order(desk):
    from gongkai.publishing import selectors

    names = [n.art20_item for n in selectors.catalogue_with_counts(desk["agency"])]
    assert names[:15] == list(range(1, 16)) and names[15:] == [None] * 7
