"""The letters (告知书) an agency sends: one context, one template, the same text in PDF and DOCX."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest

from gongkai.applications import letters, outcomes, services
from gongkai.applications.models import Application
from gongkai.core import clock
from gongkai.core.calendar import working_calendar
from tests.applications.conftest import COUNTER_APPLICANT

pytestmark = pytest.mark.django_db

XSS = "<img src=x onerror=alert(1)>"
EXT_B_NAME = "王𠀀明"
PNG = Path("/tmp/letter-check.png")  # noqa: S108 (a fixed name to look at after the run)


def needs(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} (poppler-utils) is not installed")
    return path


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """pdftotext output with all whitespace removed (lines wrap and justified text is spaced)."""
    source = tmp_path / "letter.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(
        [needs("pdftotext"), "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True, text=True
    ).stdout
    return squash(out)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def drafted(app, office, outcome="disclosed", text="答复正文。\n\n　　所需信息见附件。"):
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    return services.application_draft_reply(application=app, outcome=outcome, text=text, by=office["officer"])


def replied(app, office, outcome="disclosed", on=date(2025, 10, 20), **kwargs):
    drafted(app, office, outcome, **kwargs)
    return services.application_approve_reply(application=app, replied_on=on, by=office["head"])


def rename(app, name):
    Application.objects.filter(pk=app.pk).update(applicant_name=name)
    app.refresh_from_db()
    return app


# --- the reply letter as a PDF (one render shared by every check) ------------------------------------


def test_reply_pdf(register, office, tmp_path):
    app = rename(
        replied(register(description=f"征地批复 {XSS}"), office, "withheld.state_secret"), EXT_B_NAME
    )
    pdf = letters.letter_pdf(app, "reply")
    assert pdf.startswith(b"%PDF")

    text = pdf_text(pdf, tmp_path)
    outcome = outcomes.get("withheld.state_secret")
    for expected in (
        "政府信息公开申请答复告知书",
        "湖南省自然资源厅",
        EXT_B_NAME,
        outcome.basis,
        outcome.letter,
        app.number,
        f"〔2025〕{app.number}号",
        "2025年10月20日",
        "2025年9月26日",
        "所需信息见附件",
        "第五十一条",
        "60日",
        squash(XSS),  # the description is printed as text, not interpreted
    ):
        assert squash(expected) in text, expected
    assert "审批稿" not in text
    assert COUNTER_APPLICANT["id_number"] not in text
    assert "6个月" not in text  # 不予公开: reconsideration first (行政复议法第二十三条)

    source = tmp_path / "letter.pdf"
    fonts = subprocess.run(
        [needs("pdffonts"), str(source)], capture_output=True, check=True, text=True
    ).stdout
    assert "HanaMin" in fonts  # 𠀀 is not in Noto CJK: it came from HanaMinB, not a tofu box
    assert "Noto-Serif-CJK" in fonts

    prefix = tmp_path / "page"
    subprocess.run(
        [needs("pdftoppm"), "-r", "60", "-png", "-f", "1", "-l", "1", str(source), str(prefix)], check=True
    )
    (page,) = tmp_path.glob("page*.png")
    shutil.copyfile(page, PNG)
    assert PNG.read_bytes().startswith(b"\x89PNG")


def test_draft_reply_is_marked_for_approval(register, office, tmp_path):
    app = drafted(register(), office)
    assert app.status == "pending_approval"
    pdf = letters.letter_pdf(app, "reply")
    assert "审批稿" in pdf_text(pdf, tmp_path)
    assert "审批稿" in docx_text(letters.letter_docx(app, "reply"))
    # today's date stands in for the reply date until the head approves
    assert letters.letter_context(app, "reply")["date"] == letters.chinese_date(services.timezone.localdate())

    services.application_approve_reply(application=app, replied_on=date(2025, 10, 20), by=office["head"])
    assert "审批稿" not in letters.letter_html(app, "reply")
    assert "审批稿" not in docx_text(letters.letter_docx(app, "reply"))


def test_every_reply_outcome_cites_its_basis(register, office, tmp_path):
    keys = [o.key for o in outcomes.OUTCOMES if o.group != "other"]
    for key in keys:
        outcome = outcomes.get(key)
        app = replied(register(), office, key)
        text = pdf_text(letters.letter_pdf(app, "reply"), tmp_path)
        assert squash(outcome.basis) in text, key
        assert squash(outcome.letter) in text, key
        assert ("6个月" in text) is (outcome.group not in ("withheld", "partially_disclosed")), key


# --- escaping, DOCX, personal data -------------------------------------------------------------------


def test_user_text_is_never_markup(register, office):
    app = drafted(register(description=XSS), office, text=f"第一段 {XSS}\n</p><script>alert(2)</script>")
    app = rename(app, "<b>李四</b>")
    html = letters.letter_html(app, "reply")
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert XSS in docx_text(letters.letter_docx(app, "reply"))


def test_docx_has_the_same_text_as_the_pdf(register, office):
    app = rename(replied(register(), office, "unavailable.not_held"), EXT_B_NAME)
    context = letters.letter_context(app, "reply")
    data = letters.letter_docx(app, "reply")
    assert data.startswith(b"PK")
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs if p.text]
    html = letters.letter_html(app, "reply")
    expected = [
        context["title"],
        context["doc_number"],
        context["salutation"],
        *context["paragraphs"],
        context["signature"],
        context["date"],
        context["contact"],
    ]
    assert lines == expected
    for line in expected:  # the HTML behind the PDF says the same (nothing here needs escaping)
        assert line in html
    assert "政府信息公开申请答复告知书" in lines[0]
    assert any(outcomes.get("unavailable.not_held").basis in line for line in lines)

    # East Asian font set for Word/LibreOffice; the Extension-B character has a font that holds it
    xml = document.element.xml + document.styles.element.xml
    assert 'w:eastAsia="Noto Serif CJK SC"' in xml
    ext_b = [r for p in document.paragraphs for r in p.runs if r.text == "𠀀"]
    assert ext_b and ext_b[0].font.name == "HanaMinB"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert document.core_properties.author == "湖南省自然资源厅"


def test_no_full_id_number_anywhere(register, office):
    app = replied(register(), office)
    assert app.id_number == COUNTER_APPLICANT["id_number"]
    html = letters.letter_html(app, "reply")
    text = docx_text(letters.letter_docx(app, "reply"))
    for output in (html, text):
        assert app.id_number not in output
        assert app.phone not in output
        assert "张建国" in output


def test_control_and_bidi_characters_are_dropped(register, office):
    app = drafted(register(description="征地\x00批复\u202e文件\x0b"), office, text="正文\x1f内容")
    text = docx_text(letters.letter_docx(app, "reply"))  # python-docx would raise on \x00
    assert "征地批复文件" in text and "正文内容" in text
    assert "\u202e" not in letters.letter_html(app, "reply")


# --- the other three letters -------------------------------------------------------------------------


def test_clarification_letter(register, office):
    app = register(date(2025, 9, 26))
    with pytest.raises(ValueError, match="补正"):
        letters.letter_context(app, "clarification")
    services.application_request_clarification(
        application=app,
        sent_on=date(2025, 9, 29),
        days=10,
        text="请说明所需征地批复的批次名称\n请说明年份",
        by=office["clerk"],
    )
    context = letters.letter_context(app, "clarification")
    until = clock.supplement_deadline(working_calendar(), date(2025, 9, 29), 10)
    body = "".join(context["paragraphs"])
    assert context["title"] == "补正申请告知书"
    assert context["date"] == "2025年9月29日" and context["salutation"] == "张建国："
    assert letters.chinese_date(until) in body and "10个工作日" in body
    assert "1. 请说明所需征地批复的批次名称。" in context["paragraphs"]
    assert "2. 请说明年份。" in context["paragraphs"]
    assert "视为放弃申请" in body and "第三十条" in body
    assert "行政复议" not in body  # remedies only on the reply
    assert "补正申请告知书" in docx_text(letters.letter_docx(app, "clarification"))


def test_extension_letter(register, office):
    app = register(date(2025, 9, 26))
    with pytest.raises(ValueError, match="延期"):
        letters.letter_html(app, "extension")
    services.application_extend(
        application=app, days=10, notified_on=date(2025, 10, 20), reason="需调取档案", by=office["head"]
    )
    context = letters.letter_context(app, "extension")
    assert letters.applicable_letters(app) == [("extension", "延期答复告知书")]
    body = "".join(context["paragraphs"])
    assert context["title"] == "延期答复告知书" and context["date"] == "2025年10月20日"
    assert "延长10个工作日" in body and "2025年11月13日" in body  # app.due_on
    assert "需调取档案。" in context["paragraphs"] and "第三十三条第二款" in body
    assert "行政复议" not in body


def test_consultation_letter(register, office, tmp_path):
    app = register(date(2025, 9, 26))
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    with pytest.raises(ValueError, match="征求意见"):
        letters.letter_context(app, "consultation")
    pause = services.application_consult(
        application=app, kind="third_party", party="长沙某置业有限公司", sent_on=date(2025, 10, 9), by=None
    )
    context = letters.letter_context(app, "consultation", pause)
    body = "".join(context["paragraphs"])
    assert context["title"] == "征求意见函" and context["salutation"] == "长沙某置业有限公司："
    assert context["date"] == "2025年10月9日"
    assert "15个工作日" in body and "第三十二条" in body and "决定是否公开" in body
    assert "张建国" not in letters.letter_html(
        app, "consultation", pause=pause
    )  # the third party needn't know
    # one more PDF: a letter that is not a reply renders too
    text = pdf_text(letters.letter_pdf(app, "consultation", pause=pause), tmp_path)
    assert squash("长沙某置业有限公司：") in text and "征求意见函" in text

    services.application_consultation_answered(
        application=app, pause=pause, answered_on=date(2025, 10, 10), by=None
    )
    other = services.application_consult(
        application=app, kind="agency", party="长沙县自然资源局", sent_on=date(2025, 10, 13), by=None
    )
    body = "".join(letters.letter_context(app, "consultation")["paragraphs"])  # latest by default
    assert "贵机关" in body and "第三十四条" in body and "视为同意公开" in body
    assert letters.letter_context(app, "consultation", other)["salutation"] == "长沙县自然资源局："


def test_letters_that_do_not_apply(register, office):
    app = register()
    assert letters.applicable_letters(app) == []
    with pytest.raises(ValueError, match="办理结果"):
        letters.letter_pdf(app, "reply")
    with pytest.raises(ValueError, match="未知"):
        letters.letter_context(app, "summons")
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    services.application_fee_notice(
        application=app, received_on=date(2025, 9, 29), method="per_volume", pages=31, by=None
    )
    fee = app.pauses.get()
    with pytest.raises(ValueError, match="收费"):
        letters.letter_context(app, "consultation", fee)
    withdrawn = services.application_withdraw(
        application=register(), withdrawn_on=date(2025, 10, 1), reason="", by=None
    )
    with pytest.raises(ValueError, match="撤回"):
        letters.letter_docx(withdrawn, "reply")


def test_closed_case_letter_is_final(register, office):
    app = register(date(2025, 3, 3))
    services.application_request_clarification(
        application=app, sent_on=date(2025, 3, 4), days=15, text="请说明批次", by=None
    )
    services.application_close_no_supplement(application=app, closed_on=date(2025, 3, 26), by=office["clerk"])
    html = letters.letter_html(app, "reply")
    assert "审批稿" not in html and "视为放弃申请" in html and "2025年3月26日" in html


def test_filename_is_ascii(register):
    app = register()
    assert letters.letter_filename(app, "reply", "pdf") == f"reply-{app.number}.pdf"
    assert letters.letter_filename(app, "extension", ".DOCX") == f"extension-{app.number}.docx"
    Application.objects.filter(pk=app.pk).update(number="湘/2025 ../1")
    app.refresh_from_db()
    name = letters.letter_filename(app, "clarification", "pdf")
    assert name.isascii() and "/" not in name and ".." not in name
    with pytest.raises(ValueError):
        letters.letter_filename(app, "reply", "p/df")
    assert set(letters.CONTENT_TYPES) >= {"pdf", "docx"}
