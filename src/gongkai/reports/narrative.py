"""Computed statistics for the narrative sections of the annual report (issue 8, item 6).

Section 一 (总体情况) of a real report quotes figures a disclosure system keeps — the seed's 2020 report:
items published per category, the letters answered, the 双公示 decisions, the applications of the year
and of the last three years with the average, the on-site consultations among them, the land-related
ones, the regions with most applications and their shares, the span of years the requested information
comes from, the applicant groups, late replies. Section 六 (2021 format) reports the 信息处理费 collected.

Each function takes an agency or a list of agencies (a roll-up adds them up) and a report year, counts
by SQL aggregates (conditional ``Count``/``Sum`` and ``GROUP BY``; Python only walks the grouped rows),
and returns a small frozen dataclass with the numbers and ``sentence``: a ready Chinese sentence in the
seed's style that staff may insert into the section's text and edit. :func:`all_statistics` gives them
in the order section 一 uses, then section 六's.

Rules (**choices**, stated here once):

- *Applications of the year* are those received in the year, discarded online submissions excluded —
  the same set as section 三's ``new_received``; every share of applications is of that set (or of its
  land-related part where a function says so), so applications not classified (no region, no
  information years, no group) stay in the denominator and the sentence names how many there are.
- Percentages are rounded half up to one decimal (``38.4%``); the share of a zero total is ``None`` and
  reads “无”. The three-year average is rounded half up to a whole number of applications, as the seed
  quotes it (``年均903件``).
- Regions: :func:`top_regions` groups ``region_code`` one level below the agencies: by city (the first
  four digits) when every agency is a province-level one, else by the code as recorded (county). Names
  come from the agencies' own division names (``Agency.division_code``/``division_name``), without the
  name of the division above; Gongkai has no GB/T 2260 name table, so a code no agency carries is shown
  as the code. Ties are broken by the code.
- Years of the information (:func:`info_years`): an application's span is ``info_year_from`` ..
  ``info_year_to`` (one of them alone is a single year). The span quoted is the *narrowest* span of
  years that contains the spans of at least 80% of the applications with years recorded (ties: the one
  containing more applications, then the later one); the applications whose information lies wholly
  before it are quoted as “Y年及以前” (Y = the year before the span), those wholly after as
  “Y年及以后”, the rest straddle its bounds.
- Late replies: applications concluded in the year by a reply or a decision that ends them (replied or
  closed — not withdrawn) after their ``due_on``; those without a due date are counted apart.
- Fees: the 信息处理费 notices (``Pause`` of kind ``fee`` with its ``amount``) received by the
  applicant in the year, and the fees paid in the year (a notice's ``ended_on`` is the payment date; an
  unpaid notice never gets one). Amounts in yuan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Concat, Greatest, Least, Substr

from gongkai.applications.models import Application, PauseKind
from gongkai.applications.workflow import Status
from gongkai.orgs.models import Agency

Agencies = Agency | Iterable[Agency]

SPAN_COVERAGE = 80
"""Per cent of the applications with years recorded that the quoted span of years must contain."""

NONE_TEXT = "无"


# --- helpers --------------------------------------------------------------------------------------


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, rounded half up to one decimal; ``None`` for a zero total."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent_text(value: Decimal | None) -> str:
    """``38.4%``, or “无” for the share of a zero total."""
    return NONE_TEXT if value is None else f"{value}%"


def yuan_text(amount: Decimal) -> str:
    """``400元``, ``12.50元``: whole yuan without decimals."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{amount.quantize(Decimal(1))}元" if amount == amount.to_integral_value() else f"{amount}元"


def _agencies(agencies: Agencies) -> list[Agency]:
    """One agency or several, each once (a roll-up never counts an agency twice)."""
    if isinstance(agencies, Agency):
        return [agencies]
    return list({a.pk: a for a in agencies}.values())


def _who(agencies: list[Agency]) -> str:
    return "本机关" if len(agencies) == 1 else "各机关"


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _received(agencies: list[Agency], first: date, last: date) -> QuerySet[Application]:
    """Applications received between ``first`` and ``last`` (section 三's ``new_received``)."""
    return Application.objects.filter(
        agency__in=agencies, received_on__gte=first, received_on__lte=last
    ).exclude(status=Status.DISCARDED)


def _base(agencies: list[Agency], year: int, land_only: bool) -> QuerySet[Application]:
    qs = _received(agencies, *_year_range(year))
    return qs.filter(subject__is_land=True) if land_only else qs


def _base_label(land_only: bool) -> str:
    return "涉地信息申请" if land_only else "申请"


def _lead(land_only: bool, otherwise: str) -> str:
    return "涉地信息申请中，" if land_only else otherwise


@dataclass(frozen=True)
class Share:
    """One group of a breakdown: a name, a count and its share in per cent (one decimal)."""

    name: str
    count: int
    share: Decimal | None

    @property
    def share_text(self) -> str:
        return percent_text(self.share)


# --- 一: proactive disclosure ---------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    name: str
    art20_item: int | None
    count: int
    late: int


@dataclass(frozen=True)
class Publications:
    """Items first published in the year, per catalogue node name (as
    :func:`gongkai.publishing.selectors.published_per_category`), and those published after their
    Art. 26 limit (as :func:`gongkai.publishing.selectors.late_count`)."""

    year: int
    categories: list[Category]
    total: int
    late: int
    sentence: str


def publications(agencies: Agencies, year: int) -> Publications:
    """One grouped query over the items of the agencies."""
    from gongkai.publishing.models import Item

    agencies = _agencies(agencies)
    rows = (
        Item.objects.filter(agency__in=agencies, first_published_at__year=year)
        .values("node__name", "node__art20_item")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=Q(first_published_at__date__gt=F("publish_due"))),
            position=Min("node__position"),
        )
        .order_by("position", "node__name")
    )
    categories = [Category(r["node__name"], r["node__art20_item"], r["n"], r["late"]) for r in rows]
    total = sum(c.count for c in categories)
    late = sum(c.late for c in categories)
    if not total:
        sentence = f"{year}年，{_who(agencies)}未发布主动公开政府信息。"
    else:
        parts = "，".join(f"{c.name}{c.count}条" for c in categories)
        sentence = f"{year}年，{_who(agencies)}主动公开政府信息{total}条，其中{parts}"
        sentence += f"；超过规定时限发布{late}条。" if late else "，均在规定时限内发布。"
    return Publications(year, categories, total, late, sentence)


@dataclass(frozen=True)
class Consultations:
    """Letters to the agencies' public mailboxes (网上咨询, 厅长信箱 …), from
    :func:`gongkai.mailbox.services.counts`: received, answered, answered on time in the year."""

    year: int
    boxes: list[str]
    received: int
    replied: int
    on_time: int
    sentence: str


def consultations(agencies: Agencies, year: int) -> Consultations:
    """One aggregate for every agency (:func:`gongkai.mailbox.services.counts`) and one for the box names."""
    from gongkai.mailbox import services as mailbox
    from gongkai.mailbox.models import Box

    agencies = _agencies(agencies)
    c = mailbox.counts(agencies, year)
    received, replied, on_time = c.received, c.replied, c.on_time
    boxes: list[str] = []
    for box in Box.objects.filter(agency__in=agencies).order_by("sort_order", "kind"):
        if box.title not in boxes:
            boxes.append(box.title)
    where = "、".join(boxes) or "网上咨询"
    if not (received or replied):
        sentence = f"{year}年，{where}等互动平台未收到来信。"
    else:
        sentence = (
            f"{year}年，通过{where}等互动平台收到来信{received}件，办理回复{replied}件，"
            f"其中按期回复{on_time}件。"
        )
    return Consultations(year, boxes, received, replied, on_time, sentence)


@dataclass(frozen=True)
class CreditDecisions:
    """Decisions recorded for 双公示 in the year (:func:`gongkai.credit.services.decision_counts`:
    one per decision document, whatever its publicity status)."""

    year: int
    licensing: int
    penalty: int
    coercion: int
    sentence: str

    @property
    def total(self) -> int:
        return self.licensing + self.penalty + self.coercion


def credit_decisions(agencies: Agencies, year: int) -> CreditDecisions:
    """One aggregate for every agency."""
    from gongkai.credit.services import decision_counts

    agencies = _agencies(agencies)
    n = {"licensing": 0, "penalty": 0, "coercion": 0, **decision_counts(agencies, year)}
    if not any(n.values()):
        sentence = f"{year}年，{_who(agencies)}未报送“双公示”信息。"
    else:
        sentence = (
            f"{year}年，通过“双公示”系统报送行政许可决定{n['licensing']}件、行政处罚决定{n['penalty']}件"
        )
        sentence += f"，另记录行政强制决定{n['coercion']}件。" if n["coercion"] else "。"
    return CreditDecisions(year, n["licensing"], n["penalty"], n["coercion"], sentence)


# --- 一: applications ----------------------------------------------------------------------------


@dataclass(frozen=True)
class YearCount:
    """``reported``: agencies whose count of this year is the figure of their published report for it
    (their on-site consultations are then unknown and not in ``on_site``)."""

    year: int
    received: int
    on_site: int
    reported: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApplicationsTrend:
    """Applications received in the year and the two before, with on-site consultations among them.

    ``average`` is the three-year total divided by 3, rounded half up to a whole number; ``change`` is
    this year's count less last year's, ``change_share`` that change in per cent of last year's count.
    The report year counts the records. Each of the two years before counts, per agency, the 本年新收
    total of that agency's latest published report for the year when there is one (what the public has
    read, hand-entered cells included: the figure for years before Gongkai when no ledger was imported),
    else the records (imported ledgers included). On-site consultations are in no report table: the
    three-year on-site total is known (not None) only when no year's count came from a report.
    """

    year: int
    years: list[YearCount]
    total: int
    on_site_total: int | None
    average: int
    change: int
    change_share: Decimal | None
    sentence: str

    @property
    def received(self) -> int:
        return self.years[-1].received


def applications_trend(agencies: Agencies, year: int) -> ApplicationsTrend:
    """Two queries: one aggregate grouped by agency with a conditional count per year, and the published
    reports of the two years before."""
    agencies = _agencies(agencies)
    spans = {y: _year_range(y) for y in (year - 2, year - 1, year)}
    qs = _received(agencies, spans[year - 2][0], spans[year][1])
    aggregates: dict[str, Any] = {}
    for y, (first, last) in spans.items():
        in_year = Q(received_on__gte=first, received_on__lte=last)
        aggregates[f"n{y}"] = Count("pk", filter=in_year)
        aggregates[f"s{y}"] = Count("pk", filter=in_year & Q(on_site=True))
    rows: dict[int, dict[str, Any]] = {
        r["agency"]: dict(r) for r in qs.values("agency").annotate(**aggregates).order_by()
    }
    reported = _reported_new_received(agencies, [year - 2, year - 1])
    years = []
    for y in spans:
        received = on_site = 0
        from_reports: list[str] = []
        for agency in agencies:
            row = rows.get(agency.pk, {})
            if (agency.pk, y) in reported:
                received += reported[agency.pk, y]
                from_reports.append(agency.code)
            else:
                received, on_site = received + row.get(f"n{y}", 0), on_site + row.get(f"s{y}", 0)
        years.append(YearCount(y, received, on_site, tuple(from_reports)))
    total = sum(y.received for y in years)
    on_site_total = None if any(y.reported for y in years) else sum(y.on_site for y in years)
    average = int((Decimal(total) / 3).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    this, previous = years[-1], years[-2]
    change = this.received - previous.received
    change_share = percent(abs(change), previous.received)
    sentence = f"{year}年，{_who(agencies)}共收到政府信息公开申请{this.received}件"
    if this.on_site:
        sentence += f"（包括现场资料查询{this.on_site}件）"
    if change == 0:
        sentence += "，与上年持平"
    else:
        verb, grew = ("增加", "增长") if change > 0 else ("减少", "下降")
        sentence += f"，较上年{verb}{abs(change)}件"
        if change_share is not None:
            sentence += f"（{grew}{percent_text(change_share)}）"
    sentence += f"；{year - 2}—{year}年共收到申请{total}件"
    if on_site_total:
        sentence += f"（包括现场资料查询{on_site_total}件）"
    sentence += f"，年均收到申请{average}件。"
    return ApplicationsTrend(year, years, total, on_site_total, average, change, change_share, sentence)


@dataclass(frozen=True)
class OnSite:
    """On-site document consultations (现场资料查询) among the applications of the year."""

    year: int
    count: int
    total: int
    share: Decimal | None
    sentence: str


def _reported_new_received(agencies: list[Agency], years: list[int]) -> dict[tuple[int, int], int]:
    """``(agency id, year) → 本年新收 total`` of each agency's latest published report of those years."""
    from gongkai.reports.models import AnnualReport, Stage

    found: dict[tuple[int, int], int] = {}
    rows = (
        AnnualReport.objects.filter(agency__in=agencies, year__in=years, stage=Stage.PUBLISHED)
        .order_by("agency_id", "year", "-version")
        .values_list("agency_id", "year", "snapshot")
    )
    for agency_id, y, snapshot in rows:
        total = ((snapshot or {}).get("section3") or {}).get("new_received", {}).get("total")
        if (agency_id, y) not in found and isinstance(total, int):
            found[agency_id, y] = total
    return found


def on_site(agencies: Agencies, year: int) -> OnSite:
    """One aggregate query."""
    agencies = _agencies(agencies)
    row = _base(agencies, year, False).aggregate(total=Count("pk"), count=Count("pk", filter=Q(on_site=True)))
    share = percent(row["count"], row["total"])
    if not row["total"]:
        sentence = f"{year}年，{_who(agencies)}未收到政府信息公开申请，现场资料查询：{NONE_TEXT}。"
    else:
        sentence = (
            f"{year}年收到的政府信息公开申请中，现场资料查询{row['count']}件，"
            f"占申请总数的{percent_text(share)}。"
        )
    return OnSite(year, row["count"], row["total"], share, sentence)


@dataclass(frozen=True)
class LandRelated:
    """Applications of the year whose subject counts as land-related (``Subject.is_land``), with the
    land-related subjects by count (most first)."""

    year: int
    count: int
    total: int
    share: Decimal | None
    subjects: list[Share]
    sentence: str


def land_related(agencies: Agencies, year: int) -> LandRelated:
    """One query grouped by subject."""
    agencies = _agencies(agencies)
    rows = (
        _base(agencies, year, False)
        .values("subject__name", "subject__is_land")
        .annotate(n=Count("pk"))
        .order_by("-n", "subject__name")
    )
    total = count = 0
    land_rows: list[tuple[str, int]] = []
    for r in rows:
        total += r["n"]
        if r["subject__is_land"]:
            count += r["n"]
            land_rows.append((r["subject__name"], r["n"]))
    subjects = [Share(name, n, percent(n, count)) for name, n in land_rows]
    share = percent(count, total)
    if not total:
        sentence = f"{year}年，{_who(agencies)}未收到政府信息公开申请，涉地信息申请：{NONE_TEXT}。"
    elif not count:
        sentence = f"{year}年收到的政府信息公开申请中，无涉地信息申请。"
    else:
        sentence = f"{year}年收到的政府信息公开申请中，涉地信息{count}件，占申请总数的{percent_text(share)}"
        top = subjects[0]
        if len(subjects) == 1:
            sentence += f"，均涉及{top.name}信息。"
        else:
            lead = "大部分涉及" if top.count * 2 > count else "涉及最多的是"
            others = "、".join(f"{s.name}{s.count}件" for s in subjects[1:])
            sentence += f"，{lead}{top.name}信息（{top.count}件），其次为{others}。"
    return LandRelated(year, count, total, share, subjects, sentence)


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    count: int
    share: Decimal | None

    @property
    def share_text(self) -> str:
        return percent_text(self.share)


@dataclass(frozen=True)
class Regions:
    """The regions with most applications (``land_only``: of the land-related ones, as the seed quotes
    them). ``top_share`` is the share of the regions listed together; ``unclassified`` the applications
    without a region (they count in ``total``)."""

    year: int
    land_only: bool
    by_city: bool
    total: int
    regions: list[Region]
    top_share: Decimal | None
    unclassified: int
    sentence: str


def _division_names(codes: set[str]) -> dict[str, str]:
    """The names of ``codes`` from the agencies' divisions, without the name of the division above
    (``湖南省长沙市`` → ``长沙市``); one query."""
    parents = {c[:2] + "0000" for c in codes} | {c[:4] + "00" for c in codes}
    known = dict(
        Agency.objects.filter(division_code__in=codes | parents)
        .values_list("division_code", "division_name")
        .order_by("division_code")
    )
    names: dict[str, str] = {}
    for code in codes:
        name = known.get(code, "")
        if not name:
            names[code] = code
            continue
        for parent in (code[:4] + "00", code[:2] + "0000"):
            prefix = known.get(parent, "")
            if parent != code and prefix and name.startswith(prefix) and len(name) > len(prefix):
                name = name[len(prefix) :]
                break
        names[code] = name
    return names


def top_regions(agencies: Agencies, year: int, n: int = 3, *, land_only: bool = False) -> Regions:
    """Two queries: the counts grouped by region, and the region names."""
    agencies = _agencies(agencies)
    by_city = bool(agencies) and all(a.division_code.endswith("0000") for a in agencies)
    qs = _base(agencies, year, land_only)
    key: Any = Concat(Substr("region_code", 1, 4), Value("00")) if by_city else F("region_code")
    rows = list(qs.annotate(region=key).values("region").annotate(n=Count("pk")).order_by("-n", "region"))
    total = sum(r["n"] for r in rows)
    unclassified = sum(r["n"] for r in rows if len(r["region"] or "") != 6)
    ranked = [r for r in rows if len(r["region"] or "") == 6][:n]
    names = _division_names({r["region"] for r in ranked}) if ranked else {}
    regions = [Region(r["region"], names[r["region"]], r["n"], percent(r["n"], total)) for r in ranked]
    top_share = percent(sum(r.count for r in regions), total)
    label = _base_label(land_only)
    if not total:
        sentence = f"{year}年，{_who(agencies)}未收到{label}，按地区统计：{NONE_TEXT}。"
    elif not regions:
        sentence = f"{year}年收到的{label}均未标注涉及地区。"
    else:
        first = regions[0]
        lead = _lead(land_only, "从地区看，")
        if len(regions) == 1:
            sentence = f"{lead}{first.name}申请数量最多，占总量的{first.share_text}"
        else:
            listed = "、".join(r.name for r in regions)
            sentence = (
                f"{lead}{listed}申请数量位居前{_cn_small(len(regions))}，"
                f"合计占总量的{percent_text(top_share)}，其中{first.name}占{first.share_text}"
            )
        if unclassified:
            sentence += f"（另有{unclassified}件未标注涉及地区）"
        sentence += "。"
    return Regions(year, land_only, by_city, total, regions, top_share, unclassified, sentence)


def _cn_small(k: int) -> str:
    return "零一二三四五六七八九十"[k] if 0 <= k <= 10 else str(k)


@dataclass(frozen=True)
class InfoYears:
    """The span of years the requested information comes from (see the module's rule). ``classified``
    applications have years recorded; ``in_span``/``before``/``after``/``straddling`` split them; shares
    are of ``total`` (all applications of the set)."""

    year: int
    land_only: bool
    total: int
    classified: int
    span_from: int | None
    span_to: int | None
    in_span: int
    before: int
    after: int
    straddling: int
    share: Decimal | None
    before_share: Decimal | None
    after_share: Decimal | None
    sentence: str


def _narrowest_span(groups: list[tuple[int, int, int]], classified: int) -> tuple[int, int] | None:
    """The narrowest ``(a, b)`` whose range contains the ``(lo, hi, n)`` groups of at least
    SPAN_COVERAGE per cent of ``classified``; ties: more contained, then the later span. Walks the
    grouped rows only (at most one per distinct pair of years)."""
    best: tuple[int, int, int, int] | None = None  # (width, -covered, -b, a)
    for a in sorted({lo for lo, _, _ in groups}):
        inside = sorted((hi, n) for lo, hi, n in groups if lo >= a)
        covered = 0
        for i, (hi, n) in enumerate(inside):
            covered += n
            if i + 1 < len(inside) and inside[i + 1][0] == hi:
                continue
            if covered * 100 >= SPAN_COVERAGE * classified:
                candidate = (hi - a, -covered, -hi, a)
                if best is None or candidate < best:
                    best = candidate
                break
    if best is None:
        return None
    return best[3], -best[2]


def info_years(agencies: Agencies, year: int, *, land_only: bool = False) -> InfoYears:
    """One query grouped by the (first, last) year of the information asked for."""
    agencies = _agencies(agencies)
    lo = Least(Coalesce("info_year_from", "info_year_to"), Coalesce("info_year_to", "info_year_from"))
    hi = Greatest(Coalesce("info_year_from", "info_year_to"), Coalesce("info_year_to", "info_year_from"))
    rows = (
        _base(agencies, year, land_only)
        .annotate(lo=lo, hi=hi)
        .values("lo", "hi")
        .annotate(n=Count("pk"))
        .order_by("lo", "hi")
    )
    groups: list[tuple[int, int, int]] = []
    total = 0
    for r in rows:
        total += r["n"]
        if r["lo"] is not None and r["hi"] is not None:
            groups.append((r["lo"], r["hi"], r["n"]))
    classified = sum(n for _, _, n in groups)
    span = _narrowest_span(groups, classified) if classified else None
    in_span = before = after = 0
    if span is not None:
        a, b = span
        in_span = sum(n for lo_, hi_, n in groups if lo_ >= a and hi_ <= b)
        before = sum(n for _, hi_, n in groups if hi_ < a)
        after = sum(n for lo_, _, n in groups if lo_ > b)
    straddling = classified - in_span - before - after
    share, before_share, after_share = (percent(x, total) for x in (in_span, before, after))
    label = _base_label(land_only)
    if not total:
        sentence = f"{year}年，{_who(agencies)}未收到{label}，所涉信息年份：{NONE_TEXT}。"
    elif span is None:
        sentence = f"{year}年收到的{label}均未标注所涉信息的年份。"
    else:
        a, b = span
        years = f"{a}年" if a == b else f"{a}—{b}年"
        sentence = f"{label}所涉信息基本为{years}存在的信息，占总数的{percent_text(share)}"
        if before:
            sentence += f"；{a - 1}年及以前的信息占{percent_text(before_share)}"
        if after:
            sentence += f"；{b + 1}年及以后的信息占{percent_text(after_share)}"
        if total - classified:
            sentence += f"（另有{total - classified}件未标注信息年份）"
        sentence += "。"
    return InfoYears(
        year,
        land_only,
        total,
        classified,
        span[0] if span else None,
        span[1] if span else None,
        in_span,
        before,
        after,
        straddling,
        share,
        before_share,
        after_share,
        sentence,
    )


@dataclass(frozen=True)
class ApplicantGroups:
    """Applications by applicant group (``ApplicantGroup``, most first; ``ungrouped`` without one) and by
    the kind of applicant: natural persons, and legal persons or other organisations (the five other
    columns of section 三)."""

    year: int
    land_only: bool
    total: int
    groups: list[Share]
    ungrouped: int
    natural_persons: Share
    organisations: Share
    sentence: str


def applicant_groups(agencies: Agencies, year: int, *, land_only: bool = False) -> ApplicantGroups:
    """One query grouped by applicant group and kind of applicant."""
    agencies = _agencies(agencies)
    rows = (
        _base(agencies, year, land_only)
        .values("applicant_group__name", "applicant_group__sort_order")
        .annotate(n=Count("pk"), persons=Count("pk", filter=Q(applicant_column="natural_person")))
        .order_by("-n", "applicant_group__sort_order", "applicant_group__name")
    )
    total = persons = ungrouped = 0
    named: list[tuple[str, int]] = []
    for r in rows:
        total += r["n"]
        persons += r["persons"]
        if r["applicant_group__name"] is None:
            ungrouped += r["n"]
        else:
            named.append((r["applicant_group__name"], r["n"]))
    groups = [Share(name, n, percent(n, total)) for name, n in named]
    natural = Share("自然人", persons, percent(persons, total))
    organisations = Share("法人或其他组织", total - persons, percent(total - persons, total))
    label = _base_label(land_only)
    if not total:
        sentence = f"{year}年，{_who(agencies)}未收到{label}，按申请人统计：{NONE_TEXT}。"
    else:
        sentence = _lead(land_only, "从申请人看，")
        if groups:
            top = groups[0]
            if top.count * 2 > total:
                sentence += f"以{top.name}申请为主，占总数的{top.share_text}"
            else:
                sentence += f"{top.name}申请最多，占总数的{top.share_text}"
            if len(groups) > 1:
                sentence += "，其次为" + "、".join(f"{g.name}（{g.share_text}）" for g in groups[1:4])
            sentence += "；"
        sentence += (
            f"自然人申请{natural.count}件，占{natural.share_text}，"
            f"法人或其他组织申请{organisations.count}件，占{organisations.share_text}。"
        )
    return ApplicantGroups(year, land_only, total, groups, ungrouped, natural, organisations, sentence)


@dataclass(frozen=True)
class LateReplies:
    """Applications concluded in the year by a reply or a decision ending them, and how many of those
    came after their due date (``without_due``: no due date recorded, not judged)."""

    year: int
    concluded: int
    late: int
    without_due: int
    share: Decimal | None
    sentence: str


def late_replies(agencies: Agencies, year: int) -> LateReplies:
    """One aggregate query."""
    agencies = _agencies(agencies)
    first, last = _year_range(year)
    row = Application.objects.filter(
        agency__in=agencies,
        status__in=[Status.REPLIED, Status.CLOSED],
        concluded_on__gte=first,
        concluded_on__lte=last,
    ).aggregate(
        concluded=Count("pk"),
        late=Count("pk", filter=Q(due_on__isnull=False, concluded_on__gt=F("due_on"))),
        without_due=Count("pk", filter=Q(due_on__isnull=True)),
    )
    share = percent(row["late"], row["concluded"])
    if not row["concluded"]:
        sentence = f"{year}年，{_who(agencies)}未办结政府信息公开申请，超期答复：{NONE_TEXT}。"
    elif row["late"]:
        sentence = (
            f"{year}年办结政府信息公开申请{row['concluded']}件，其中超期答复{row['late']}件，"
            f"占{percent_text(share)}"
        )
    else:
        sentence = f"{year}年办结政府信息公开申请{row['concluded']}件，无超期答复现象"
    if row["concluded"]:
        if row["without_due"]:
            sentence += f"（另有{row['without_due']}件未记录答复期限）"
        sentence += "。"
    return LateReplies(year, row["concluded"], row["late"], row["without_due"], share, sentence)


# --- 六: fees -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fees:
    """信息处理费 (国办函〔2020〕109号): notices received by applicants in the year and their amount; fees
    paid in the year and the amount collected (yuan)."""

    year: int
    notices: int
    notified_amount: Decimal
    paid: int
    collected: Decimal
    sentence: str


def fees(agencies: Agencies, year: int) -> Fees:
    """One aggregate query over the fee notices (``Pause`` of kind ``fee``)."""
    from gongkai.applications.models import Pause

    agencies = _agencies(agencies)
    first, last = _year_range(year)
    noticed = Q(started_on__gte=first, started_on__lte=last)
    paid = Q(ended_on__gte=first, ended_on__lte=last)
    zero = Value(Decimal("0"))
    row = Pause.objects.filter(kind=PauseKind.FEE, application__agency__in=agencies).aggregate(
        notices=Count("pk", filter=noticed),
        notified_amount=Coalesce(Sum("amount", filter=noticed), zero),
        paid=Count("pk", filter=paid),
        collected=Coalesce(Sum("amount", filter=paid), zero),
    )
    notified_amount = Decimal(row["notified_amount"])
    collected = Decimal(row["collected"])
    who = _who(agencies)
    if not row["notices"] and not row["paid"]:
        sentence = f"{year}年，{who}未收取信息处理费。"
    else:
        sentence = (
            f"{year}年，{who}发出信息处理费收费通知{row['notices']}件，金额合计{yuan_text(notified_amount)}，"
            f"实际收取信息处理费{row['paid']}件，共计{yuan_text(collected)}。"
        )
    return Fees(year, row["notices"], notified_amount, row["paid"], collected, sentence)


# --- all of them --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistic:
    """One statistic offered for insertion: ``section`` is “一” or “六”; ``value`` the dataclass."""

    key: str
    title: str
    section: str
    sentence: str
    value: Any = field(repr=False, compare=False)


def all_statistics(agencies: Agencies, year: int) -> list[Statistic]:
    """Every statistic, in the order section 一 quotes them (the seed's order), then section 六's.

    The regions are those of the land-related applications when there are any (the seed quotes them
    so), else of all applications. Queries: a fixed number, however many agencies.
    """
    agencies = _agencies(agencies)
    land = land_related(agencies, year)
    items: list[tuple[str, str, str, Any]] = [
        ("publications", "主动公开政府信息", "一", publications(agencies, year)),
        ("consultations", "互动平台办理回复", "一", consultations(agencies, year)),
        ("credit", "“双公示”信息报送", "一", credit_decisions(agencies, year)),
        ("applications_trend", "收到申请及近三年情况", "一", applications_trend(agencies, year)),
        ("on_site", "现场资料查询", "一", on_site(agencies, year)),
        ("land_related", "涉地信息申请", "一", land),
        ("top_regions", "申请较多的地区", "一", top_regions(agencies, year, land_only=land.count > 0)),
        ("info_years", "申请所涉信息年份", "一", info_years(agencies, year)),
        ("applicant_groups", "申请人构成", "一", applicant_groups(agencies, year)),
        ("late_replies", "超期答复", "一", late_replies(agencies, year)),
        ("fees", "收取信息处理费", "六", fees(agencies, year)),
    ]
    return [Statistic(key, title, section, value.sentence, value) for key, title, section, value in items]
