"""Land-expropriation disclosure rules: due dates, on-time/late/missing, and the quarterly score. Pure.

No Django here (an import-linter contract enforces it): the database layer turns its rows into the plain
values below and asks these functions. Every date rule is built on :mod:`gongkai.core.clock`
(``add_working_days``: the start day never counts). The legal sources are in ``docs/land.md`` and
``shared/spec/land.md`` §2.2; the score is the *proposed* formula of §3.3 (tag P), documented in
``docs/land.md``.

Conventions (land.md §2.2):

- ``WD(n, d)`` = ``add_working_days(cal, d, n)``; ``CD(n, d)`` = ``d + n`` calendar days, moved on to the
  next working day when that day is not a working day (民法典第二百零三条; weekends treated like holidays —
  the documented choice).
- A document is *due online* by ``online_due``: ``WD(online_days, issued)`` when its issue date is known
  (条例第二十六条: 20 working days by default). While it has not been issued, it is due by
  ``WD(online_days, latest legal issue date)``: the day before approval for a pre-approval document, the
  statutory limit (e.g. REG 31: ``WD(15, approval received)``) or the anchor itself for a post-approval one.
- *Statutory late* (the act itself, not the web page): a post-approval document issued after its statutory
  limit, or a pre-approval document issued on or after the approval date.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from gongkai.core import clock


class Anchor(enum.StrEnum):
    BEFORE_APPROVAL = "before_approval"  # must be issued before the approval
    AFTER_APPROVAL = "after_approval"  # counted from the day the approval document was received


class Unit(enum.StrEnum):
    WORKING = "wd"
    CALENDAR = "cd"


class State(enum.StrEnum):
    DUE = "due"  # not yet published, its online deadline has not passed
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"  # not published and its online deadline has passed
    NOT_APPLICABLE = "not_applicable"


STATE_LABELS = {
    State.DUE: "待公开",
    State.ON_TIME: "按时公开",
    State.LATE: "逾期公开",
    State.MISSING: "逾期未公开",
    State.NOT_APPLICABLE: "不适用",
}


class Regime(enum.StrEnum):
    PRE2020 = "pre2020"
    TRANSITION_2020 = "transition_2020"
    REG2021 = "reg2021"


REGIME_LABELS = {
    Regime.PRE2020: "2020年以前批准（原《土地管理法》）",
    Regime.TRANSITION_2020: "2020年1月1日至2021年8月31日（新法过渡期）",
    Regime.REG2021: "2021年9月1日以后（新《实施条例》）",
}


def propose_regime(approval: date | None, pre_notice: date | None = None) -> Regime:
    """land.md §1.3: the regime follows the approval date, or the pre-notice date when there is one."""
    start = pre_notice or approval
    if start is None:
        return Regime.REG2021
    if approval is not None and approval < date(2020, 1, 1):
        return Regime.PRE2020
    if start < date(2021, 9, 1):
        return Regime.TRANSITION_2020
    return Regime.REG2021


def period_end(cal: clock.WorkingCalendar, start: date, n: int, unit: Unit | str) -> date:
    """The last day of a period of ``n`` working or calendar days counted after ``start``."""
    if Unit(unit) is Unit.WORKING:
        return clock.add_working_days(cal, start, n)
    end = start + timedelta(days=n)
    while not cal.is_working_day(end):  # CC Art. 203: a period ending on a holiday runs to the next day
        end += timedelta(days=1)
    return end


@dataclass(frozen=True)
class Requirement:
    """One row of the required-disclosure table (the database's ``RequiredDisclosure``)."""

    key: str
    anchor: Anchor
    limit_days: int | None = None  # statutory limit counted from the anchor (after approval only)
    limit_unit: Unit = Unit.WORKING
    online_days: int = 20  # OGI Art. 26 default: online within 20 WD of being formed
    posting_min_days: int | None = None
    posting_unit: Unit = Unit.WORKING


@dataclass(frozen=True)
class Assessment:
    state: State
    online_due: date | None
    statutory_due: date | None
    statutory_late: bool
    posting_ok: bool | None  # None: no posting period recorded or none required
    published_on: date | None


def statutory_due(cal: clock.WorkingCalendar, req: Requirement, received: date | None) -> date | None:
    if req.anchor is Anchor.AFTER_APPROVAL and req.limit_days and received is not None:
        return period_end(cal, received, req.limit_days, req.limit_unit)
    return None


def assess(
    cal: clock.WorkingCalendar,
    req: Requirement,
    *,
    approval: date | None,
    received: date | None,
    issued: date | None,
    published: date | None,
    today: date,
    posting_start: date | None = None,
    posting_end: date | None = None,
    not_applicable: bool = False,
) -> Assessment:
    """The state of one (project, required document) pair on ``today``.

    ``published`` after ``today`` is treated as not yet published (so the same facts can be looked at as
    they stood at the end of a past quarter).
    """
    received = received or approval
    if published is not None and published > today:
        published = None
    s_due = statutory_due(cal, req, received)
    posting_ok: bool | None = None
    if req.posting_min_days and posting_start and posting_end:
        posting_ok = posting_end >= period_end(cal, posting_start, req.posting_min_days, req.posting_unit)
    if not_applicable:
        return Assessment(State.NOT_APPLICABLE, None, s_due, False, posting_ok, published)
    statutory_late = False
    if issued is not None:
        if s_due is not None:
            statutory_late = issued > s_due
        elif req.anchor is Anchor.BEFORE_APPROVAL and approval is not None:
            statutory_late = issued >= approval
        online_due: date | None = clock.add_working_days(cal, issued, req.online_days)
    else:
        if req.anchor is Anchor.BEFORE_APPROVAL:
            latest = approval - timedelta(days=1) if approval else None
        else:
            latest = s_due or received
        online_due = clock.add_working_days(cal, latest, req.online_days) if latest else None
    if published is not None:
        on_time = not statutory_late and (online_due is None or published <= online_due)
        state = State.ON_TIME if on_time else State.LATE
    elif online_due is not None and today > online_due:
        state = State.MISSING
    else:
        state = State.DUE
    return Assessment(state, online_due, s_due, statutory_late, posting_ok, published)


# --- quarters -------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"季度应为 1–4：{self.number}")

    @classmethod
    def of(cls, d: date) -> Quarter:
        return cls(d.year, (d.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2025Q4`` / ``2025q4`` / ``2025-4``."""
        t = text.strip().upper().replace("-", "Q")
        year, _, number = t.partition("Q")
        if not (year.isdigit() and number.isdigit()):
            raise ValueError(f"“{text}”不是有效的季度，请写成 2025Q4。")
        return cls(int(year), int(number))

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        nxt = self.next()
        return nxt.start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.number - 1]}季度"

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    out: list[Quarter] = []
    q = first
    while q <= last:
        out.append(q)
        q = q.next()
    return out


# --- the quarterly score (land.md §3.3, proposed) --------------------------------------------------------

WEIGHTS: dict[str, float] = {
    "batch_rate": 0.30,
    "timeliness": 0.20,
    "statutory_timeliness": 0.15,
    "coverage": 0.15,
    "completeness": 0.10,  # element checks are not recorded yet: always dropped, weights rescaled
    "posting_compliance": 0.10,
}
INDICATOR_LABELS = {
    "batch_rate": "批次公开率",
    "timeliness": "及时率",
    "statutory_timeliness": "法定时限符合率",
    "coverage": "公开率",
    "completeness": "要素完整率",
    "posting_compliance": "公告期符合率",
}
STALE_DAYS = 60  # a project this long past approval receipt with nothing online costs points
STALE_POINTS = 2
STALE_CAP = 20
VETO_WD = 30  # no 征收土地公告 30 WD after approval receipt: 不合格 whatever the score
SMALL_SAMPLE = 3
KEY_DOCUMENTS = ("approval", "expropriation_notice")  # the batch is "visible" when both are online
NOTICE_KEY = "expropriation_notice"


@dataclass(frozen=True)
class ObligationFacts:
    key: str
    online_due: date | None
    published: date | None
    issued: date | None = None
    statutory_due: date | None = None
    statutory_late: bool = False
    posting_end: date | None = None
    posting_ok: bool | None = None
    not_applicable: bool = False


@dataclass(frozen=True)
class ProjectFacts:
    unit: str  # the responsible county-level division code (6 digits)
    approval: date | None
    received: date | None
    obligations: tuple[ObligationFacts, ...]
    withheld: bool = False
    label: str = ""


@dataclass
class UnitQuarter:
    unit: str
    quarter: Quarter
    approved: int = 0
    due: int = 0  # obligations whose online deadline falls in the quarter
    on_time: int = 0  # of those, published on or before the deadline
    late: int = 0  # of those, published after it (by the end of the quarter)
    missing: int = 0  # of the quarter's set (due in it, or carried over), still unpublished at its end
    obligations: int = 0  # |O(u,q)|
    ratios: dict[str, float | None] = field(default_factory=dict)
    deductions: float = 0.0
    veto: bool = False
    score: float | None = None
    grade: str = ""
    small_sample: bool = False
    problems: list[tuple[str, str, str, date | None]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.score is None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def grade(score: float, veto: bool = False) -> str:
    if veto or score < 60:
        return "不合格"
    if score >= 90:
        return "优秀"
    if score >= 80:
        return "良好"
    return "合格"


def combine(ratios: dict[str, float | None], weights: dict[str, float] = WEIGHTS) -> float | None:
    """100 × the weighted mean of the ratios that exist (weights rescaled to sum to 1); None if none."""
    present = {k: v for k, v in ratios.items() if v is not None and weights.get(k)}
    total = sum(weights[k] for k in present)
    if not present or total <= 0:
        return None
    return 100 * sum(weights[k] * v for k, v in present.items()) / total


def quarter_stats(
    cal: clock.WorkingCalendar, unit: str, projects: Iterable[ProjectFacts], q: Quarter
) -> UnitQuarter:
    """One unit's figures and score for quarter ``q``, as the facts stood at the end of ``q``."""
    out = UnitQuarter(unit=unit, quarter=q)
    end = q.end
    batch_num = batch_den = 0
    set_published = set_size = 0
    notices_ok = notices = 0
    posting_ok = postings = 0
    stale = 0
    for p in projects:
        if p.withheld or p.approval is None or p.approval > end:
            continue
        received = p.received or p.approval
        if p.approval in q:
            out.approved += 1
        online = {o.key for o in p.obligations if o.published is not None and o.published <= end}
        complete = all(k in online for k in KEY_DOCUMENTS)
        was_complete = all(
            any(o.key == k and o.published is not None and o.published < q.start for o in p.obligations)
            for k in KEY_DOCUMENTS
        )
        if p.approval in q or not was_complete:
            batch_den += 1
            batch_num += complete
        if not online and (end - received).days > STALE_DAYS:
            stale += 1
        has_notice = any(
            o.key == NOTICE_KEY and o.issued is not None and o.issued <= end for o in p.obligations
        )
        if not has_notice and end > clock.add_working_days(cal, received, VETO_WD):
            out.veto = True
        for o in p.obligations:
            if o.not_applicable or o.online_due is None:
                continue
            published = o.published if o.published is not None and o.published <= end else None
            in_q = o.online_due in q
            carried = o.online_due < q.start and (published is None or published >= q.start)
            if in_q:
                out.due += 1
                if published is not None and published <= o.online_due and not o.statutory_late:
                    out.on_time += 1
                elif published is not None:
                    out.late += 1
            if in_q or carried:
                set_size += 1
                if published is not None:
                    set_published += 1
                else:
                    out.missing += 1 if o.online_due < end else 0
                    if o.online_due < end:
                        out.problems.append((p.label, o.key, "逾期未公开", o.online_due))
            if in_q and published is not None and (published > o.online_due or o.statutory_late):
                out.problems.append((p.label, o.key, "逾期公开", o.online_due))
            if o.key == NOTICE_KEY and o.issued is not None and o.issued in q:
                notices += 1
                notices_ok += not o.statutory_late
            if o.posting_ok is not None and o.posting_end is not None and o.posting_end in q:
                postings += 1
                posting_ok += o.posting_ok
    out.obligations = set_size
    out.ratios = {
        "batch_rate": _ratio(batch_num, batch_den),
        "timeliness": _ratio(out.on_time, out.due),
        "statutory_timeliness": _ratio(notices_ok, notices),
        "coverage": _ratio(set_published, set_size),
        "completeness": None,
        "posting_compliance": _ratio(posting_ok, postings),
    }
    out.deductions = float(min(STALE_CAP, STALE_POINTS * stale))
    base = combine(out.ratios)
    if base is None and out.approved == 0 and not out.veto:
        return out  # 本季度无应公开事项: not given 100, left out of the ranking
    out.score = round(max(0.0, (base if base is not None else 0.0) - out.deductions), 1)
    out.grade = grade(out.score, out.veto)
    out.small_sample = set_size < SMALL_SAMPLE
    return out


def rank(rows: Sequence[UnitQuarter]) -> list[tuple[int | None, UnitQuarter]]:
    """Scored units by score (highest first, ties share a rank); empty quarters last and unranked."""
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: (-(r.score or 0), r.unit))
    out: list[tuple[int | None, UnitQuarter]] = []
    previous: float | None = None
    position = 0
    for i, r in enumerate(scored, start=1):
        if r.score != previous:
            position = i
            previous = r.score
        out.append((position, r))
    out.extend((None, r) for r in rows if r.score is None)
    return out
