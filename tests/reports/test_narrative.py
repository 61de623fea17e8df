"""The narrative statistics of the annual report: each number and each sentence on a constructed set
of applications, items, letters, decisions and fees; every function runs a bounded number of queries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gongkai.applications.models import ApplicantGroup, Application, Pause, PauseKind, Subject
from gongkai.orgs.models import Level, Role
from gongkai.reports import narrative
from tests.factories import AgencyFactory, staff

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
YEAR = 2020


def application(agency, number: str, received: date, **fields: Any) -> Application:
    concluded = fields.get("concluded_on")
    defaults: dict[str, Any] = {
        "status": "replied" if concluded else "processing",
        "outcome": "disclosed" if concluded else "",
        "channel": "in_person",
        "submitted_at": datetime.combine(received, time(9), tzinfo=BEIJING),
        "received_on": received,
        "applicant_column": "natural_person",
        "applicant_name": "某申请人",
        "description": "征地批复",
    }
    return Application.objects.create(agency=agency, number=number, **{**defaults, **fields})


@pytest.fixture
def data(tree) -> dict[str, Any]:
    """The province's 2020 applications (11), with 8 in 2019 and 4 in 2018."""
    province = tree["province"]
    AgencyFactory(code="4305S0", level=Level.CITY, division_code="430500", division_name="湖南省邵阳市")
    land = Subject.objects.create(name="征地拆迁", is_land=True, sort_order=1)
    estate = Subject.objects.create(name="不动产登记", is_land=True, sort_order=2)
    mining = Subject.objects.create(name="矿业权", sort_order=3)
    farmers = ApplicantGroup.objects.create(name="被征地农民", sort_order=1)
    lawyers = ApplicantGroup.objects.create(name="律师", sort_order=2)
    # subject, region, info years, group, column, on site
    rows = [
        (land, "430121", 2010, 2015, farmers, "natural_person", True),
        (land, "430181", 2012, 2012, farmers, "natural_person", True),
        (land, "430104", 2008, 2019, farmers, "natural_person", False),
        (land, "430211", 2015, 2018, farmers, "natural_person", False),
        (land, "430281", 2016, None, farmers, "natural_person", True),
        (estate, "430522", 2005, 2006, lawyers, "legal_service_org", False),
        (estate, "", 2019, 2019, None, "natural_person", False),
        (mining, "430121", 2020, 2020, None, "commercial_enterprise", True),
        (mining, "", None, None, lawyers, "legal_service_org", False),
        (None, "430211", None, 2011, farmers, "natural_person", False),
        (land, "430181", 2008, 2013, farmers, "natural_person", False),
    ]
    apps = []
    for n, (subject, region, y_from, y_to, group, column, site) in enumerate(rows, start=1):
        apps.append(
            application(
                province,
                f"A{n:02d}",
                date(YEAR, 1, 10) + timedelta(days=20 * n),
                subject=subject,
                region_code=region,
                info_year_from=y_from,
                info_year_to=y_to,
                applicant_group=group,
                applicant_column=column,
                on_site=site,
            )
        )
    for n in range(8):
        application(province, f"B{n}", date(YEAR - 1, 3, 1 + n), on_site=n < 2)
    for n in range(4):
        application(province, f"C{n}", date(YEAR - 2, 3, 1 + n), on_site=n < 1)
    application(province, "D0", date(YEAR - 3, 3, 1))
    # A discarded online submission is not an application; another agency's is not counted.
    discarded = application(province, "X1", date(YEAR, 5, 5), on_site=True)
    Application.objects.filter(pk=discarded.pk).update(status="discarded")
    application(tree["city_a"], "Y1", date(YEAR, 5, 5), subject=land, region_code="430121", on_site=True)
    return {"province": province, "apps": apps, "tree": tree}


# --- helpers ---------------------------------------------------------------------------------------


def test_percentages_round_half_up_to_one_decimal():
    assert narrative.percent(1, 8) == Decimal("12.5")
    assert narrative.percent(1, 16) == Decimal("6.3")  # 6.25
    assert narrative.percent(1, 80) == Decimal("1.3")  # 1.25: half up, not to even
    assert narrative.percent(2, 3) == Decimal("66.7")
    assert narrative.percent(5, 5) == Decimal("100.0")
    assert narrative.percent(0, 0) is None
    assert narrative.percent_text(None) == "无"
    assert narrative.percent_text(Decimal("38.4")) == "38.4%"
    assert narrative.yuan_text(Decimal("400")) == "400元"
    assert narrative.yuan_text(Decimal("12.5")) == "12.50元"


def test_narrowest_span():
    groups = [(2010, 2015, 1), (2016, 2016, 1), (2005, 2006, 1), (2020, 2020, 1)]
    # 80% of 4 is 3.2: four are needed; only 2005–2020 holds them all.
    assert narrative._narrowest_span(groups, 4) == (2005, 2020)
    # Equal widths: the span holding more wins, then the later one.
    assert narrative._narrowest_span([(2000, 2000, 2), (2001, 2001, 7), (2002, 2002, 1)], 10) == (2000, 2001)
    assert narrative._narrowest_span([(2001, 2001, 5), (2002, 2002, 5)], 10) == (2001, 2002)
    assert narrative._narrowest_span([(2001, 2001, 5), (2002, 2002, 5)], 5) == (2002, 2002)


# --- section 一: applications ------------------------------------------------------------------------


def test_applications_trend(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        t = narrative.applications_trend(data["province"], YEAR)
    assert [(y.year, y.received, y.on_site) for y in t.years] == [(2018, 4, 1), (2019, 8, 2), (2020, 11, 4)]
    assert (t.received, t.total, t.on_site_total, t.average) == (11, 23, 7, 8)  # 23 / 3 = 7.67
    assert (t.change, t.change_share) == (3, Decimal("37.5"))
    assert t.sentence == (
        "2020年，本机关共收到政府信息公开申请11件（包括现场资料查询4件），较上年增加3件（增长37.5%）；"
        "2018—2020年共收到申请23件（包括现场资料查询7件），年均收到申请8件。"
    )
    down = narrative.applications_trend(data["province"], 2018)
    assert down.sentence == (
        "2018年，本机关共收到政府信息公开申请4件（包括现场资料查询1件），较上年增加3件（增长300.0%）；"
        "2016—2018年共收到申请5件（包括现场资料查询1件），年均收到申请2件。"
    )
    fewer = narrative.applications_trend(data["province"], 2021)
    assert (fewer.change, fewer.change_share) == (-11, Decimal("100.0"))
    assert "较上年减少11件（下降100.0%）" in fewer.sentence
    # A roll-up adds the agencies up.
    both = narrative.applications_trend([data["province"], data["tree"]["city_a"]], YEAR)
    assert both.received == 12 and both.years[-1].on_site == 5
    assert both.sentence.startswith("2020年，各机关共收到政府信息公开申请12件（包括现场资料查询5件）")


def _published_report(agency, year: int, new_received: int, version: int = 1):
    """A published report of ``year`` whose 本年新收 is ``new_received`` natural persons (as one entered by
    hand for a year before Gongkai), its snapshot written the way publishing writes it."""
    from django.utils import timezone

    from gongkai.reports import formats
    from gongkai.reports.models import AnnualReport, Stage

    fmt = formats.format_for_year(year)
    tables = {"section3": {"new_received": {"natural_person": new_received}}}
    figures = formats.build(fmt, tables, strict=False)
    snapshot = formats.to_json(figures, year=year, agency={"code": agency.code, "name": agency.name})
    return AnnualReport.objects.create(
        agency=agency,
        year=year,
        version=version,
        format=fmt,
        stage=Stage.PUBLISHED,
        snapshot=snapshot,
        published_at=timezone.now(),
    )


def test_the_years_before_count_the_published_reports(data, django_assert_max_num_queries):
    """An agency that did not import its earlier ledgers: 2019 and 2020 come from its published reports
    (the latest version), 2021 from the records; the three-year on-site total is then not claimed."""
    province, city = data["province"], data["tree"]["city_a"]
    _published_report(province, 2019, 900)
    _published_report(province, 2019, 954, version=2)  # a correction: the latest version counts
    _published_report(province, 2020, 689)
    _published_report(province, 2022, 5)  # not a year before 2021: never read
    application(province, "P2021", date(2021, 3, 1), on_site=True)
    with django_assert_max_num_queries(2):
        t = narrative.applications_trend(province, 2021)
    assert [(y.year, y.received, y.on_site, y.reported) for y in t.years] == [
        (2019, 954, 0, ("430S00",)),
        (2020, 689, 0, ("430S00",)),
        (2021, 1, 1, ()),
    ]
    assert t.sentence == (
        "2021年，本机关共收到政府信息公开申请1件（包括现场资料查询1件），较上年减少688件（下降99.9%）；"
        "2019—2021年共收到申请1644件，年均收到申请548件。"
    )
    assert t.on_site_total is None  # 2019 and 2020 came from reports, which count no on-site visits
    # A roll-up: each agency by its own source (the city has no report: its records count).
    application(city, "C2020", date(2020, 5, 1), on_site=True)
    both = narrative.applications_trend([province, city, province], 2021)  # each agency counted once
    # (the city already had one 2020 application, on site, in the fixture)
    assert [(y.received, y.reported) for y in both.years[:2]] == [(954, ("430S00",)), (691, ("430S00",))]
    assert both.years[1].on_site == 2


def test_on_site(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        s = narrative.on_site(data["province"], YEAR)
    assert (s.count, s.total, s.share) == (4, 11, Decimal("36.4"))
    assert s.sentence == "2020年收到的政府信息公开申请中，现场资料查询4件，占申请总数的36.4%。"


def test_land_related(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        land = narrative.land_related(data["province"], YEAR)
    assert (land.count, land.total, land.share) == (8, 11, Decimal("72.7"))
    assert [(s.name, s.count, s.share) for s in land.subjects] == [
        ("征地拆迁", 6, Decimal("75.0")),
        ("不动产登记", 2, Decimal("25.0")),
    ]
    assert land.sentence == (
        "2020年收到的政府信息公开申请中，涉地信息8件，占申请总数的72.7%，"
        "大部分涉及征地拆迁信息（6件），其次为不动产登记2件。"
    )


def test_top_regions_by_city_for_a_province(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        r = narrative.top_regions(data["province"], YEAR, land_only=True)
    assert r.by_city and (r.total, r.unclassified, r.top_share) == (8, 1, Decimal("87.5"))
    assert [(x.code, x.name, x.count, x.share) for x in r.regions] == [
        ("430100", "长沙市", 4, Decimal("50.0")),
        ("430200", "株洲市", 2, Decimal("25.0")),
        ("430500", "邵阳市", 1, Decimal("12.5")),  # 湖南省邵阳市 without the province's name
    ]
    assert r.sentence == (
        "涉地信息申请中，长沙市、株洲市、邵阳市申请数量位居前三，合计占总量的87.5%，"
        "其中长沙市占50.0%（另有1件未标注涉及地区）。"
    )
    everything = narrative.top_regions(data["province"], YEAR, n=2)
    assert [(x.name, x.count, x.share) for x in everything.regions] == [
        ("长沙市", 5, Decimal("45.5")),
        ("株洲市", 3, Decimal("27.3")),
    ]
    assert (everything.total, everything.unclassified, everything.top_share) == (11, 2, Decimal("72.7"))
    assert everything.sentence == (
        "从地区看，长沙市、株洲市申请数量位居前二，合计占总量的72.7%，其中长沙市占45.5%"
        "（另有2件未标注涉及地区）。"
    )


def test_top_regions_by_county_for_a_city_and_unknown_codes(tree):
    city = tree["city_a"]
    for n, region in enumerate(["430121", "430121", "430181", "430199", "430199", "430199"]):
        application(city, f"R{n}", date(YEAR, 4, 1), region_code=region)
    r = narrative.top_regions(city, YEAR, n=5)
    assert not r.by_city
    # 430199 is carried by no agency: shown as its code; ties are broken by the code.
    assert [(x.name, x.count) for x in r.regions] == [("430199", 3), ("长沙县", 2), ("浏阳市", 1)]
    assert r.sentence == (
        "从地区看，430199、长沙县、浏阳市申请数量位居前三，合计占总量的100.0%，其中430199占50.0%。"
    )
    one = narrative.top_regions(city, YEAR, n=1)
    assert one.sentence == "从地区看，430199申请数量最多，占总量的50.0%。"


def test_info_years(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        y = narrative.info_years(data["province"], YEAR)
    # 10 with years: 80% means 8; 2008–2019 is the narrowest span holding 8.
    assert (y.total, y.classified, y.span_from, y.span_to) == (11, 10, 2008, 2019)
    assert (y.in_span, y.before, y.after, y.straddling) == (8, 1, 1, 0)
    assert (y.share, y.before_share, y.after_share) == (Decimal("72.7"), Decimal("9.1"), Decimal("9.1"))
    assert y.sentence == (
        "申请所涉信息基本为2008—2019年存在的信息，占总数的72.7%；2007年及以前的信息占9.1%；"
        "2020年及以后的信息占9.1%（另有1件未标注信息年份）。"
    )
    land = narrative.info_years(data["province"], YEAR, land_only=True)
    # 8 land-related with years (2005–2006 … 2008–2019): 80% is 6.4, so 7 are needed.
    assert (land.total, land.classified, land.span_from, land.span_to, land.in_span) == (8, 8, 2008, 2019, 7)
    assert land.sentence.startswith("涉地信息申请所涉信息基本为2008—2019年存在的信息，占总数的87.5%；")


def test_info_years_straddling_and_single_year(tree):
    province = tree["province"]
    application(province, "S1", date(YEAR, 3, 1), info_year_from=2015, info_year_to=2015)
    application(province, "S2", date(YEAR, 3, 1), info_year_from=2015, info_year_to=2015)
    application(province, "S3", date(YEAR, 3, 1), info_year_from=2015, info_year_to=2015)
    application(province, "S4", date(YEAR, 3, 1), info_year_from=2015, info_year_to=2015)
    application(province, "S5", date(YEAR, 3, 1), info_year_from=2010, info_year_to=2018)
    y = narrative.info_years(province, YEAR)
    assert (y.span_from, y.span_to, y.in_span, y.straddling) == (2015, 2015, 4, 1)
    assert y.sentence == "申请所涉信息基本为2015年存在的信息，占总数的80.0%。"


def test_applicant_groups(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        g = narrative.applicant_groups(data["province"], YEAR)
    assert [(s.name, s.count, s.share) for s in g.groups] == [
        ("被征地农民", 7, Decimal("63.6")),
        ("律师", 2, Decimal("18.2")),
    ]
    assert (g.total, g.ungrouped) == (11, 2)
    assert (g.natural_persons.count, g.natural_persons.share) == (8, Decimal("72.7"))
    assert (g.organisations.count, g.organisations.share) == (3, Decimal("27.3"))
    assert g.sentence == (
        "从申请人看，以被征地农民申请为主，占总数的63.6%，其次为律师（18.2%）；"
        "自然人申请8件，占72.7%，法人或其他组织申请3件，占27.3%。"
    )
    land = narrative.applicant_groups(data["province"], YEAR, land_only=True)
    assert land.sentence == (
        "涉地信息申请中，以被征地农民申请为主，占总数的75.0%，其次为律师（12.5%）；"
        "自然人申请7件，占87.5%，法人或其他组织申请1件，占12.5%。"
    )


def test_late_replies(data, django_assert_max_num_queries):
    apps = data["apps"]
    province = data["province"]

    def conclude(
        a: Application, due: date | None, on: date, status: str = "replied", outcome: str = "disclosed"
    ):
        Application.objects.filter(pk=a.pk).update(
            status=status, outcome=outcome, due_on=due, concluded_on=on
        )

    conclude(apps[0], date(YEAR, 3, 1), date(YEAR, 2, 20))  # on time
    conclude(apps[1], date(YEAR, 3, 1), date(YEAR, 3, 5))  # late
    conclude(apps[2], None, date(YEAR, 4, 1))  # no due date recorded
    conclude(apps[3], date(YEAR, 5, 1), date(YEAR, 5, 10), "closed", "other.no_supplement")  # late
    conclude(apps[5], date(YEAR, 5, 1), date(YEAR, 6, 1), "withdrawn", "other.other")  # not a reply
    conclude(apps[6], date(YEAR, 12, 1), date(YEAR + 1, 1, 5))  # concluded next year
    last_year = application(province, "B9", date(YEAR - 1, 12, 1))
    conclude(last_year, date(YEAR, 1, 5), date(YEAR, 1, 10))  # received last year, late this year
    with django_assert_max_num_queries(1):
        late = narrative.late_replies(province, YEAR)
    assert (late.concluded, late.late, late.without_due, late.share) == (5, 3, 1, Decimal("60.0"))
    assert (
        late.sentence == "2020年办结政府信息公开申请5件，其中超期答复3件，占60.0%（另有1件未记录答复期限）。"
    )
    Application.objects.filter(pk__in=[apps[1].pk, apps[3].pk, last_year.pk]).update(
        due_on=date(YEAR, 12, 31)
    )
    Application.objects.filter(pk=apps[2].pk).update(due_on=date(YEAR, 12, 31))
    assert (
        narrative.late_replies(province, YEAR).sentence == "2020年办结政府信息公开申请5件，无超期答复现象。"
    )


# --- section 一: publishing, letters, 双公示 ------------------------------------------------------------


def test_publications(tree, django_assert_max_num_queries):
    from gongkai.publishing.models import CatalogueNode, Item

    province = tree["province"]
    land = CatalogueNode.objects.create(agency=province, name="征地信息", position=1)
    news = CatalogueNode.objects.create(agency=province, name="政务新闻", position=2)
    notices = CatalogueNode.objects.create(agency=province, name="公告", position=3)

    def item(node, published: datetime, due: date) -> None:
        Item.objects.create(
            agency=province, node=node, title="某信息", formed_on=due - timedelta(days=20),
            first_published_at=published, publish_due=due,
        )  # fmt: skip

    item(land, datetime(YEAR, 5, 1, 10, tzinfo=BEIJING), date(YEAR, 5, 20))
    item(land, datetime(YEAR, 5, 10, 10, tzinfo=BEIJING), date(YEAR, 5, 1))  # late
    item(land, datetime(YEAR, 6, 1, 10, tzinfo=BEIJING), date(YEAR, 6, 1))
    item(news, datetime(YEAR, 7, 1, 10, tzinfo=BEIJING), date(YEAR, 7, 20))
    item(news, datetime(YEAR, 7, 2, 10, tzinfo=BEIJING), date(YEAR, 7, 20))
    # 00:30 on 1 January in Beijing is still 31 December in UTC: it belongs to the next year.
    item(notices, datetime(YEAR + 1, 1, 1, 0, 30, tzinfo=BEIJING), date(YEAR + 1, 1, 20))
    with django_assert_max_num_queries(1):
        p = narrative.publications(province, YEAR)
    assert [(c.name, c.count, c.late) for c in p.categories] == [("征地信息", 3, 1), ("政务新闻", 2, 0)]
    assert (p.total, p.late) == (5, 1)
    assert (
        p.sentence == "2020年，本机关主动公开政府信息5条，其中征地信息3条，政务新闻2条；超过规定时限发布1条。"
    )
    next_year = narrative.publications(province, YEAR + 1)
    assert next_year.sentence == "2021年，本机关主动公开政府信息1条，其中公告1条，均在规定时限内发布。"


def test_consultations_reuse_the_mailbox_counts(tree, django_assert_max_num_queries):
    from gongkai.mailbox.models import Box, BoxKind, Letter

    province = tree["province"]
    consult = Box.objects.create(agency=province, kind=BoxKind.CONSULTATION, sort_order=1)
    director = Box.objects.create(agency=province, kind=BoxKind.DIRECTOR, sort_order=2)

    def letter(n: int, box, written: date, replied: date | None) -> None:
        Letter.objects.create(
            box=box, query_code=f"QC{n:06d}", title="咨询", body="内容", writer_name="某人",
            submitted_at=datetime.combine(written, time(9), tzinfo=BEIJING), submitted_on=written,
            reply_days=10, due_on=written + timedelta(days=14),
            status="replied" if replied else "submitted", reply_text="答复" if replied else "",
            replied_at=datetime.combine(replied, time(9), tzinfo=BEIJING) if replied else None,
            replied_on=replied,
        )  # fmt: skip

    letter(1, consult, date(YEAR, 3, 2), date(YEAR, 3, 5))
    letter(2, consult, date(YEAR, 3, 2), date(YEAR, 3, 6))
    letter(3, director, date(YEAR, 4, 1), date(YEAR, 4, 3))
    letter(4, director, date(YEAR, 4, 1), date(YEAR, 6, 1))  # late
    letter(5, consult, date(YEAR, 12, 28), None)
    with django_assert_max_num_queries(2):
        c = narrative.consultations(province, YEAR)
    assert (c.boxes, c.received, c.replied, c.on_time) == (["网上咨询", "厅长信箱"], 5, 4, 3)
    assert c.sentence == "2020年，通过网上咨询、厅长信箱等互动平台收到来信5件，办理回复4件，其中按期回复3件。"
    assert (
        narrative.consultations(province, 2015).sentence == "2015年，网上咨询、厅长信箱等互动平台未收到来信。"
    )


def test_credit_decisions(tree, django_assert_max_num_queries):
    from gongkai.credit import services
    from tests.credit.conftest import COMPANY, LICENCE, PENALTY

    province = tree["province"]
    publisher = staff(province, Role.PUBLISHER)

    def save(kind: str, data: dict[str, Any]) -> None:
        services.decision_save(
            agency=province, kind=kind, data={**COMPANY, **data}, by=publisher, today=date(YEAR, 12, 31)
        )

    day = date(YEAR, 2, 26)
    save(
        "licensing", {**LICENCE, "number": "湘自然资采延〔2020〕2号", "decision_date": day, "valid_from": day}
    )
    save("penalty", {**PENALTY, "number": "湘自然资罚〔2020〕9号", "decision_date": date(YEAR, 5, 27)})
    save("penalty", {**PENALTY, "number": "湘自然资罚〔2020〕10号", "decision_date": date(YEAR, 6, 27)})
    with django_assert_max_num_queries(1):
        c = narrative.credit_decisions(province, YEAR)
    assert (c.licensing, c.penalty, c.coercion, c.total) == (1, 2, 0, 3)
    assert c.sentence == "2020年，通过“双公示”系统报送行政许可决定1件、行政处罚决定2件。"
    assert narrative.credit_decisions(province, 2015).sentence == "2015年，本机关未报送“双公示”信息。"


# --- section 六: fees -----------------------------------------------------------------------------


def test_fees(data, django_assert_max_num_queries):
    apps = data["apps"]

    def notice(a: Application, started: date, amount: str, paid: date | None) -> None:
        Pause.objects.create(
            application=a, kind=PauseKind.FEE, started_on=started, amount=Decimal(amount), ended_on=paid
        )

    notice(apps[0], date(YEAR, 2, 1), "100", date(YEAR, 2, 5))
    notice(apps[1], date(YEAR, 12, 20), "50.50", date(YEAR + 1, 1, 4))  # paid next year
    notice(apps[2], date(YEAR, 3, 1), "30", None)  # never paid
    last_year = application(data["province"], "B9", date(YEAR - 1, 12, 1))
    notice(last_year, date(YEAR - 1, 12, 20), "20", date(YEAR, 1, 3))  # noticed last year, paid this year
    Pause.objects.create(application=apps[4], kind=PauseKind.THIRD_PARTY, started_on=date(YEAR, 3, 1))
    city = application(data["tree"]["city_a"], "Y2", date(YEAR, 3, 1))
    notice(city, date(YEAR, 3, 5), "999", date(YEAR, 3, 6))
    with django_assert_max_num_queries(1):
        f = narrative.fees(data["province"], YEAR)
    assert (f.notices, f.notified_amount, f.paid, f.collected) == (3, Decimal("180.50"), 2, Decimal("120"))
    assert f.sentence == (
        "2020年，本机关发出信息处理费收费通知3件，金额合计180.50元，实际收取信息处理费2件，共计120元。"
    )
    none = narrative.fees(data["province"], 2015)
    assert (none.notices, none.collected) == (0, Decimal("0"))
    assert none.sentence == "2015年，本机关未收取信息处理费。"


# --- nothing to count, and all of them ---------------------------------------------------------------


def test_a_year_without_records_says_none(tree):
    province = tree["province"]
    sentences = {s.key: s.sentence for s in narrative.all_statistics(province, 2015)}
    assert sentences == {
        "publications": "2015年，本机关未发布主动公开政府信息。",
        "consultations": "2015年，网上咨询等互动平台未收到来信。",
        "credit": "2015年，本机关未报送“双公示”信息。",
        "applications_trend": "2015年，本机关共收到政府信息公开申请0件，与上年持平；"
        "2013—2015年共收到申请0件，年均收到申请0件。",
        "on_site": "2015年，本机关未收到政府信息公开申请，现场资料查询：无。",
        "land_related": "2015年，本机关未收到政府信息公开申请，涉地信息申请：无。",
        "top_regions": "2015年，本机关未收到申请，按地区统计：无。",
        "info_years": "2015年，本机关未收到申请，所涉信息年份：无。",
        "applicant_groups": "2015年，本机关未收到申请，按申请人统计：无。",
        "late_replies": "2015年，本机关未办结政府信息公开申请，超期答复：无。",
        "fees": "2015年，本机关未收取信息处理费。",
    }
    assert narrative.on_site(province, 2015).share is None


def test_all_statistics_in_section_order(data, django_assert_max_num_queries):
    province = data["province"]
    with django_assert_max_num_queries(14):
        stats = narrative.all_statistics(province, YEAR)
    assert [(s.key, s.section) for s in stats] == [
        ("publications", "一"),
        ("consultations", "一"),
        ("credit", "一"),
        ("applications_trend", "一"),
        ("on_site", "一"),
        ("land_related", "一"),
        ("top_regions", "一"),
        ("info_years", "一"),
        ("applicant_groups", "一"),
        ("late_replies", "一"),
        ("fees", "六"),
    ]
    by_key = {s.key: s for s in stats}
    # The regions are those of the land-related applications, as the seed quotes them.
    assert by_key["top_regions"].value.land_only
    assert by_key["top_regions"].sentence.startswith("涉地信息申请中，长沙市、株洲市、邵阳市申请数量位居前三")
    assert all(s.title and s.sentence.endswith("。") for s in stats)
    # A roll-up: the same number of queries, however many agencies.
    with django_assert_max_num_queries(14):
        narrative.all_statistics([province, data["tree"]["city_a"]], YEAR)
    with django_assert_max_num_queries(14):
        narrative.all_statistics(list(data["tree"].values()), YEAR)
