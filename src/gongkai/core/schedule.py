"""Reading a year's holiday schedule (节假日安排) from what administrators have: pure, no Django.

The State Council publishes each year's schedule as a notice (国务院办公厅关于××年部分节假日安排的通知).
Gongkai takes it in three forms, all giving the same list of :class:`ScheduleDay`:

* text typed in the form, one entry per line: ``2027-02-06..2027-02-13 春节 休`` or
  ``2027-02-14 春节 班`` (``休``/``holiday``/``off`` = no work, ``班``/``workday``/``work`` = make-up
  working day; a range covers every day in it);
* CSV with the columns ``date,kind,name`` (the same words for ``kind``; a header row is optional);
* iCalendar (.ics): all-day events whose summary contains 休 or 班 (the form public holiday feeds use),
  or whose ``X-GONGKAI-KIND`` property says ``holiday``/``workday``.

Only the exceptions need listing: a weekday holiday and a make-up working weekend. Listing a weekend day
of a holiday period as 休 is allowed and changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

WORK_WORDS = {"班", "上班", "调休上班", "workday", "work", "working", "1", "true"}
OFF_WORDS = {"休", "放假", "休息", "holiday", "off", "rest", "0", "false"}
MAX_RANGE_DAYS = 40


class ScheduleError(ValueError):
    """A line or event that cannot be read; the message is Chinese and names the line."""


@dataclass(frozen=True, slots=True)
class ScheduleDay:
    day: date
    is_working: bool
    name: str = ""


def _parse_date(text: str, where: str) -> date:
    text = text.strip().replace("/", "-").replace(".", "-")
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if not m:
        raise ScheduleError(f"{where}：无法识别日期“{text}”，请写成 2027-01-01。")
    y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
    try:
        return date(y, mo, d)
    except ValueError as exc:
        raise ScheduleError(f"{where}：日期“{text}”不存在。") from exc


def _kind(word: str, where: str) -> bool:
    w = word.strip().lower()
    if w in WORK_WORDS:
        return True
    if w in OFF_WORDS:
        return False
    raise ScheduleError(f"{where}：“{word}”应为“休”（放假）或“班”（调休上班）。")


def _expand(first: date, last: date, is_working: bool, name: str, where: str) -> list[ScheduleDay]:
    if last < first:
        raise ScheduleError(f"{where}：结束日期早于开始日期。")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ScheduleError(f"{where}：一段假期超过 {MAX_RANGE_DAYS} 天，请检查日期。")
    return [ScheduleDay(first + timedelta(days=i), is_working, name) for i in range((last - first).days + 1)]


def _check(days: list[ScheduleDay], year: int | None) -> list[ScheduleDay]:
    seen: dict[date, ScheduleDay] = {}
    for entry in days:
        if year is not None and entry.day.year != year:
            raise ScheduleError(f"{entry.day.isoformat()} 不属于 {year} 年。")
        before = seen.get(entry.day)
        if before is not None and before.is_working != entry.is_working:
            raise ScheduleError(f"{entry.day.isoformat()} 同时被标为放假和上班。")
        seen[entry.day] = entry
    return sorted(seen.values(), key=lambda e: e.day)


def parse_lines(text: str, *, year: int | None = None) -> list[ScheduleDay]:
    """Lines like ``2027-10-01..2027-10-07 国庆节 休``; blank lines and ``#`` comments are skipped."""
    days: list[ScheduleDay] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"第 {number} 行"
        parts = line.split()
        if len(parts) < 2:
            raise ScheduleError(f"{where}：应为“日期 名称 休/班”，例如 2027-01-01 元旦 休。")
        span, kind_word = parts[0], parts[-1]
        name = " ".join(parts[1:-1])
        first_text, _, last_text = span.replace("～", "..").replace("~", "..").partition("..")
        first = _parse_date(first_text, where)
        last = _parse_date(last_text, where) if last_text else first
        days.extend(_expand(first, last, _kind(kind_word, where), name, where))
    return _check(days, year)


def parse_csv(text: str, *, year: int | None = None) -> list[ScheduleDay]:
    """CSV rows ``date,kind,name`` (kind: 休/班/holiday/workday); a header row is recognised and skipped."""
    days: list[ScheduleDay] = []
    for number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
            continue
        if number == 1 and row[0].strip().lower() in {"date", "日期"}:
            continue
        where = f"第 {number} 行"
        if len(row) < 2:
            raise ScheduleError(f"{where}：至少需要“日期,类型”两列。")
        day = _parse_date(row[0], where)
        days.append(ScheduleDay(day, _kind(row[1], where), row[2].strip() if len(row) > 2 else ""))
    return _check(days, year)


def parse_ics(data: bytes | str, *, year: int | None = None) -> list[ScheduleDay]:
    """All-day VEVENTs; 休/班 in SUMMARY (or X-GONGKAI-KIND) says which; DTEND is exclusive (RFC 5545)."""
    from icalendar import Calendar

    try:
        cal = Calendar.from_ical(data)
    except ValueError as exc:
        raise ScheduleError(f"无法读取 iCalendar 文件：{exc}") from exc
    days: list[ScheduleDay] = []
    for number, event in enumerate(cal.walk("VEVENT"), start=1):
        summary = str(event.get("SUMMARY", "")).strip()
        where = f"第 {number} 个事件（{summary or '无标题'}）"
        explicit = event.get("X-GONGKAI-KIND")
        if explicit is not None:
            is_working = _kind(str(explicit), where)
        elif "班" in summary:
            is_working = True
        elif "休" in summary or "假" in summary:
            is_working = False
        else:
            continue  # an event that is neither (e.g. a note) is not part of the schedule
        start = event.decoded("DTSTART")
        if not isinstance(start, date) or hasattr(start, "hour"):
            raise ScheduleError(f"{where}：应为全天事件。")
        end = event.decoded("DTEND") if event.get("DTEND") is not None else start + timedelta(days=1)
        name = re.sub(r"[（(]?[休班][）)]?$", "", summary).strip() or summary
        days.extend(_expand(start, end - timedelta(days=1), is_working, name, where))
    return _check(days, year)


def parse_file(name: str, data: bytes, *, year: int | None = None) -> list[ScheduleDay]:
    """Pick the reader by file name: .ics, .csv, anything else as text lines."""
    lower = name.lower()
    if lower.endswith((".ics", ".ical")):
        return parse_ics(data, year=year)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ScheduleError("文件编码无法识别，请保存为 UTF-8。") from exc
    return parse_csv(text, year=year) if lower.endswith(".csv") else parse_lines(text, year=year)


def format_lines(days: list[ScheduleDay]) -> str:
    """The inverse of :func:`parse_lines`, merging consecutive days of the same kind and name."""
    out: list[str] = []
    run: list[ScheduleDay] = []

    def flush() -> None:
        if run:
            span = run[0].day.isoformat() + (f"..{run[-1].day.isoformat()}" if len(run) > 1 else "")
            out.append(" ".join(p for p in (span, run[0].name, "班" if run[0].is_working else "休") if p))

    for entry in sorted(days, key=lambda e: e.day):
        if run and (
            entry.day - run[-1].day != timedelta(days=1)
            or entry.is_working != run[-1].is_working
            or entry.name != run[-1].name
        ):
            flush()
            run = []
        run.append(entry)
    flush()
    return "\n".join(out)
