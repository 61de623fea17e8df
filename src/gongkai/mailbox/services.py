"""Every write to a letter, and the counts for the annual report.

Each function is one transaction: it checks the step (``rules.check``), locks the row, writes a
:class:`LetterEvent` and an audit event (``gongkai.core.audit.record``) in the same transaction; email to
the writer goes out on commit. Staff steps are refused (``PermissionDenied``) unless the actor handles
letters of that agency (``access.can_handle``). ``at`` parameters exist for the demo and imports and
default to now.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from gongkai.core import audit, clock
from gongkai.core.calendar import working_calendar
from gongkai.core.text import clean_text
from gongkai.mailbox import access, notify, rules
from gongkai.mailbox.models import Box, BoxKind, Letter, LetterEvent
from gongkai.mailbox.rules import OPEN, Status
from gongkai.orgs.models import Agency, Unit, UserKind
from gongkai.search import outbox as search_outbox

# --- the clock --------------------------------------------------------------------------------------


def due_date(
    submitted_on: date, reply_days: int, calendar: clock.WorkingCalendar | None = None
) -> tuple[date, bool]:
    """The ``reply_days``-th working day after the day of writing (that day never counts), and whether
    it is provisional (a year of the holiday schedule not known yet)."""
    cal = calendar or working_calendar()
    due = clock.add_working_days(cal, submitted_on, reply_days)
    return due, bool(cal.unknown_years_in(submitted_on, due))


def remaining_days(letter: Letter, today: date | None = None) -> int | None:
    """Working days left until the due date (negative: overdue); None once the letter is concluded."""
    if not letter.is_open:
        return None
    return clock.remaining_working_days(working_calendar(), today or timezone.localdate(), letter.due_on)


def recompute_open_due_dates(calendar: clock.WorkingCalendar, by: Any = None) -> int:
    """Re-date every open letter after the holiday schedule changed; returns how many moved."""
    moved = 0
    for letter in Letter.objects.filter(status__in=list(OPEN)):
        due, provisional = due_date(letter.submitted_on, letter.reply_days, calendar)
        if (letter.due_on, letter.due_provisional) == (due, provisional):
            continue
        before = letter.due_on
        Letter.objects.filter(pk=letter.pk).update(due_on=due, due_provisional=provisional)
        _event(
            letter,
            by,
            "deadline.recomputed",
            note="节假日安排变更，重新计算答复期限",
            data={"from": before.isoformat(), "to": due.isoformat()},
        )
        moved += 1
    return moved


# --- helpers ----------------------------------------------------------------------------------------


def _event(
    letter: Letter,
    by: Any,
    verb: str,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
    at: datetime | None = None,
) -> LetterEvent:
    return LetterEvent.objects.create(
        letter=letter,
        at=at or timezone.now(),
        actor=by if getattr(by, "pk", None) else None,
        verb=verb,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def _text(value: Any, label: str, *, max_length: int | None = None, required: bool = True) -> str:
    text = clean_text(str(value or "")).strip()
    if required and not text:
        raise ValidationError(f"请填写{label}。")
    if max_length and len(text) > max_length:
        raise ValidationError(f"{label}不能超过 {max_length} 个字。")
    return text


def _locked(letter: Letter, by: Any) -> Letter:
    """The letter re-read under a row lock, after checking that ``by`` handles letters of its agency."""
    if not access.can_handle(by, letter.box.agency):
        raise PermissionDenied("只有本机关的工作人员才能办理来信。")
    return (
        Letter.objects.select_for_update(of=("self",))
        .select_related("box__agency", "routed_unit")
        .get(pk=letter.pk)
    )


def _move(
    letter: Letter,
    to: Status,
    *,
    by: Any,
    verb: str,
    note: str = "",
    at: datetime | None = None,
    **fields: Any,
) -> Letter:
    rules.check(letter.status, to)
    before = letter.status
    Letter.objects.filter(pk=letter.pk).update(status=to.value, updated_at=timezone.now(), **fields)
    letter.refresh_from_db()
    _event(letter, by, verb, note=note, from_status=before, to_status=to.value, at=at)
    return letter


def _new_code() -> str:
    for _attempt in range(20):
        code = rules.new_code()
        if not Letter.objects.filter(query_code=code).exists():
            return code
    raise RuntimeError("could not find a free query code")  # pragma: no cover (31^8 codes)


# --- intake -----------------------------------------------------------------------------------------


def letter_submit(
    *,
    box: Box,
    data: dict[str, Any],
    account: Any = None,
    token: str | None = None,
    at: datetime | None = None,
    code: str | None = None,
) -> Letter:
    """A member of the public writes to ``box``.

    ``data``: title, body, writer_name, phone, email, agrees_to_publish. ``token`` is the form's one-time
    token: sending the same form again returns the first letter. ``account`` is the signed-in public
    account, if any. ``code`` fixes the query code (demo, imports); normally it is random.
    """
    if token:
        existing = Letter.objects.filter(submission_token=token).first()
        if existing:
            return existing
    if not box.is_active or not box.agency.is_active:
        raise ValidationError("该信箱已关闭。")
    if code is not None and rules.normalise_code(code) != code:
        raise ValueError("invalid query code")
    values = {
        "title": _text(data.get("title"), "标题", max_length=100),
        "body": _text(data.get("body"), "来信内容", max_length=5000),
        "writer_name": _text(data.get("writer_name"), "姓名", max_length=60),
        "phone": _text(data.get("phone"), "联系电话", max_length=40),
        "email": _text(data.get("email"), "电子邮箱", max_length=254, required=False),
        "agrees_to_publish": bool(data.get("agrees_to_publish")),
    }
    is_public_account = bool(account and getattr(account, "kind", None) == UserKind.APPLICANT)
    now = at or timezone.now()
    submitted_on = timezone.localdate(now)
    due, provisional = due_date(submitted_on, box.reply_days)
    try:
        with transaction.atomic():
            letter = Letter.objects.create(
                box=box,
                query_code=code or _new_code(),
                status=Status.SUBMITTED,
                account=account if is_public_account else None,
                submitted_at=now,
                submitted_on=submitted_on,
                reply_days=box.reply_days,
                due_on=due,
                due_provisional=provisional,
                submission_token=token or None,
                **values,
            )
            _event(letter, account, "submitted", to_status=Status.SUBMITTED, at=now)
            audit.record(account, "mailbox.letter.submit", letter, agency=box.agency, data={"box": box.pk})
    except IntegrityError:
        # The same form sent twice at the same moment: the other request created it.
        if token:
            existing = Letter.objects.filter(submission_token=token).first()
            if existing:
                return existing
        raise
    notify.writer(
        letter,
        "已收到您的来信",
        f"您的来信已提交，我们将在 {due.isoformat()} 前答复。"
        "请妥善保存查询码，凭查询码可查看办理情况和答复。",
    )
    return letter


# --- handling ---------------------------------------------------------------------------------------


@transaction.atomic
def letter_route(
    *, letter: Letter, unit: Unit, by: Any, note: str = "", at: datetime | None = None
) -> Letter:
    """Hand the letter to a unit of the same agency (again, to another unit, while it is open)."""
    letter = _locked(letter, by)
    if unit.agency_id != letter.box.agency_id:
        raise ValidationError("只能分办给本机关的处室。")
    if letter.routed_unit_id == unit.pk and letter.status == Status.ROUTED:
        raise ValidationError("该来信已由该处室办理。")
    note = _text(note, "说明", max_length=500, required=False)
    letter = _move(
        letter,
        Status.ROUTED,
        by=by,
        verb="routed",
        note=f"{unit.name}{'：' + note if note else ''}",
        at=at,
        routed_unit=unit,
    )
    audit.record(by, "mailbox.letter.route", letter, agency=letter.box.agency, data={"unit": unit.pk})
    return letter


@transaction.atomic
def letter_reply(*, letter: Letter, text: str, by: Any, at: datetime | None = None) -> Letter:
    """Answer the letter; the writer can read the answer with the query code."""
    letter = _locked(letter, by)
    reply = _text(text, "答复内容", max_length=10000)
    now = at or timezone.now()
    letter = _move(
        letter,
        Status.REPLIED,
        by=by,
        verb="replied",
        at=now,
        reply_text=reply,
        replied_at=now,
        replied_on=timezone.localdate(now),
        replied_by=by,
    )
    audit.record(
        by,
        "mailbox.letter.reply",
        letter,
        agency=letter.box.agency,
        data={"on_time": rules.on_time(timezone.localdate(now), letter.due_on)},
    )
    notify.writer(letter, "您的来信已答复", f"答复如下：\n\n{reply}")
    return letter


@transaction.atomic
def letter_close(*, letter: Letter, reason: str, by: Any, at: datetime | None = None) -> Letter:
    """Conclude without an answer (不予受理), giving the reason the writer will read."""
    letter = _locked(letter, by)
    text = _text(reason, "不予受理的理由", max_length=2000)
    now = at or timezone.now()
    letter = _move(
        letter,
        Status.CLOSED,
        by=by,
        verb="closed",
        note=text,
        at=now,
        close_reason=text,
        closed_on=timezone.localdate(now),
    )
    audit.record(by, "mailbox.letter.close", letter, agency=letter.box.agency, reason=text)
    notify.writer(letter, "您的来信已办结", f"您的来信不予受理，理由如下：\n\n{text}")
    return letter


@transaction.atomic
def letter_publish(
    *,
    letter: Letter,
    by: Any,
    title: str | None = None,
    question: str | None = None,
    answer: str | None = None,
    at: datetime | None = None,
) -> Letter:
    """Publish the letter and its answer as Q&A — only when answered and the writer agreed.

    ``title``, ``question`` and ``answer`` are the published version (staff remove names, telephone
    numbers, addresses); each defaults to the current published text, else the original. Publishing a
    published letter again saves the edited version.
    """
    letter = _locked(letter, by)
    if not letter.agrees_to_publish:
        raise ValidationError("写信人未同意公开，不能公开为问答。")
    if not rules.may_publish(letter.status, letter.agrees_to_publish):
        raise ValidationError("来信答复后才能公开为问答。")
    values = {
        "published_title": _text(
            title if title is not None else (letter.published_title or letter.title),
            "公开标题",
            max_length=100,
        ),
        "published_question": _text(
            question if question is not None else (letter.published_question or letter.body), "公开的来信内容"
        ),
        "published_answer": _text(
            answer if answer is not None else (letter.published_answer or letter.reply_text), "公开的答复内容"
        ),
    }
    edited = any(
        values[k] != original
        for k, original in (
            ("published_title", letter.title),
            ("published_question", letter.body),
            ("published_answer", letter.reply_text),
        )
    )
    again = letter.published
    now = at or timezone.now()
    Letter.objects.filter(pk=letter.pk).update(
        published=True, published_at=letter.published_at or now, updated_at=timezone.now(), **values
    )
    letter.refresh_from_db()
    search_outbox.enqueue(letter)
    verb = "publication_edited" if again else "published"
    _event(letter, by, verb, at=now, data={"edited": edited})
    audit.record(by, f"mailbox.letter.{verb}", letter, agency=letter.box.agency, data={"edited": edited})
    return letter


@transaction.atomic
def letter_unpublish(*, letter: Letter, reason: str, by: Any) -> Letter:
    """Take a published Q&A off the public site (the edited text is kept for a later republication)."""
    letter = _locked(letter, by)
    if not letter.published:
        raise ValidationError("该来信未公开。")
    text = _text(reason, "撤回理由", max_length=500)
    Letter.objects.filter(pk=letter.pk).update(published=False, published_at=None, updated_at=timezone.now())
    letter.refresh_from_db()
    search_outbox.enqueue(letter, "delete")
    _event(letter, by, "unpublished", note=text)
    audit.record(by, "mailbox.letter.unpublish", letter, agency=letter.box.agency, reason=text)
    return letter


# --- lookups ----------------------------------------------------------------------------------------


def letter_by_code(text: str) -> Letter | None:
    """The letter with this query code, or None — the same for a malformed, unknown or wrong code."""
    code = rules.normalise_code(text)
    if code is None:
        return None
    return Letter.objects.select_related("box__agency", "routed_unit").filter(query_code=code).first()


def published_qa(agency: Agency) -> Any:
    """The agency's published Q&A, newest answer first."""
    return (
        Letter.objects.filter(box__agency=agency, published=True)
        .select_related("box", "routed_unit", "box__agency")
        .order_by("-replied_at", "-id")
    )


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --- counts for the annual report -------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """One agency's letters in one calendar year.

    received: written in the year; replied: answered in the year; on_time: of those answered in the year,
    answered by the due date; published: of those answered in the year, published as Q&A; closed: not
    accepted in the year; open_at_year_end: written in or before the year and not concluded by 31 Dec;
    received_by_kind: received per box kind (consultation, director, complaint).
    """

    year: int
    received: int
    replied: int
    on_time: int
    published: int
    closed: int
    open_at_year_end: int
    received_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.replied if self.replied else None


def counts(agency: Agency | Iterable[Agency], year: int) -> Counts:
    """The year's counts of ``agency`` (its own boxes only; several agencies: added up), by one SQL
    aggregate."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_year = Q(submitted_on__gte=first, submitted_on__lte=last)
    replied = Q(status=Status.REPLIED, replied_on__gte=first, replied_on__lte=last)
    closed = Q(status=Status.CLOSED, closed_on__gte=first, closed_on__lte=last)
    still_open = Q(submitted_on__lte=last) & (
        Q(status__in=list(OPEN))
        | Q(status=Status.REPLIED, replied_on__gt=last)
        | Q(status=Status.CLOSED, closed_on__gt=last)
    )
    kinds = {f"kind_{k}": Count("id", filter=in_year & Q(box__kind=k)) for k in BoxKind.values}
    where = {"box__agency": agency} if isinstance(agency, Agency) else {"box__agency__in": list(agency)}
    row = Letter.objects.filter(**where).aggregate(
        received=Count("id", filter=in_year),
        replied=Count("id", filter=replied),
        on_time=Count("id", filter=replied & Q(replied_on__lte=F("due_on"))),
        published=Count("id", filter=replied & Q(published=True)),
        closed=Count("id", filter=closed),
        open_at_year_end=Count("id", filter=still_open),
        **kinds,
    )
    return Counts(
        year=year,
        received=row["received"],
        replied=row["replied"],
        on_time=row["on_time"],
        published=row["published"],
        closed=row["closed"],
        open_at_year_end=row["open_at_year_end"],
        received_by_kind={k: row[f"kind_{k}"] for k in BoxKind.values},
    )


def narrative(agency: Agency, year: int) -> str:
    """One sentence for the report, e.g. "2020年，共收到网上咨询、厅长信箱等来信700件，答复658件……"."""
    c = counts(agency, year)
    boxes = (
        "、".join(b.title for b in Box.objects.filter(agency=agency).order_by("sort_order", "kind"))
        or "网上咨询"
    )
    text = f"{year}年，共收到{boxes}来信{c.received}件，答复{c.replied}件，其中按期答复{c.on_time}件"
    if c.published:
        text += f"，经来信人同意公开为问答{c.published}件"
    return text + "。"
