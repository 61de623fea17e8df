"""三统一, the validity lifecycle by date and by decision, clean-ups, history and the report counts."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from gongkai.core.models import AuditEvent
from gongkai.normative import selectors, services
from gongkai.normative.lifecycle import Decision, Relation, Status, parse_document_number
from gongkai.normative.models import Document, Kind, Stage
from tests.normative.conftest import make

pytestmark = pytest.mark.django_db


def test_registration_gives_consecutive_numbers_per_agency_kind_and_year(province, clerk):
    a = make(province, clerk, "文件一", published_on=None)
    b = make(province, clerk, "文件二", published_on=None)
    c = make(province, clerk, "文件三", published_on=None, year=2021, formed_on=date(2021, 1, 5))
    assert (a.registration_number, a.document_number) == ("HNZRZY-2020-001", "湘自然资规〔2020〕1号")
    assert (b.registration_number, b.document_number) == ("HNZRZY-2020-002", "湘自然资规〔2020〕2号")
    assert (c.registration_number, c.document_number) == ("HNZRZY-2021-001", "湘自然资规〔2021〕1号")
    rule = make(province, clerk, "湖南省土地管理办法", kind=Kind.RULE, published_on=None)
    assert rule.document_number == "湖南省人民政府令〔2020〕1号"
    assert a.stage == Stage.REGISTERED and a.index_number == ""


def test_registration_needs_the_legality_review_and_a_numbering_scheme(province, clerk, tree):
    doc = services.create(agency=province, data={"title": "某通知", "formed_on": date(2020, 1, 2)}, by=clerk)
    with pytest.raises(ValidationError, match="合法性审核"):
        services.register(document=doc, by=clerk)
    other = services.create(
        agency=tree["city_a"],
        data={"title": "某通知", "formed_on": date(2020, 1, 2), "legality_reviewed_on": date(2020, 1, 2)},
        by=clerk,
    )
    with pytest.raises(ValidationError, match="编号规则"):
        services.register(document=other, by=clerk)


def test_publication_gives_the_index_number_and_validity(province, clerk):
    doc = make(province, clerk, "某管理办法", formed_on=date(2020, 3, 1), published_on=date(2020, 3, 5))
    assert doc.index_number == "430S00/2020-000001"
    assert doc.effective_on == date(2020, 4, 4)  # 30 days after publication
    assert doc.expires_on == date(2025, 4, 3)
    provisional = make(province, clerk, "某暂行办法", effective_on=date(2020, 5, 1))
    assert provisional.expires_on == date(2022, 4, 30)
    assert provisional.index_number == "430S00/2020-000002"
    history = [(h.before, h.after) for h in doc.history.all()]
    assert history == [
        ("", "draft"),
        ("draft", "registered"),
        ("registered", "not_yet_in_force"),  # on its publication day
        ("not_yet_in_force", "expired"),  # brought up to today (2025-04-04 it expired)
    ]
    assert doc.history.last().on == date(2025, 4, 4)


def test_the_index_number_sequence_is_shared_with_proactive_disclosure(province, clerk):
    from gongkai.publishing.services import next_index_number

    make(province, clerk)
    with transaction.atomic():
        assert next_index_number(province, 2020) == "430S00/2020-000002"


def test_daily_job_moves_by_date_and_is_idempotent(province, clerk):
    doc = make(province, clerk, "某办法", effective_on=date(2020, 4, 1), expires_on=date(2022, 3, 31))
    Document.objects.filter(pk=doc.pk).update(status=Status.NOT_YET_IN_FORCE)  # as on publication day
    assert services.apply_dates(date(2020, 3, 31)) == 0
    assert services.apply_dates(date(2020, 4, 1)) == 1
    assert services.apply_dates(date(2020, 4, 1)) == 0
    assert Document.objects.get(pk=doc.pk).status == Status.IN_FORCE
    assert services.apply_dates(date(2022, 3, 31)) == 0
    assert services.apply_dates(date(2022, 4, 1)) == 1
    assert services.apply_dates(date(2022, 4, 1)) == 0
    doc.refresh_from_db()
    assert (doc.status, doc.ended_on, doc.ended_as) == (Status.EXPIRED, date(2022, 4, 1), Status.EXPIRED)
    assert doc.history.last().reason == "有效期届满，文件失效"


def test_repeal_and_replace_link_both_documents(province, clerk):
    old = make(province, clerk, "旧办法", effective_on=date(2020, 4, 1))
    new = make(
        province,
        clerk,
        "新办法",
        formed_on=date(2021, 5, 1),
        published_on=date(2021, 5, 6),
        effective_on=date(2021, 6, 1),
        year=2021,
    )
    services.relate(source=new, target=old, kind=Relation.REPLACES, by=clerk)
    old.refresh_from_db()
    assert (old.ended_on, old.ended_as) == (date(2021, 6, 1), Status.EXPIRED)
    assert old.status == Status.EXPIRED
    assert selectors.replacement(old) == new
    entry = old.history.last()
    assert entry.related == new and entry.after == Status.EXPIRED and entry.by == clerk
    with pytest.raises(ValidationError, match="2021-06-01已失效"):
        services.relate(source=new, target=old, kind=Relation.REPEALS, by=clerk)
    assert AuditEvent.objects.filter(verb="normative.replaces", object_id=str(old.pk)).exists()


def test_amendment_keeps_the_document_in_force(province, clerk):
    doc = make(province, clerk, "某办法", effective_on=date(2020, 4, 1), expires_on=date(2030, 3, 31))
    amending = make(
        province,
        clerk,
        "关于修改某办法的决定",
        formed_on=date(2021, 2, 1),
        published_on=date(2021, 2, 3),
        effective_on=date(2021, 2, 3),
        year=2021,
    )
    services.relate(source=amending, target=doc, kind=Relation.AMENDS, by=clerk)
    doc.refresh_from_db()
    assert doc.status == Status.AMENDED and doc.in_force and doc.amended_on == date(2021, 2, 3)


def test_published_text_cannot_be_changed_in_place(province, clerk):
    doc = make(province, clerk)
    with pytest.raises(ValidationError, match="修改文件"):
        services.update(document=doc, data={"title": "改过的标题"}, by=clerk, reason="笔误")
    with pytest.raises(ValidationError):
        services.update(document=doc, data={"keywords": "征地"}, by=clerk, reason="")
    services.update(document=doc, data={"keywords": "征地 信息公开"}, by=clerk, reason="补充主题词")
    assert Document.objects.get(pk=doc.pk).keywords == "征地 信息公开"


def test_cleanup_applies_its_decision_to_many_documents_at_once(province, clerk):
    docs = [
        make(province, clerk, f"文件{i}", effective_on=date(2020, 4, 1), expires_on=date(2030, 3, 31))
        for i in range(4)
    ]
    cleanup = services.cleanup_start(agency=province, name="2021年规范性文件清理", documents=None, by=clerk)
    assert cleanup.entries.count() == 4
    services.cleanup_decide(
        cleanup=cleanup,
        decisions={
            docs[0].pk: (Decision.REPEAL, "上位法已修改"),
            docs[1].pk: (Decision.DECLARE_EXPIRED, "调整对象已消失"),
            docs[2].pk: (Decision.AMEND, ""),
        },
        by=clerk,
    )
    result = services.cleanup_apply(
        cleanup=cleanup, decision_number="湘自然资发[2021]第8号", decided_on=date(2021, 6, 30), by=clerk
    )
    assert (result.repealed, result.expired, result.to_amend, result.kept) == (1, 1, 1, 1)
    statuses = [Document.objects.get(pk=d.pk).status for d in docs]
    assert statuses[:2] == [Status.REPEALED, Status.EXPIRED]
    assert statuses[2] in (Status.IN_FORCE, Status.AMENDED) and statuses[3] == Status.IN_FORCE
    entry = Document.objects.get(pk=docs[0].pk).history.last()
    assert entry.cleanup == cleanup and entry.reason == "湘自然资发〔2021〕8号：废止（上位法已修改）"
    with pytest.raises(ValidationError, match="已执行"):
        services.cleanup_apply(
            cleanup=cleanup, decision_number="x〔2021〕9号", decided_on=date(2021, 7, 1), by=clerk
        )


def test_expiring_lists_documents_90_days_ahead(province, clerk):
    soon = make(province, clerk, "快到期", effective_on=date(2020, 4, 1), expires_on=date(2026, 12, 31))
    make(province, clerk, "不急", effective_on=date(2020, 4, 1), expires_on=date(2027, 6, 30))
    assert list(selectors.expiring([province], today=date(2026, 11, 25))) == [soon]


def test_report_counts_for_a_constructed_history(province, clerk):
    """Section 二 (一) for 2020 and 2021 from a history with issue, amendment, replacement, expiry."""
    a = make(
        province,
        clerk,
        "甲办法",
        formed_on=date(2019, 12, 20),
        published_on=date(2020, 1, 10),
        effective_on=date(2020, 2, 1),
        expires_on=date(2021, 3, 31),
    )  # expires in 2021
    b = make(
        province,
        clerk,
        "乙办法",
        formed_on=date(2020, 5, 1),
        published_on=date(2020, 5, 8),
        effective_on=date(2020, 6, 1),
    )
    c = make(
        province,
        clerk,
        "丙办法",
        formed_on=date(2020, 12, 1),
        published_on=date(2020, 12, 10),
        effective_on=date(2021, 1, 10),
    )  # not yet in force on 2020-12-31
    d = make(
        province,
        clerk,
        "丁办法（代替乙）",
        formed_on=date(2021, 8, 1),
        published_on=date(2021, 8, 2),
        effective_on=date(2021, 9, 1),
        year=2021,
    )
    e = make(
        province,
        clerk,
        "戊（修改丙）",
        formed_on=date(2021, 10, 1),
        published_on=date(2021, 10, 8),
        effective_on=date(2021, 10, 8),
        year=2021,
    )
    services.relate(source=d, target=b, kind=Relation.REPLACES, by=clerk)
    services.relate(source=e, target=c, kind=Relation.AMENDS, by=clerk)
    make(
        province,
        clerk,
        "湖南省某规章",
        kind=Kind.RULE,
        formed_on=date(2020, 7, 1),
        published_on=date(2020, 7, 2),
        effective_on=date(2020, 8, 1),
    )
    make(province, clerk, "草稿不计", published_on=None)

    y2020 = selectors.section2_counts([province], 2020)["normative_documents"]
    assert (y2020["issued"], y2020["repealed"], y2020["in_force"]) == (3, 0, 2)  # a, b in force; c not yet
    assert (y2020["made"], y2020["published"], y2020["public_total"]) == (2, 3, 3)  # a was formed in 2019
    y2021 = selectors.section2_counts([province], 2021)["normative_documents"]
    assert (y2021["issued"], y2021["repealed"], y2021["in_force"]) == (2, 2, 3)  # a expired, b replaced
    assert selectors.section2_counts([province], 2020)["rules"]["in_force"] == 1
    behind = selectors.section2_documents([province], 2021, "normative_documents", "repealed")
    assert set(behind) == {a, b}
    assert selectors.section2_counts([province], 2019)["normative_documents"]["issued"] == 0
    # the counts agree with the pure rule applied to each document
    for year in (2020, 2021):
        direct = sum(
            doc.validity().in_force_on(date(year, 12, 31)) and doc.published_on <= date(year, 12, 31)
            for doc in Document.objects.filter(stage=Stage.PUBLISHED, kind=Kind.NORMATIVE)
        )
        assert selectors.section2_counts([province], year)["normative_documents"]["in_force"] == direct


def test_report_counts_are_one_query(province, clerk, django_assert_num_queries):
    make(province, clerk)
    with django_assert_num_queries(1):
        selectors.section2_counts([province], 2020)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registration_never_duplicates_or_skips(province, clerk):
    drafts = [
        services.create(
            agency=province,
            data={
                "title": f"并发{i}",
                "formed_on": date(2020, 3, 1),
                "legality_reviewed_on": date(2020, 3, 1),
            },
            by=clerk,
        )
        for i in range(16)
    ]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker(batch):
        try:
            barrier.wait()
            for doc in batch:
                services.register(document=doc, by=clerk, year=2020)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(drafts[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(Document.objects.values_list("registration_number", flat=True))
    assert numbers == [f"HNZRZY-2020-{n:03d}" for n in range(1, 17)]
    serials = sorted(
        parse_document_number(n)[2]  # type: ignore[index]
        for n in Document.objects.values_list("document_number", flat=True)
    )
    assert serials == list(range(1, 17))
