"""The statutory clock of the 《政府信息公开条例》 (2019 revision): working days and deadlines.

A pure module: no Django, no database, no clock reading. The holiday schedule is handed in as a
:class:`WorkingCalendar`; every function is deterministic in its arguments.

Counting rules (``/work/shared/spec/clock.md``; legal basis in ``regulation.md`` §1.3, §2.2, §4, §5):

* A working day is a day on which government offices work under the State Council's holiday schedule:
  Monday–Friday that is not a holiday, plus weekend days designated as make-up working days (调休上班).
* ``add_working_days(cal, day0, n)`` is the n-th working day strictly after ``day0``; ``day0`` never counts
  (期间开始的当日不计入). ``working_days_between(cal, a, b)`` counts working days d with a < d <= b.
* A year that neither the ``chinese_calendar`` package nor a complete administrator override covers is
  *unknown*: its days are counted Monday–Friday, and every result that touched it is *provisional* and
  names the missing year(s). It is never silently treated as certain.

Performance: a :class:`WorkingCalendar` precomputes, for the contiguous range of years from its first to its
last known year, a prefix count of working days per day ordinal and the ordinal of every working day. Both
hot functions are then O(1) (a few integer operations and one tuple index); outside the table the
Monday–Friday count is computed in closed form.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "CLARIFICATION_NOTICE_DAYS",
    "CONSULTATION_ANSWER_DAYS",
    "DEFAULT_SUPPLEMENT_DAYS",
    "FEE_PAYMENT_DAYS",
    "MAX_EXTENSION_DAYS",
    "PUBLICATION_DAYS",
    "REPLY_DAYS",
    "Channel",
    "Clarification",
    "Consultation",
    "ConsultationParty",
    "Deadline",
    "FeeNotice",
    "Flag",
    "Step",
    "WorkingCalendar",
    "add_working_days",
    "annual_report_deadline",
    "clarification_notice_deadline",
    "consultation_answer_deadline",
    "fee_payment_deadline",
    "is_on_time",
    "publication_deadline",
    "receipt_date",
    "remaining_working_days",
    "reply_deadline",
    "supplement_deadline",
    "working_days_between",
]

# ---------------------------------------------------------------------------------------------------------
# Statutory periods (working days) and their legal basis
# ---------------------------------------------------------------------------------------------------------

REPLY_DAYS = 20
"""条例第三十三条第二款: reply within 20 working days of receipt."""
MAX_EXTENSION_DAYS = 20
"""条例第三十三条第二款: one extension of at most 20 working days."""
CLARIFICATION_NOTICE_DAYS = 7
"""条例第三十条: the clarification notice goes out within 7 working days of receipt."""
DEFAULT_SUPPLEMENT_DAYS = 15
"""条例第三十条 leaves the supplement period to the agency ("合理的补正期限"); default 15 working days."""
CONSULTATION_ANSWER_DAYS = 15
"""条例第三十二条、第三十四条: the consulted party answers within 15 working days of receiving the letter."""
FEE_PAYMENT_DAYS = 20
"""信息处理费管理办法: pay within 20 working days from the day after receiving the fee notice."""
PUBLICATION_DAYS = 20
"""条例第二十六条: publish within 20 working days of the day the information is formed or changed."""

REG = "《政府信息公开条例》"
BASIS_ART26 = REG + "第二十六条"
BASIS_ART30 = REG + "第三十条"
BASIS_ART31_1 = REG + "第三十一条第（一）项"
BASIS_ART31_2 = REG + "第三十一条第（二）项"
BASIS_ART31_3 = REG + "第三十一条第（三）项"
BASIS_ART31 = REG + "第三十一条"
BASIS_ART32 = REG + "第三十二条"
BASIS_ART33_2 = REG + "第三十三条第二款"
BASIS_ART33_3 = REG + "第三十三条第三款"
BASIS_ART34 = REG + "第三十四条"
BASIS_ART35 = REG + "第三十五条"
BASIS_ART49_1 = REG + "第四十九条第一款"
BASIS_ART49_2 = REG + "第四十九条第二款"
BASIS_FEE = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"

_EMPTY_OVERRIDES: Mapping[date, bool] = MappingProxyType({})
_Date = date  # alias: Step has a field named ``date``
# Builds a NamedTuple (Step, Deadline) from a complete tuple of its fields without going through the
# generated Python-level ``__new__``: the same object, about twice as fast on the hot path.
_new = tuple.__new__


# ---------------------------------------------------------------------------------------------------------
# Monday–Friday arithmetic on day ordinals (date.toordinal(): 0001-01-01 == 1 is a Monday)
# ---------------------------------------------------------------------------------------------------------


def _monfri_count(o: int) -> int:
    """Number of Monday–Friday days with ordinal in [1, o]."""
    q, r = divmod(o, 7)
    return 5 * q + (r if r < 5 else 5)


def _monfri_nth(t: int) -> int:
    """Smallest ordinal o with ``_monfri_count(o) >= t`` (t >= 1): the t-th Monday–Friday day."""
    q, r = divmod(t - 1, 5)
    return 7 * q + r + 1


def _check_date(value: object, name: str) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} 必须是日期（datetime.date），收到 {type(value).__name__}")


# ---------------------------------------------------------------------------------------------------------
# The working calendar
# ---------------------------------------------------------------------------------------------------------


class WorkingCalendar:
    """An immutable working-day calendar (工作日历).

    A day is a working day when it is listed in ``working``; otherwise when it is Monday–Friday and not
    listed in ``non_working``. Only entries in *known* years are used: a year is known when its schedule is
    complete (the ``chinese_calendar`` package covers it, or an administrator declared their override
    table for it complete). Days of unknown years are counted Monday–Friday and results that touch them are
    provisional (clock.md, "Working days"). Entries given for an unknown year are *not* used (a partially
    entered year stays provisional, counted Monday–Friday); such years are listed in
    :attr:`partial_override_years` so that the administrator can be told.

    Build it with :meth:`from_chinese_calendar` in the application; the plain constructor is for tests and
    for callers that hold their own schedule.
    """

    __slots__ = (
        "_base",
        "_cum",
        "_hi_offset",
        "_known",
        "_package_years",
        "_partial",
        "_wd",
        "_wd_base",
    )

    _base: int
    _cum: tuple[int, ...]
    _hi_offset: int
    _known: frozenset[int]
    _package_years: tuple[int, ...]
    _partial: tuple[int, ...]
    _wd: tuple[int, ...]
    _wd_base: int

    def __init__(
        self,
        *,
        non_working: Iterable[date] = (),
        working: Iterable[date] = (),
        known_years: Iterable[int] = (),
        package_years: Iterable[int] = (),
    ) -> None:
        known = frozenset(known_years)
        for y in known:
            if isinstance(y, bool) or not isinstance(y, int) or not 1 <= y <= 9998:
                raise ValueError(f"年度 {y!r} 不是有效的年份")
        off_dates = set(non_working)
        on_dates = set(working)
        for d in off_dates | on_dates:
            _check_date(d, "工作日历中的日期")
        both = off_dates & on_dates
        if both:
            raise ValueError(f"日期 {min(both).isoformat()} 同时被标为工作日和休息日")
        partial = {d.year for d in off_dates | on_dates if d.year not in known}
        off = {d.toordinal() for d in off_dates if d.year in known}
        on = {d.toordinal() for d in on_dates if d.year in known}

        if known:
            lo = date(min(known), 1, 1).toordinal()
            hi = date(max(known), 12, 31).toordinal()
            base = lo - 1
            c = _monfri_count(base)
            wd_base = c
            cum = [c]
            wd = []
            for o in range(lo, hi + 1):
                if o in on or ((o + 6) % 7 < 5 and o not in off):
                    c += 1
                    wd.append(o)
                cum.append(c)
            hi_offset = c - _monfri_count(hi)
        else:
            base, cum, wd, wd_base, hi_offset = 0, [], [], 0, 0

        sa = object.__setattr__
        sa(self, "_known", known)
        sa(self, "_package_years", tuple(sorted(set(package_years))))
        sa(self, "_partial", tuple(sorted(partial)))
        sa(self, "_base", base)
        sa(self, "_cum", tuple(cum))
        sa(self, "_wd", tuple(wd))
        sa(self, "_wd_base", wd_base)
        sa(self, "_hi_offset", hi_offset)

    @classmethod
    def from_chinese_calendar(
        cls,
        overrides: Mapping[date, bool] = _EMPTY_OVERRIDES,
        complete_years: Iterable[int] = (),
    ) -> WorkingCalendar:
        """The State Council schedule from the ``chinese_calendar`` package plus the override table.

        ``overrides`` maps a date to whether it is a working day; it wins over the package for that date.
        ``complete_years`` are the years for which the administrator declares the override table complete
        (the whole published schedule has been entered); those years become known. Years the package
        covers are read from its own data range (1.11.0: 2004–2026). The package is only read through its
        data tables ``chinese_calendar.holidays`` / ``workdays``, never called for a date, so a year it
        does not know cannot raise ``NotImplementedError``.
        """
        import chinese_calendar  # local import: only this constructor depends on the package

        pkg_holidays: Mapping[date, object] = chinese_calendar.holidays
        pkg_workdays: Mapping[date, object] = chinese_calendar.workdays
        first = min(pkg_holidays).year
        last = max(pkg_holidays).year
        package_years = range(first, last + 1)
        # The package's own rule (utils.is_workday): listed workdays win, then listed holidays, then Mon–Fri.
        working = set(pkg_workdays)
        non_working = set(pkg_holidays) - working
        for d, is_working in overrides.items():
            _check_date(d, "覆盖表中的日期")
            if is_working:
                working.add(d)
                non_working.discard(d)
            else:
                non_working.add(d)
                working.discard(d)
        return cls(
            non_working=non_working,
            working=working,
            known_years=set(package_years) | set(complete_years),
            package_years=package_years,
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("WorkingCalendar is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("WorkingCalendar is immutable")

    def __repr__(self) -> str:
        return f"<WorkingCalendar known_years={_year_ranges(self._known)}>"

    # -- queries ---------------------------------------------------------------------------------------

    @property
    def known_years(self) -> frozenset[int]:
        """Years whose schedule is complete (package or declared-complete overrides)."""
        return self._known

    @property
    def package_years(self) -> tuple[int, ...]:
        """Years taken from the ``chinese_calendar`` package (empty for a hand-built calendar)."""
        return self._package_years

    @property
    def partial_override_years(self) -> tuple[int, ...]:
        """Unknown years for which entries were given but ignored (schedule not declared complete)."""
        return self._partial

    def is_known(self, d: date) -> bool:
        """Whether the status of ``d`` comes from a complete schedule (its year is known)."""
        return d.year in self._known

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day (provisionally Monday–Friday in an unknown year)."""
        o = d.toordinal()
        return self._count(o) - self._count(o - 1) == 1

    def unknown_years_in(self, a: date, b: date) -> tuple[int, ...]:
        """The unknown years containing at least one day d with a < d <= b (sorted; empty if b <= a).

        A result computed by counting over (a, b] is firm exactly when this is empty.
        """
        if b <= a:
            return ()
        y0 = a.year + 1 if (a.month == 12 and a.day == 31) else a.year
        y1 = b.year
        known = self._known
        if y0 == y1:
            return () if y0 in known else (y0,)
        return tuple(y for y in range(y0, y1 + 1) if y not in known)

    # -- prefix-count primitives (ordinals) -------------------------------------------------------------

    def _count(self, o: int) -> int:
        """W(o): a cumulative count of working days up to and including ordinal o (differences only)."""
        i = o - self._base
        cum = self._cum
        if 0 <= i < len(cum):
            return cum[i]
        q, r = divmod(o, 7)
        m = 5 * q + (r if r < 5 else 5)
        return m if i < 0 else m + self._hi_offset

    def _nth(self, t: int) -> int:
        """Smallest ordinal o with W(o) >= t, i.e. the working day whose cumulative count is t."""
        k = t - self._wd_base
        wd = self._wd
        if 1 <= k <= len(wd):
            return wd[k - 1]
        if k < 1:
            return _monfri_nth(t)
        return _monfri_nth(t - self._hi_offset)


def _year_ranges(years: Iterable[int]) -> str:
    ys = sorted(years)
    if not ys:
        return "none"
    parts: list[str] = []
    start = prev = ys[0]
    for y in [*ys[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------------------
# The two counting functions (hot path: plain dates and ints)
# ---------------------------------------------------------------------------------------------------------


def add_working_days(cal: WorkingCalendar, day0: date, n: int) -> date:
    """The n-th working day strictly after ``day0`` (``day0`` itself never counts, working day or not).

    Basis: 期间开始的当日不计入 (民法典第二百零一条; clock.md "Working days"). Unlike
    ``chinese_calendar.find_workday`` this does not count one day too many when ``day0`` is a
    non-working day. ``n == 0`` returns ``day0``. Whether the result is firm:
    ``cal.unknown_years_in(day0, result)`` is empty.
    """
    if n <= 0:
        if n == 0:
            return day0
        raise ValueError(f"工作日数不能为负数：{n}")
    o = day0.toordinal()
    # inline of cal._count / cal._nth (this is the hot path)
    i = o - cal._base
    cum = cal._cum
    if 0 <= i < len(cum):
        t = cum[i] + n
    else:
        q, r = divmod(o, 7)
        t = 5 * q + (r if r < 5 else 5) + n
        if i >= 0:
            t += cal._hi_offset
    k = t - cal._wd_base
    wd = cal._wd
    if 1 <= k <= len(wd):
        return date.fromordinal(wd[k - 1])
    if k >= 1:
        t -= cal._hi_offset
    q, r = divmod(t - 1, 5)
    return date.fromordinal(7 * q + r + 1)


def working_days_between(cal: WorkingCalendar, a: date, b: date) -> int:
    """The number of working days d with a < d <= b (0 when b <= a).

    Firm when ``cal.unknown_years_in(a, b)`` is empty.
    """
    if b <= a:
        return 0
    return cal._count(b.toordinal()) - cal._count(a.toordinal())


# ---------------------------------------------------------------------------------------------------------
# Receipt date (Art. 31)
# ---------------------------------------------------------------------------------------------------------


class Channel(enum.StrEnum):
    """How an application was submitted (申请渠道; glossary names)."""

    in_person = "in_person"
    registered_post = "registered_post"
    ordinary_letter = "ordinary_letter"
    online = "online"
    fax = "fax"

    @property
    def label(self) -> str:
        return _CHANNEL_LABELS[self]


_CHANNEL_LABELS = {
    Channel.in_person: "当面提交",
    Channel.registered_post: "邮寄（需签收）",
    Channel.ordinary_letter: "平常信函",
    Channel.online: "互联网渠道",
    Channel.fax: "传真",
}

RECEIPT_BASIS = {
    Channel.in_person: BASIS_ART31_1,
    Channel.registered_post: BASIS_ART31_2,
    Channel.ordinary_letter: BASIS_ART31_2,
    Channel.online: BASIS_ART31_3,
    Channel.fax: BASIS_ART31_3,
}
"""The provision of Art. 31 that fixes the receipt date for each channel."""


def receipt_date(
    channel: Channel | str,
    *,
    submitted: date | None = None,
    signed_for: date | None = None,
    confirmed: date | None = None,
    accepted: date | None = None,
) -> date:
    """The date of receipt (收到申请之日) for a channel, per 条例第三十一条.

    * in person (当面提交): the day of submission — ``submitted`` (第三十一条第（一）项);
    * registered post (需签收的邮寄): the day the agency signs for it — ``signed_for`` (第（二）项);
    * ordinary letter (平常信函): the day the disclosure office confirms receipt with the applicant —
      ``confirmed`` (第（二）项; it should confirm on the day the letter arrives);
    * internet / fax (互联网、传真): the day both sides confirm (第（三）项). **Choice**: that is the day the
      disclosure office accepts the application in the system, which also sends the applicant the
      confirmation — ``accepted``.

    Dates for other channels are ignored. A missing required date raises ``ValueError`` (message in
    Chinese).
    """
    try:
        ch = Channel(channel)
    except ValueError:
        names = "、".join(c.value for c in Channel)
        raise ValueError(f"未知的申请渠道：{channel!r}（应为 {names} 之一）") from None
    if ch is Channel.in_person:
        value, name, what = submitted, "submitted", "当面提交的申请须填写提交日期"
    elif ch is Channel.registered_post:
        value, name, what = signed_for, "signed_for", "需签收的邮寄申请须填写本机关签收日期"
    elif ch is Channel.ordinary_letter:
        value, name, what = confirmed, "confirmed", "平常信函申请须填写与申请人确认收到的日期"
    else:
        value, name, what = (
            accepted,
            "accepted",
            f"{_CHANNEL_LABELS[ch]}申请须填写政府信息公开工作机构在系统中受理（双方确认）的日期",
        )
    if value is None:
        raise ValueError(f"{what}（{name}），据以确定收到申请之日（{RECEIPT_BASIS[ch]}）")
    _check_date(value, name)
    return value


# ---------------------------------------------------------------------------------------------------------
# Inputs of the reply deadline
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clarification:
    """A clarification request (补正, 条例第三十条).

    ``notice_sent``: the day the one-time notice went to the applicant (due within 7 working days of
    receipt). ``supplement_received``: the day the agency received the supplemented application (None while
    waiting). ``time_limit_days``: the supplement period the clerk set, in working days counted from the
    day after ``notice_sent`` (**choice**: default 15, configurable).
    """

    notice_sent: date
    supplement_received: date | None = None
    time_limit_days: int = DEFAULT_SUPPLEMENT_DAYS

    def __post_init__(self) -> None:
        _check_date(self.notice_sent, "补正通知日期")
        if self.supplement_received is not None:
            _check_date(self.supplement_received, "收到补正日期")
            if self.supplement_received < self.notice_sent:
                raise ValueError(
                    f"收到补正的日期（{self.supplement_received}）不能早于补正通知日期（{self.notice_sent}）"
                )
        if isinstance(self.time_limit_days, bool) or not isinstance(self.time_limit_days, int):
            raise TypeError("补正期限必须是整数个工作日")
        if self.time_limit_days < 1:
            raise ValueError(f"补正期限至少为1个工作日，收到 {self.time_limit_days}")


class ConsultationParty(enum.StrEnum):
    """Who is consulted: a third party (第三十二条) or another agency (第三十四条 / 第三十三条第三款)."""

    third_party = "third_party"
    agency = "agency"

    @property
    def label(self) -> str:
        return "第三方" if self is ConsultationParty.third_party else "其他机关"

    @property
    def basis(self) -> str:
        return BASIS_ART32 if self is ConsultationParty.third_party else BASIS_ART34


@dataclass(frozen=True, slots=True)
class Consultation:
    """A consultation letter (征求意见书) to a third party or another agency (条例第三十二条、第三十四条).

    The days from ``sent`` (exclusive) to the end day B (inclusive) are not counted in the reply period
    (第三十三条第三款). B is ``answered``; if there is no answer, B is the 15th working day after
    ``recipient_received`` (the recipient's statutory answer period). With neither date the consultation is
    still open and the clock is stopped.
    """

    sent: date
    answered: date | None = None
    recipient_received: date | None = None
    party: ConsultationParty = ConsultationParty.third_party

    def __post_init__(self) -> None:
        _check_date(self.sent, "征求意见书发出日期")
        if self.recipient_received is not None:
            _check_date(self.recipient_received, "被征求意见方收到日期")
            if self.recipient_received < self.sent:
                raise ValueError(
                    f"被征求意见方收到日期（{self.recipient_received}）不能早于发出日期（{self.sent}）"
                )
        if self.answered is not None:
            _check_date(self.answered, "收到意见日期")
            if self.answered < self.sent:
                raise ValueError(f"收到意见的日期（{self.answered}）不能早于发出日期（{self.sent}）")
            if self.recipient_received is not None and self.answered < self.recipient_received:
                raise ValueError(
                    f"收到意见的日期（{self.answered}）不能早于被征求意见方收到日期（{self.recipient_received}）"
                )
        object.__setattr__(self, "party", ConsultationParty(self.party))


@dataclass(frozen=True, slots=True)
class FeeNotice:
    """A fee notice (收费通知) for the information processing fee (信息处理费管理办法).

    ``received``: the day the applicant received the notice (F); ``paid``: the day the fee was paid (P), or
    None while unpaid. Payment is due within 20 working days from the day after F.
    """

    received: date
    paid: date | None = None

    def __post_init__(self) -> None:
        _check_date(self.received, "申请人收到收费通知日期")
        if self.paid is not None:
            _check_date(self.paid, "缴费日期")
            if self.paid < self.received:
                raise ValueError(f"缴费日期（{self.paid}）不能早于收到收费通知日期（{self.received}）")


# ---------------------------------------------------------------------------------------------------------
# Output of the reply deadline
# ---------------------------------------------------------------------------------------------------------


class Step(NamedTuple):
    """One line of the deadline's explanation (计算过程).

    ``days`` is the signed number of working days this step adds to (or removes from) the period; the
    steps of a :class:`Deadline` with a due date add up: ``working_days_between(cal, start, due) ==
    sum(step.days)``. ``until`` is the end of an interval (a pause's last day) where there is one.
    """

    date: _Date
    label: str
    days: int
    basis: str
    until: _Date | None = None


class Flag(NamedTuple):
    """An irregularity found while computing (shown to staff; never changes the computed date)."""

    code: str
    message: str


class Deadline(NamedTuple):
    """The reply deadline of an application and how it was reached (immutable).

    A ``NamedTuple`` rather than a frozen dataclass only for speed: it is built once per case and the
    benchmark computes a million of them.

    ``due`` is the last day on which a reply is on time; it is None only while the clock is stopped
    (``waiting`` says why: awaiting the supplement, an open consultation, an unpaid fee notice) and no
    Art. 35 date was fixed. ``provisional`` is True when any date in this result (the due date or one of
    the derived limits) was counted across a year whose schedule is unknown; ``missing_years`` names those
    years. ``start`` is the day the 20 working days run from (the receipt date, or the day the supplement
    was received).
    """

    due: date | None
    provisional: bool
    missing_years: tuple[int, ...]
    trail: tuple[Step, ...]
    receipt: date
    start: date
    waiting: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    clarification_notice_by: date | None = None
    supplement_by: date | None = None
    consultation_answer_by: tuple[date | None, ...] = ()
    fee_payment_by: tuple[date, ...] = ()


# Labels (constants: no formatting on the hot path)
L_RECEIPT = "收到申请之日（当日不计入期限）"
L_NOTICE = "发出补正通知"
L_RESTART = "收到补正后的申请，答复期限自此重新起算（当日不计入）"
L_BASE = "答复期限：20个工作日"
L_PAUSE = {
    ConsultationParty.third_party: "征求第三方意见所需时间，不计算在答复期限内",
    ConsultationParty.agency: "征求其他机关意见所需时间，不计算在答复期限内",
}
L_PAUSE_OPEN = {
    ConsultationParty.third_party: "征求第三方意见尚未结束，答复期限暂停计算",
    ConsultationParty.agency: "征求其他机关意见尚未结束，答复期限暂停计算",
}
L_FEE = "收费通知至缴费期间，不计算在答复期限内（选择：默认不计入）"
L_FEE_OPEN = "申请人尚未缴费，答复期限暂停计算（选择：默认不计入）"
L_FEE_COUNTED = "收费通知至缴费期间照常计算（本机关配置：缴费期间计入答复期限）"
S_OVERLAP = "（与其他不计算期间重叠的工作日只扣除一次）"
S_BEFORE_START = "（补正后答复期限重新起算，此前的期间不再计算）"
L_EXTENSION = "延长答复期限（经政府信息公开工作机构负责人同意并告知申请人）"
L_EXTENSION_DROPPED = "补正前决定的延期：答复期限重新起算后不再计算"
L_DUE = "答复期限届满日"
L_ART35 = "依第三十五条确定的延迟答复期限（取代按工作日计算的期限）"

W_SUPPLEMENT = "awaiting_supplement"
W_CONSULTATION = "awaiting_consultation"
W_FEE = "awaiting_payment"

# per kind of pause: (label, label while open, legal basis, waiting code, what it is)
_PAUSE_TEXT = {
    party: (
        L_PAUSE[party],
        L_PAUSE_OPEN[party],
        BASIS_ART33_3 + "、" + party.basis,
        W_CONSULTATION,
        "征求意见",
    )
    for party in ConsultationParty
}
_FEE_TEXT = (L_FEE, L_FEE_OPEN, BASIS_FEE, W_FEE, "收费通知")


def _fmt(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def reply_deadline(
    cal: WorkingCalendar,
    receipt: date,
    *,
    clarification: Clarification | None = None,
    consultations: Sequence[Consultation] = (),
    fees: Sequence[FeeNotice] = (),
    extension_days: int = 0,
    extension_notified: date | None = None,
    art35_due: date | None = None,
    fee_pause: bool = True,
) -> Deadline:
    """The reply deadline (答复期限) of an application, with its explanation.

    1. ``start`` = ``receipt`` (条例第三十一条); basic period 20 working days (第三十三条第二款).
    2. Clarification (补正, 第三十条): the notice is due by the 7th working day after receipt (a later notice
       is accepted and flagged); the applicant's period is ``time_limit_days`` working days after the
       notice. When the supplement arrives on S, ``start`` = S: the period runs afresh from S and nothing
       before S (pause days up to S, an extension notified before S) counts any more; pause days after S
       still count. While the supplement is awaited the clock is stopped (``due`` None,
       ``waiting`` = ``("awaiting_supplement",)``).
    3. Consultations (第三十二条、第三十四条; excluded by 第三十三条第三款): each excludes the working days
       d with A < d <= B (A = sent, B = answered, or else the 15th working day after the recipient
       received the letter). Overlapping consultations exclude each working day once. A consultation with
       neither date is open and stops the clock.
    4. Fee notices (信息处理费管理办法): with ``fee_pause`` (**choice**: default on, configurable) each
       excludes the working days d with F < d <= P (F = notice received by the applicant, P = paid); an
       unpaid notice stops the clock. Payment is due by the 20th working day after F.
    5. Extension (第三十三条第二款): ``extension_days`` is 0 (none) or 1–20; a single number, so at most
       once. ``extension_notified``, if given, is checked: notified after the deadline then running is
       flagged; notified before a clarification restart, the extension lapses.
    6. ``due = add_working_days(start, 20 + excluded + extension)``, where ``excluded`` counts the pause
       working days after ``start``, each once (clock.md rule 7).
    7. Art. 35 (第三十五条): ``art35_due``, a date the agency fixed by decision, replaces the computed date.

    Irregularities (late notice, late supplement, pause begun after the deadline had passed, ...) are
    reported in ``flags``; they never change the date. The trail adds up:
    ``working_days_between(cal, start, due) == sum(step.days for step in trail)``.
    """
    if (
        clarification is None
        and not consultations
        and not fees
        and not extension_days
        and art35_due is None
        and receipt.__class__ is date
    ):
        # fast path: the plain 20 working days (same result as the general path below)
        due0 = add_working_days(cal, receipt, REPLY_DAYS)
        y = due0.year
        missing0 = () if y == receipt.year and y in cal._known else cal.unknown_years_in(receipt, due0)
        trail0 = (
            _new(Step, (receipt, L_RECEIPT, 0, BASIS_ART31, None)),
            _new(Step, (receipt, L_BASE, REPLY_DAYS, BASIS_ART33_2, None)),
            _new(Step, (due0, L_DUE, 0, BASIS_ART33_2, None)),
        )
        return _new(
            Deadline, (due0, bool(missing0), missing0, trail0, receipt, receipt, (), (), None, None, (), ())
        )
    if receipt.__class__ is not date:
        _check_date(receipt, "收到申请之日")
    if extension_days.__class__ is not int:
        raise TypeError("延长答复期限的天数必须是整数")
    if extension_days and not 1 <= extension_days <= MAX_EXTENSION_DAYS:
        raise ValueError(f"延长答复期限应为1至20个工作日（{BASIS_ART33_2}），收到 {extension_days}")

    count = cal._count  # W(ordinal): cumulative working days; W(b) - W(a) = working days in (a, b]
    nth = cal._nth  # inverse: the working day (ordinal) whose cumulative count is t
    head: list[Step] = [_new(Step, (receipt, L_RECEIPT, 0, BASIS_ART31, None))]
    body: list[Step] = []
    ranges: list[tuple[date, date]] = []  # every (a, b] counted over: for the unknown-year check
    hi = receipt  # the latest end of those ranges (they all begin on or after the receipt date)
    flags: list[Flag] = []
    waiting: list[str] = []
    start = receipt
    notice_by: date | None = None
    supplement_by: date | None = None

    # --- clarification (Art. 30): restart -------------------------------------------------------------
    if clarification is not None:
        c = clarification
        if c.notice_sent < receipt:
            raise ValueError(f"补正通知日期（{c.notice_sent}）不能早于收到申请之日（{receipt}）")
        notice_by = add_working_days(cal, receipt, CLARIFICATION_NOTICE_DAYS)
        supplement_by = add_working_days(cal, c.notice_sent, c.time_limit_days)
        ranges.append((receipt, notice_by))
        ranges.append((c.notice_sent, supplement_by))
        hi = max(notice_by, supplement_by)
        head.append(_new(Step, (c.notice_sent, L_NOTICE, 0, BASIS_ART30, None)))
        if c.notice_sent > notice_by:
            flags.append(
                Flag(
                    "late_clarification_notice",
                    f"补正通知于{_fmt(c.notice_sent)}发出，晚于收到申请后第7个工作日（{_fmt(notice_by)}）"
                    f"（{BASIS_ART30}）",
                )
            )
        if c.supplement_received is None:
            waiting.append(W_SUPPLEMENT)
        else:
            start = c.supplement_received
            if start > supplement_by:
                flags.append(
                    Flag(
                        "late_supplement",
                        f"申请人于{_fmt(start)}补正，晚于补正期限（{_fmt(supplement_by)}）",
                    )
                )
            head.append(_new(Step, (start, L_RESTART, 0, BASIS_ART30, None)))
    start_ord = start.toordinal()
    w_start = count(start_ord)

    # --- extension (Art. 33 para 2): does it count? -----------------------------------------------------
    ext = extension_days
    if ext and extension_notified is not None:
        _check_date(extension_notified, "延期告知日期")
        if extension_notified < receipt:
            raise ValueError(f"延期告知日期（{extension_notified}）不能早于收到申请之日（{receipt}）")
        if extension_notified < start:
            body.append(_new(Step, (extension_notified, L_EXTENSION_DROPPED, 0, BASIS_ART30, None)))
            flags.append(
                Flag(
                    "extension_before_restart",
                    f"延期于{_fmt(extension_notified)}告知，早于收到补正之日，答复期限重新起算后不再计算",
                )
            )
            ext = 0

    # --- pauses: consultations (Art. 32/34, 33 para 3) and fee notices --------------------------------
    answer_by: tuple[date | None, ...] = ()
    pay_by: tuple[date, ...] = ()
    pauses: list[tuple[date, int, date | None, tuple[str, str, str, str, str]]] = []
    if consultations:
        limits: list[date | None] = []
        for k in consultations:
            if k.sent < receipt:
                raise ValueError(f"征求意见书发出日期（{k.sent}）不能早于收到申请之日（{receipt}）")
            limit = None
            if k.recipient_received is not None:
                limit = add_working_days(cal, k.recipient_received, CONSULTATION_ANSWER_DAYS)
                ranges.append((k.recipient_received, limit))
                if limit > hi:
                    hi = limit
                if k.answered is not None and k.answered > limit:
                    flags.append(
                        Flag(
                            "late_consultation_answer",
                            f"{k.party.label}于{_fmt(k.answered)}提出意见，晚于15个工作日的期限"
                            f"（{_fmt(limit)}）（{k.party.basis}）；不计算期间按实际收到意见之日计算",
                        )
                    )
            limits.append(limit)
            pauses.append((k.sent, 0, k.answered if k.answered is not None else limit, _PAUSE_TEXT[k.party]))
        answer_by = tuple(limits)
    if fees:
        pay_limits: list[date] = []
        for f in fees:
            if f.received < receipt:
                raise ValueError(f"收到收费通知日期（{f.received}）不能早于收到申请之日（{receipt}）")
            limit_f = add_working_days(cal, f.received, FEE_PAYMENT_DAYS)
            ranges.append((f.received, limit_f))
            if limit_f > hi:
                hi = limit_f
            pay_limits.append(limit_f)
            if f.paid is not None and f.paid > limit_f:
                flags.append(
                    Flag(
                        "late_payment",
                        f"申请人于{_fmt(f.paid)}缴费，晚于缴费期限（{_fmt(limit_f)}）（{BASIS_FEE}）",
                    )
                )
            if fee_pause:
                pauses.append((f.received, 1, f.paid, _FEE_TEXT))
            else:
                body.append(_new(Step, (f.received, L_FEE_COUNTED, 0, BASIS_FEE, f.paid)))
        pay_by = tuple(pay_limits)

    excluded = 0
    if pauses:
        if len(pauses) > 1:
            pauses.sort(key=_pause_key)
        covered = start_ord  # days <= covered are not counted (before start, or already excluded)
        for a, _order, b, (label, open_label, basis, waiting_code, what) in pauses:
            a_ord = a.toordinal()
            if a_ord > start_ord:
                # A pause cannot revive a deadline that had already passed: flag it (the date is kept).
                running = nth(w_start + REPLY_DAYS + ext + excluded)
                if a_ord > running:
                    flags.append(
                        Flag(
                            "pause_after_due",
                            f"{what}始于{_fmt(a)}，此前答复期限（{_fmt(date.fromordinal(running))}）已经届满",
                        )
                    )
            if b is None:
                waiting.append(waiting_code)
                body.append(_new(Step, (a, open_label, 0, basis, None)))
                continue
            b_ord = b.toordinal()
            wb = count(b_ord)
            lo = a_ord if a_ord > covered else covered
            days = wb - count(lo) if b_ord > lo else 0
            if days != (wb - count(a_ord) if b_ord > a_ord else 0):
                label += S_BEFORE_START if a_ord < start_ord else S_OVERLAP
            if b_ord > covered:
                covered = b_ord
            if days:
                ranges.append((a if a_ord > start_ord else start, b))
                if b > hi:
                    hi = b
                excluded += days
            body.append(_new(Step, (a, label, days, basis, b)))

    if ext:
        running = nth(w_start + REPLY_DAYS + excluded)
        if extension_notified is not None:
            if not waiting and extension_notified.toordinal() > running:
                flags.append(
                    Flag(
                        "late_extension_notice",
                        f"延期于{_fmt(extension_notified)}告知申请人，晚于当时的答复期限"
                        f"（{_fmt(date.fromordinal(running))}）（{BASIS_ART33_2}）",
                    )
                )
            body.append(_new(Step, (extension_notified, L_EXTENSION, ext, BASIS_ART33_2, None)))
        else:
            body.append(_new(Step, (date.fromordinal(running), L_EXTENSION, ext, BASIS_ART33_2, None)))

    head.append(_new(Step, (start, L_BASE, REPLY_DAYS, BASIS_ART33_2, None)))
    if len(body) > 1:
        body.sort(key=itemgetter(0))  # chronological (stable: overlapping pauses keep their order)
    trail = head + body

    due: date | None = None
    if not waiting:
        due = date.fromordinal(nth(w_start + REPLY_DAYS + excluded + ext))
        ranges.append((start, due))
        if due > hi:
            hi = due
    if art35_due is not None:
        _check_date(art35_due, "第三十五条确定的答复期限")
        if art35_due <= start:
            raise ValueError(f"依第三十五条确定的期限（{art35_due}）必须晚于起算日（{start}）")
        if due is not None and art35_due < due:
            flags.append(
                Flag(
                    "art35_earlier",
                    f"依第三十五条确定的期限（{_fmt(art35_due)}）早于按工作日计算的期限（{_fmt(due)}）",
                )
            )
        days35 = count(art35_due.toordinal()) - w_start - (REPLY_DAYS + excluded + ext)
        ranges.append((start, art35_due))
        if art35_due > hi:
            hi = art35_due
        trail.append(_new(Step, (art35_due, L_ART35, days35, BASIS_ART35, None)))
        due = art35_due
        trail.append(_new(Step, (due, L_DUE, 0, BASIS_ART35, None)))
    elif due is not None:
        trail.append(_new(Step, (due, L_DUE, 0, BASIS_ART33_2, None)))

    # Missing years: the union over every counted range. The hull (receipt, hi] contains them all; when it
    # touches no unknown year (the common case) that is the answer, otherwise take the exact union.
    missing = cal.unknown_years_in(receipt, hi)
    if missing:
        ys: set[int] = set()
        for a, b in ranges:
            ys.update(cal.unknown_years_in(a, b))
        missing = tuple(sorted(ys))

    return _new(
        Deadline,
        (
            due,
            bool(missing),
            missing,
            tuple(trail),
            receipt,
            start,
            tuple(waiting),
            tuple(flags),
            notice_by,
            supplement_by,
            answer_by,
            pay_by,
        ),
    )


def _pause_key(p: tuple[date, int, date | None, tuple[str, str, str, str, str]]) -> tuple[date, int]:
    return (p[0], p[1])


# ---------------------------------------------------------------------------------------------------------
# Derived deadlines and small helpers
# ---------------------------------------------------------------------------------------------------------


def clarification_notice_deadline(cal: WorkingCalendar, receipt: date) -> date:
    """Last day for the one-time clarification notice: 7th working day after receipt (条例第三十条)."""
    return add_working_days(cal, receipt, CLARIFICATION_NOTICE_DAYS)


def supplement_deadline(
    cal: WorkingCalendar, notice_sent: date, time_limit_days: int = DEFAULT_SUPPLEMENT_DAYS
) -> date:
    """Last day for the applicant's supplement: ``time_limit_days`` working days after the notice
    (条例第三十条 "合理的补正期限"; **choice**: counted from the day the notice is sent, default 15).
    No supplement by then without good reason → deemed abandoned (其他处理 / 1)."""
    return add_working_days(cal, notice_sent, time_limit_days)


def consultation_answer_deadline(cal: WorkingCalendar, recipient_received: date) -> date:
    """Last day for a consulted third party / agency to answer: 15th working day after it received the
    letter (条例第三十二条、第三十四条)."""
    return add_working_days(cal, recipient_received, CONSULTATION_ANSWER_DAYS)


def fee_payment_deadline(cal: WorkingCalendar, notice_received: date) -> date:
    """Last day to pay the information processing fee: 20th working day after the applicant received the
    fee notice (《政府信息公开信息处理费管理办法》, 国办函〔2020〕109号: "收到收费通知次日起20个工作日内").
    Unpaid by then → deemed abandoned (其他处理 / 2)."""
    return add_working_days(cal, notice_received, FEE_PAYMENT_DAYS)


def publication_deadline(cal: WorkingCalendar, formed: date) -> date:
    """Proactive publication due: 20th working day after the day the information was formed or changed
    (条例第二十六条 "自该政府信息形成或者变更之日起20个工作日内"). Firm when
    ``cal.unknown_years_in(formed, result)`` is empty."""
    return add_working_days(cal, formed, PUBLICATION_DAYS)


def annual_report_deadline(year: int, *, government: bool = False) -> date:
    """Publication deadline of the annual report for ``year`` (a calendar date, not working days).

    条例第四十九条第一款: a government department publishes by 31 January of the next year.
    条例第四十九条第二款: with ``government=True``, the report of a county-or-higher local government
    (published by its disclosure authority) is due by 31 March of the next year.
    """
    return date(year + 1, 3 if government else 1, 31)


def is_on_time(reply_date: date, due: date) -> bool:
    """A reply is on time when its date is on or before the due date (条例第三十三条第二款 "……内予以答复";
    clock.md rule 9). Overdue is always derived from dates, never stored by hand."""
    return reply_date <= due


def remaining_working_days(cal: WorkingCalendar, today: date, due: date) -> int:
    """Working days left after ``today`` up to ``due``; negative when overdue.

    * today <= due: the number of working days d with today < d <= due (0 on the last day).
    * today > due: minus the number of working days from the day after ``due`` up to ``today``, where a
      non-working ``today`` counts as the next working day; so the value is always <= -1 once overdue
      (e.g. due Friday: Saturday, Sunday and Monday are all -1, Tuesday -2).
    """
    w = cal._count
    t = today.toordinal()
    d = due.toordinal()
    if t <= d:
        return w(d) - w(t)
    late = w(t) - w(d)
    if w(t) == w(t - 1):  # today is not a working day
        late += 1
    return -late
