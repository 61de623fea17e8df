"""The services: intake, the clock, route/reply/publish/close rules, lookups, counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from gongkai.core import calendar as workcal
from gongkai.core.models import AuditEvent
from gongkai.core.schedule import parse_lines
from gongkai.mailbox import services
from gongkai.mailbox.models import Letter, LetterEvent
from gongkai.mailbox.rules import CODE_ALPHABET, Status, StepRefused
from gongkai.orgs.models import Role
from tests.factories import UnitFactory, applicant_account, staff
from tests.mailbox.conftest import LETTER, at

pytestmark = pytest.mark.django_db


# --- intake -----------------------------------------------------------------------------------------


def test_submit_stores_a_clean_letter_with_a_code_and_a_trail(office, write):
    letter = write(body="请问\x00补偿\u202e标准？\r\n谢谢", title="  征地补偿  ")
    assert letter.status == Status.SUBMITTED
    assert letter.body == "请问补偿标准？\n谢谢" and letter.title == "征地补偿"
    assert len(letter.query_code) == 8 and set(letter.query_code) <= set(CODE_ALPHABET)
    assert letter.reply_days == 10 and letter.account is None
    assert [e.verb for e in letter.events.all()] == ["submitted"]
    assert AuditEvent.objects.filter(verb="mailbox.letter.submit", object_id=str(letter.pk)).exists()


def test_the_phone_is_encrypted_at_rest(write):
    letter = write()
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM mailbox_letter WHERE id = %s", [letter.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("enc1:") and "13807310001" not in raw
    assert Letter.objects.get(pk=letter.pk).phone == "13807310001"
    assert letter.phone_masked == "138****0001"


def test_the_same_form_sent_twice_makes_one_letter(office):
    first = services.letter_submit(box=office["box"], data=LETTER, token="tok-1")
    again = services.letter_submit(box=office["box"], data=LETTER, token="tok-1")
    assert again.pk == first.pk and Letter.objects.count() == 1
    services.letter_submit(box=office["box"], data=LETTER, token="tok-2")
    assert Letter.objects.count() == 2


def test_a_signed_in_public_account_is_linked_but_a_staff_account_is_not(office):
    citizen = applicant_account()
    mine = services.letter_submit(box=office["box"], data=LETTER, account=citizen)
    assert mine.account == citizen
    theirs = services.letter_submit(box=office["box"], data=LETTER, account=office["clerk"])
    assert theirs.account is None


def test_blank_text_or_a_closed_box_is_refused(office, write):
    with pytest.raises(ValidationError, match="来信内容"):
        write(body=" \x00 ")
    office["box"].is_active = False
    office["box"].save()
    with pytest.raises(ValidationError, match="已关闭"):
        write()
    assert not Letter.objects.exists()


def test_the_writer_gets_the_code_by_email_after_commit(write, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letter = write()
    assert len(mail.outbox) == 1
    assert letter.query_code_display in mail.outbox[0].body and mail.outbox[0].to == ["zhang@example.com"]


# --- the clock --------------------------------------------------------------------------------------


def test_a_letter_written_before_national_day_is_due_after_the_holiday(office, write):
    # 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked.
    letter = write(when=at(2025, 9, 30, 16, 0))
    assert letter.submitted_on == date(2025, 9, 30)
    # Working days after 30 Sept: 9, 10, 11 (Sat), 13, 14, 15, 16, 17, 20, 21 October.
    assert letter.due_on == date(2025, 10, 21) and not letter.due_provisional
    # 2024: 1–7 October off; 29 September (Sun) and 12 October (Sat) worked.
    assert write(when=at(2024, 9, 30, 9, 0)).due_on == date(2024, 10, 18)
    # The director's box has its own deadline (15 working days).
    assert write(box=office["director"], when=at(2025, 9, 30, 9, 0)).due_on == date(2025, 10, 28)


def test_a_letter_written_late_at_night_counts_from_the_beijing_date(write):
    letter = write(when=at(2025, 9, 26, 23, 30))  # Friday evening in Beijing (15:30 UTC)
    assert letter.submitted_on == date(2025, 9, 26)
    # 28 (Sun, worked), 29, 30 September, 9, 10, 11 (Sat), 13, 14, 15, 16 October.
    assert letter.due_on == date(2025, 10, 16)


def test_entering_next_years_schedule_re_dates_open_letters(write, office):
    letter = write(when=at(2026, 12, 28, 10, 0))
    assert letter.due_provisional  # 2027 is not known yet
    replied = write(when=at(2026, 12, 28, 10, 0))
    services.letter_reply(letter=replied, text="答复", by=office["clerk"])
    before = Letter.objects.get(pk=replied.pk).due_on
    schedule = "2027-01-01..2027-01-03 元旦 休\n2027-02-05..2027-02-11 春节 休\n"
    result = workcal.calendar_save_year(year=2027, days=parse_lines(schedule), notice="测试通知")
    letter.refresh_from_db()
    assert not letter.due_provisional and result.recomputed["mailbox"] >= 1
    assert letter.events.filter(verb="deadline.recomputed").exists()
    assert Letter.objects.get(pk=replied.pk).due_on == before  # answered letters are left alone


# --- route, reply, publish, close -------------------------------------------------------------------


def test_route_then_reply(office, write, django_capture_on_commit_callbacks):
    letter = write()
    letter = services.letter_route(
        letter=letter, unit=office["unit"], by=office["clerk"], note="请于5日内拟复"
    )
    assert letter.status == Status.ROUTED and letter.routed_unit == office["unit"]
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.letter_reply(letter=letter, text="  按区片综合地价补偿。 ", by=office["officer"])
    assert letter.status == Status.REPLIED and letter.reply_text == "按区片综合地价补偿。"
    assert letter.replied_by == office["officer"] and letter.replied_on is not None
    assert [e.verb for e in letter.events.all()] == ["submitted", "routed", "replied"]
    assert "按区片综合地价补偿" in mail.outbox[-1].body
    with pytest.raises(StepRefused):
        services.letter_reply(letter=letter, text="再答复一次", by=office["clerk"])
    with pytest.raises(StepRefused):
        services.letter_route(letter=letter, unit=office["unit"], by=office["clerk"])


def test_only_units_of_the_same_agency(office, write, tree):
    other_unit = UnitFactory(agency=tree["city_a"])
    with pytest.raises(ValidationError, match="本机关"):
        services.letter_route(letter=write(), unit=other_unit, by=office["clerk"])


@pytest.mark.parametrize("who", ["other_clerk", "supervisor_above", "reviewer", "applicant"])
def test_only_staff_of_that_agency_handle_it(office, write, tree, who):
    actor = {
        "other_clerk": lambda: staff(tree["city_a"], Role.CLERK),
        "supervisor_above": lambda: staff(tree["province"], Role.SUPERVISOR),
        "reviewer": lambda: staff(tree["province"], Role.REVIEWER),
        "applicant": applicant_account,
    }[who]()
    letter = write()
    for step in (
        lambda: services.letter_reply(letter=letter, text="答复", by=actor),
        lambda: services.letter_route(letter=letter, unit=office["unit"], by=actor),
        lambda: services.letter_close(letter=letter, reason="理由", by=actor),
    ):
        with pytest.raises(PermissionDenied):
            step()
    assert Letter.objects.get(pk=letter.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("role", [Role.CLERK, Role.HEAD, Role.OFFICER, Role.PUBLISHER, Role.ADMIN])
def test_every_handling_role_may_reply(office, write, role):
    unit = office["unit"] if role == Role.OFFICER else None
    letter = services.letter_reply(letter=write(), text="答复", by=staff(office["agency"], role, unit=unit))
    assert letter.status == Status.REPLIED


def test_no_publishing_without_consent(office, write):
    letter = write(agrees_to_publish=False)
    letter = services.letter_reply(letter=letter, text="答复内容", by=office["clerk"])
    with pytest.raises(ValidationError, match="未同意公开"):
        services.letter_publish(letter=letter, by=office["publisher"])
    assert not Letter.objects.get(pk=letter.pk).published
    # Nor can it be forced past the service: the database refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.filter(pk=letter.pk).update(published=True)


def test_no_publishing_before_the_answer(office, write):
    with pytest.raises(ValidationError, match="答复后"):
        services.letter_publish(letter=write(), by=office["publisher"])


def test_publish_an_edited_version_and_edit_it_again(office, write):
    letter = write(body="我是张建国，电话13807310001。请问黄花镇征地补偿标准？")
    letter = services.letter_reply(letter=letter, text="张建国您好：按区片综合地价补偿。", by=office["clerk"])
    letter = services.letter_publish(
        letter=letter,
        by=office["publisher"],
        question="请问黄花镇征地补偿标准？",
        answer="您好：按区片综合地价补偿。",
    )
    assert letter.published and letter.published_at is not None
    assert letter.published_title == letter.title
    assert "13807310001" not in letter.published_question and "张建国" not in letter.published_answer
    assert "张建国" in letter.body  # the original letter is kept as written
    first_published = letter.published_at
    letter = services.letter_publish(letter=letter, by=office["clerk"], title="黄花镇征地补偿标准")
    assert letter.published_title == "黄花镇征地补偿标准"
    assert letter.published_question == "请问黄花镇征地补偿标准？"  # kept from the first edit
    assert letter.published_at == first_published
    assert [e.verb for e in letter.events.all()][-2:] == ["published", "publication_edited"]
    letter = services.letter_unpublish(letter=letter, reason="含有第三方信息", by=office["head"])
    assert not letter.published


def test_close_needs_a_reason_and_is_final(office, write):
    letter = write()
    with pytest.raises(ValidationError, match="理由"):
        services.letter_close(letter=letter, reason="  ", by=office["clerk"])
    letter = services.letter_close(
        letter=letter, reason="属于信访事项，请通过信访渠道反映。", by=office["clerk"]
    )
    assert letter.status == Status.CLOSED and letter.closed_on is not None
    with pytest.raises(StepRefused):
        services.letter_reply(letter=letter, text="答复", by=office["clerk"])
    with pytest.raises(ValidationError):
        services.letter_publish(letter=letter, by=office["clerk"])


# --- lookup -----------------------------------------------------------------------------------------


def test_lookup_by_code(write):
    letter = write()
    code = letter.query_code
    assert services.letter_by_code(code) == letter
    assert services.letter_by_code(f" {code[:4].lower()}-{code[4:].lower()} ") == letter
    wrong = code[:-1] + ("2" if code[-1] != "2" else "3")
    assert services.letter_by_code(wrong) is None
    assert services.letter_by_code("nonsense") is None


# --- counts for the report --------------------------------------------------------------------------


def test_counts_by_year(office, write, tree):
    clerk = office["clerk"]
    # 2025: three letters answered on time (one published), one answered late, one closed, one open.
    for day in (3, 4, 5):
        letter = write(when=at(2025, 3, day, 10, 0))
        services.letter_reply(letter=letter, text="答复", by=clerk, at=at(2025, 3, 10, 10, 0))
    services.letter_publish(letter=letter, by=clerk, at=at(2025, 3, 11, 10, 0))
    late = write(box=office["director"], when=at(2025, 4, 1, 9, 0))
    services.letter_reply(letter=late, text="答复", by=clerk, at=at(2025, 6, 2, 9, 0))
    closed = write(when=at(2025, 5, 6, 9, 0))
    services.letter_close(letter=closed, reason="不属于本机关职责", by=clerk, at=at(2025, 5, 7, 9, 0))
    write(when=at(2025, 12, 29, 9, 0))  # still open at the end of the year
    # Written in December 2025, answered in January 2026: received in 2025, replied in 2026.
    december = write(when=at(2025, 12, 30, 9, 0))
    services.letter_reply(letter=december, text="答复", by=clerk, at=at(2026, 1, 5, 9, 0))
    # Another agency's letters are not counted.
    from gongkai.mailbox.models import Box, BoxKind

    city_box = Box.objects.create(agency=tree["city_a"], kind=BoxKind.CONSULTATION)
    write(box=city_box, when=at(2025, 3, 3, 9, 0))

    c = services.counts(office["agency"], 2025)
    assert (c.received, c.replied, c.on_time, c.published, c.closed) == (7, 4, 3, 1, 1)
    assert c.open_at_year_end == 2  # the open one and the December one
    assert c.received_by_kind == {"consultation": 6, "director": 1, "complaint": 0}
    assert c.on_time_rate == 0.75
    c26 = services.counts(office["agency"], 2026)
    assert (c26.received, c26.replied, c26.on_time, c26.open_at_year_end) == (0, 1, 1, 1)
    text = services.narrative(office["agency"], 2025)
    assert text.startswith("2025年，共收到网上咨询、厅长信箱来信7件，答复4件，其中按期答复3件")


def test_events_are_append_only(write):
    event = LetterEvent.objects.filter(letter=write()).first()
    assert event is not None
    with pytest.raises(ValueError, match="append-only"):
        event.save()
