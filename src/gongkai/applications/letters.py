"""The letters an agency sends about an application (告知书): reply, clarification, extension, consultation.

One context dict (:func:`letter_context`) feeds both outputs, so the PDF and the DOCX cannot say different
things: the Django template ``applications/letters/letter.html`` (auto-escaped; WeasyPrint turns it into the
PDF) and the python-docx builder (:func:`letter_docx`). All user text (names, description, reply text,
reasons) stays plain text in the context; only the template or python-docx put it into markup.

The layout follows the usual 公文 look (GB/T 9704-2012): A4, 37/26/35/28 mm margins, a 156 × 225 mm text
block, body at 三号 (16 pt) with 22 lines a page, title at 二号 (22 pt) centred, the agency's name and the
date in Chinese at the bottom right, page numbers ``— 1 —``. 仿宋 and 小标宋 are not free, so the serif
Noto CJK face stands in; HanaMinB covers Extension-B characters in applicants' names (王𠀀明).
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.applications import outcomes
from gongkai.applications.models import Application, CaseEvent, Pause, PauseKind
from gongkai.applications.workflow import Status
from gongkai.core import clock
from gongkai.core.calendar import working_calendar

LETTER_KINDS: dict[str, str] = {
    "reply": "政府信息公开申请答复告知书",
    "clarification": "补正申请告知书",
    "extension": "延期答复告知书",
    "consultation": "征求意见函",
}

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}

# The CSS font stack is in the template (toolchain.md): "Noto Serif CJK SC", "Noto Sans CJK SC", "HanaMinB".
DOCX_FONT = "Noto Serif CJK SC"
DOCX_EXT_B_FONT = "HanaMinB"  # Noto CJK has no CJK Extension B–G: names like 王𠀀明 need it

REG = outcomes.R
DRAFT_MARK = "（审批稿）"
TEMPLATE = "applications/letters/letter.html"

# Characters XML 1.0 forbids (python-docx refuses them), lone surrogates, C1 controls, and the bidi
# overrides/isolates that could make a name or a description display differently from what it says.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)
# Outcomes whose reply is a refusal to disclose: since the 2023 行政复议法 (第二十三条第一款第（四）项)
# the applicant must apply for reconsideration before going to court (复议前置).
_RECONSIDERATION_FIRST = frozenset({"withheld", "partially_disclosed"})


# --- small text helpers ------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return _UNSAFE.sub("", text or "")


def _inline(text: str) -> str:
    """User text quoted inside a sentence: one line, whitespace collapsed."""
    return " ".join(_clean(text).split())


def _paragraphs(text: str) -> list[str]:
    """Free text typed by an officer → paragraphs (one per line; blank lines and typed indents dropped)."""
    return [line.strip() for line in _clean(text).splitlines() if line.strip()]


def _sentence(text: str) -> str:
    """End an officer's phrase with a full stop if it has no closing punctuation."""
    return text if not text or text[-1] in "。！？；：…）)」”.!?;:" else text + "。"


def _items(lines: list[str]) -> list[str]:
    """Officer's lines as list items: numbered 1. 2. … when there is more than one."""
    if len(lines) == 1:
        return [_sentence(lines[0])]
    return [f"{i}. {_sentence(line)}" for i, line in enumerate(lines, 1)]


def chinese_date(d: date) -> str:
    """``date(2025, 10, 20)`` → ``2025年10月20日`` (Arabic numerals, no leading zeros, as in 公文)."""
    return f"{d.year}年{d.month}月{d.day}日"


def _latest_reason(application: Application, verb: str) -> str:
    event = CaseEvent.objects.filter(application=application, verb=verb).order_by("-at", "-id").first()
    return event.reason if event else ""


def _received_sentence(application: Application, subject: str) -> str:
    when = f"{chinese_date(application.received_on)}，" if application.received_on else ""
    return (
        f"{when}本机关收到{subject}提出的政府信息公开申请（申请编号：{_inline(application.number)}），"
        f"申请获取：“{_inline(application.description)}”。"
    )


def _contact(application: Application) -> str:
    """The 附注 line under the date (GB/T 9704: 居左空二字加圆括号): who to call about the letter."""
    agency = application.agency
    office = agency.units.filter(is_disclosure_office=True).order_by("sort_order", "name").first()
    office_name = f"{agency.name}{office.name}" if office else f"{agency.name}政府信息公开工作机构"
    phone = agency.phone or (office.phone if office else "")
    parts = [f"联系机构：{office_name}"]
    if phone:
        parts.append(f"联系电话：{phone}")
    if agency.address:
        parts.append(
            f"通信地址：{agency.address}" + (f"，邮政编码：{agency.postcode}" if agency.postcode else "")
        )
    return "（" + "；".join(parts) + "）"


# --- the four letters --------------------------------------------------------------------------------


def _reply(application: Application) -> dict[str, Any]:
    if not application.outcome:
        raise ValueError("该申请尚未拟定办理结果，不能出具答复告知书。")
    if application.status == Status.WITHDRAWN:
        raise ValueError("申请人已撤回申请，不出具答复告知书。")
    outcome = outcomes.get(application.outcome)
    draft = application.status not in (Status.REPLIED, Status.CLOSED)
    decision = outcome.letter if outcome.letter.startswith("经") else "经审查，" + outcome.letter
    if outcome.group in _RECONSIDERATION_FIRST:
        remedy = (
            f"如对本答复不服，根据{REG}第五十一条的规定，可以自收到本告知书之日起60日内依法申请行政复议；"
            "对行政复议决定不服的，可以依法向人民法院提起行政诉讼。"
        )
    else:
        remedy = (
            f"如对本答复不服，根据{REG}第五十一条的规定，可以自收到本告知书之日起60日内依法申请行政复议，"
            "或者自收到本告知书之日起6个月内依法向人民法院提起行政诉讼。"
        )
    return {
        "draft": draft,
        "date": application.concluded_on or timezone.localdate(),
        "addressee": _inline(application.applicant_name),
        "paragraphs": [
            _received_sentence(application, "您"),
            decision,
            *_paragraphs(application.reply_text),
            f"根据{outcome.basis}的规定，特此告知。",
            remedy,
        ],
        "basis": outcome.basis,
        "outcome": outcome.key,
    }


def _clarification(application: Application) -> dict[str, Any]:
    sent = application.clarification_sent_on
    if sent is None:
        raise ValueError("该申请未发出补正通知，不能出具补正申请告知书。")
    what = _paragraphs(_latest_reason(application, "clarification_requested"))
    if not what:
        raise ValueError("未找到需要补正的事项，不能出具补正申请告知书。")
    days = application.supplement_days
    until = clock.supplement_deadline(working_calendar(), sent, days)
    basis = REG + "第三十条"
    return {
        "draft": False,
        "date": sent,
        "addressee": _inline(application.applicant_name),
        "paragraphs": [
            _received_sentence(application, "您"),
            f"经审查，您的申请内容不明确。根据{basis}的规定，现一次性告知您需要补正的事项如下：",
            *_items(what),
            f"请您于{chinese_date(until)}前（自本告知书发出之日起{days}个工作日内）向本机关提交补正后的申请。"
            "答复期限自本机关收到补正后的申请之日起计算。",
            "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
            "特此告知。",
        ],
        "basis": basis,
        "deadline": until,
    }


def _extension(application: Application) -> dict[str, Any]:
    days = application.extension_days
    if not days:
        raise ValueError("该申请未延长答复期限，不能出具延期答复告知书。")
    why = _paragraphs(_latest_reason(application, "extended"))
    basis = REG + "第三十三条第二款"
    if application.due_on:
        due = f"本机关将于{chinese_date(application.due_on)}前作出答复"
        if application.due_provisional:
            due += "（该日期按现行节假日安排暂定，如有调整另行告知）"
    else:
        due = "本机关将在延长后的答复期限内作出答复"
    return {
        "draft": False,
        "date": application.extension_notified_on or timezone.localdate(),
        "addressee": _inline(application.applicant_name),
        "paragraphs": [
            _received_sentence(application, "您"),
            *(["因以下原因，本机关不能在规定期限内作出答复：", *_items(why)] if why else []),
            f"经本机关政府信息公开工作机构负责人同意，根据{basis}的规定，答复期限延长{days}个工作日，{due}。",
            "特此告知。",
        ],
        "basis": basis,
    }


def _consultation(application: Application, pause: Pause | None) -> dict[str, Any]:
    consultations = application.pauses.exclude(kind=PauseKind.FEE)
    if pause is None:
        pause = consultations.order_by("-started_on", "-id").first()
        if pause is None:
            raise ValueError("该申请没有征求意见记录，不能出具征求意见函。")
    elif pause.application_id != application.pk:
        raise ValueError("该征求意见记录不属于本申请。")
    if pause.kind == PauseKind.FEE:
        raise ValueError("收费通知不是征求意见，不能出具征求意见函。")
    party = _inline(pause.party)
    if not party:
        raise ValueError("征求意见的对象未填写，不能出具征求意见函。")
    agency = pause.kind == PauseKind.AGENCY
    you = "贵机关" if agency else "贵方"
    basis = clock.BASIS_ART34 if agency else clock.BASIS_ART32
    if agency:
        why = "经审查，该申请所涉政府信息的公开需要征求贵机关的意见。"
        silence = f"逾期未提出意见的，视为同意公开，本机关将依照{REG}的规定作出答复。"
    else:
        why = "经审查，本机关认为该申请所涉政府信息公开后可能损害贵方的合法权益。"
        silence = f"逾期未提出意见的，由本机关依照{REG}的规定决定是否公开。"
    # The third party learns what is asked, not who asks: the applicant's name is not needed here.
    return {
        "draft": False,
        "date": pause.started_on,
        "addressee": party,
        "paragraphs": [
            _received_sentence(application, "申请人"),
            f"{why}根据{basis}的规定，现书面征求{you}意见。",
            f"请{you}自收到本函之日起{clock.CONSULTATION_ANSWER_DAYS}个工作日内，"
            f"以书面形式提出是否同意公开的意见；不同意公开的，请说明理由。{silence}",
            "请将书面意见送交本机关政府信息公开工作机构。",
            "特此函告。",
        ],
        "basis": basis,
        "pause": pause.pk,
    }


def letter_context(application: Application, kind: str, pause: Pause | None = None) -> dict[str, Any]:
    """Everything a letter says, as plain (unescaped) text: the template and the DOCX builder read this."""
    if kind not in LETTER_KINDS:
        raise ValueError(f"未知的告知书类型：{kind}")
    if kind == "reply":
        body = _reply(application)
    elif kind == "clarification":
        body = _clarification(application)
    elif kind == "extension":
        body = _extension(application)
    else:
        body = _consultation(application, pause)
    when: date = body.pop("date")
    addressee = body.pop("addressee")
    return {
        "kind": kind,
        "title": LETTER_KINDS[kind],
        "draft_mark": DRAFT_MARK if body["draft"] else "",
        "doc_number": f"〔{when.year}〕{_inline(application.number)}号",
        "salutation": f"{addressee}：",
        "signature": application.agency.name,
        "date": chinese_date(when),
        "contact": _contact(application),
        "application_number": application.number,
        **body,
    }


def applicable_letters(application: Application) -> list[tuple[str, str]]:
    """``(kind, title)`` of the letters this application can produce now (for the case page's buttons)."""
    kinds = []
    for kind, title in LETTER_KINDS.items():
        try:
            letter_context(application, kind)
        except ValueError:
            continue
        kinds.append((kind, title))
    return kinds


def applicant_may_download(application: Application, kind: str) -> bool:
    """Letters addressed to the applicant, once final: clarification and extension notices as soon as
    they exist, the reply once the head approved it (or the case was closed). Never a draft reply, and
    never a consultation letter (it is addressed to the third party)."""
    if kind in ("clarification", "extension"):
        return True
    return kind == "reply" and application.status in ("replied", "closed")


def applicant_letters(application: Application) -> list[tuple[str, str]]:
    """``(kind, title)`` of the letters the applicant can download now."""
    return [(k, t) for k, t in applicable_letters(application) if applicant_may_download(application, k)]


# --- outputs -----------------------------------------------------------------------------------------


def letter_html(
    application: Application, kind: str, *, pause: Pause | None = None, csp_nonce: str = ""
) -> str:
    """The letter as a standalone HTML page; its ``<style>`` is inline: pass the CSP nonce to preview it."""
    return _html(letter_context(application, kind, pause), csp_nonce=csp_nonce)


def _html(context: dict[str, Any], *, csp_nonce: str = "", compact: bool = False) -> str:
    return render_to_string(TEMPLATE, {**context, "csp_nonce": csp_nonce, "compact": compact})


def letter_pdf(application: Application, kind: str, *, pause: Pause | None = None) -> bytes:
    """The letter as an A4 PDF (WeasyPrint); nothing is fetched from the network or the disk.

    A letter that spills onto another page is tried again with tighter line spacing, as GB/T 9704 advises
    (调整行距、字距) rather than leaving the signature and date on a page of their own; the tighter layout
    is kept only if it saves a page.
    """
    from weasyprint import HTML, URLFetcher

    context = letter_context(application, kind, pause)

    def render(compact: bool) -> Any:
        html = _html(context, compact=compact)
        return HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=[])).render()

    document = render(False)
    if len(document.pages) > 1:
        tighter = render(True)
        if len(tighter.pages) < len(document.pages):
            document = tighter
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def letter_filename(application: Application, kind: str, ext: str) -> str:
    """ASCII-only download name, e.g. ``reply-430S00-2025-00001.pdf``."""
    if kind not in LETTER_KINDS:
        raise ValueError(f"未知的告知书类型：{kind}")
    ext = ext.lower().lstrip(".")
    if not re.fullmatch(r"[a-z0-9]{1,8}", ext):
        raise ValueError(f"不支持的文件类型：{ext}")
    number = re.sub(r"[^A-Za-z0-9_-]+", "_", application.number).strip("_") or str(application.pk)
    return f"{kind}-{number}.{ext}"


# --- DOCX --------------------------------------------------------------------------------------------

_BODY_PT = 16.0  # 三号
_TITLE_PT = 22.0  # 二号
_LINE_PT = 29.0  # 22 lines in a 225 mm text block


def _width_em(text: str) -> float:
    """Rough printed width in em: ASCII is half-width, everything else full-width."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def _set_fonts(run: Any, name: str) -> None:
    from docx.oxml.ns import qn

    run.font.name = name
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _add_text(
    paragraph: Any, text: str, *, size: float = _BODY_PT, bold: bool = False, color: Any = None
) -> None:
    """Add ``text`` as runs: characters beyond the BMP CJK fonts (Extension B+) get HanaMinB."""
    from docx.shared import Pt

    for chunk in re.findall(r"[\U00020000-\U0003FFFF]+|[^\U00020000-\U0003FFFF]+", text):
        run = paragraph.add_run(chunk)
        _set_fonts(run, DOCX_EXT_B_FONT if ord(chunk[0]) >= 0x20000 else DOCX_FONT)
        run.font.size = Pt(size)
        run.bold = bold
        if color is not None:
            run.font.color.rgb = color


def _page_number_footer(section: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_text(paragraph, "— ", size=14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    tail = paragraph.add_run(" —")
    _set_fonts(tail, DOCX_FONT)
    tail.font.size = Pt(14)


def letter_docx(application: Application, kind: str, *, pause: Pause | None = None) -> bytes:
    """The same letter as a Word document (A4, same text as the PDF; East Asian font set explicitly)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    ctx = letter_context(application, kind, pause)
    document = Document()
    red = RGBColor(0xC0, 0x00, 0x00)

    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(_BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), DOCX_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(_LINE_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    _page_number_footer(section)

    def para(align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False) -> Any:
        p = document.add_paragraph()
        p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(2 * _BODY_PT)
        return p

    if ctx["draft_mark"]:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _add_text(header, ctx["draft_mark"], size=12, bold=True, color=red)
        _add_text(para(WD_ALIGN_PARAGRAPH.CENTER), ctx["draft_mark"], bold=True, color=red)

    title = para(WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(40)
    _add_text(title, ctx["title"], size=_TITLE_PT, bold=True)
    number = para(WD_ALIGN_PARAGRAPH.CENTER)
    number.paragraph_format.space_after = Pt(_LINE_PT)
    _add_text(number, ctx["doc_number"])

    _add_text(para(WD_ALIGN_PARAGRAPH.LEFT), ctx["salutation"])
    for text in ctx["paragraphs"]:
        last = para(indent=True)
        _add_text(last, text)
    last.paragraph_format.keep_with_next = True  # the signature never stands alone on a page

    # Signature block: the agency's name centred on the date, four characters in from the right margin
    # (the longer of the two is four characters in, the other centred on it: the template does the same).
    wide = max(_width_em(ctx["date"]), _width_em(ctx["signature"]))
    signature = para(WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.space_before = Pt(2 * _LINE_PT)
    signature.paragraph_format.right_indent = Pt((4 + (wide - _width_em(ctx["signature"])) / 2) * _BODY_PT)
    signature.paragraph_format.keep_with_next = True
    _add_text(signature, ctx["signature"])
    dated = para(WD_ALIGN_PARAGRAPH.RIGHT)
    dated.paragraph_format.keep_with_next = True
    dated.paragraph_format.right_indent = Pt((4 + (wide - _width_em(ctx["date"])) / 2) * _BODY_PT)
    _add_text(dated, ctx["date"])

    _add_text(para(indent=True), ctx["contact"])

    props = document.core_properties
    props.title = ctx["title"]
    props.author = ctx["signature"]
    props.last_modified_by = ctx["signature"]
    props.comments = ""
    props.keywords = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
