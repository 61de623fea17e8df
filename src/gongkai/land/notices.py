"""The quarterly 通报 in three forms from one frozen snapshot: HTML for the portal item, PDF (WeasyPrint,
CJK fonts, nothing fetched) and DOCX (python-docx, East Asian font set), so they cannot disagree."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from gongkai.land import rules
from gongkai.land.models import QuarterlyNotice

DOCX_FONT = "Noto Serif CJK SC"
FORMULA = (
    "得分 = 100 ×（0.30×批次公开率 + 0.20×及时率 + 0.15×法定时限符合率 + 0.15×公开率 + 0.10×公告期符合率）"
    "÷ 有数据指标的权重之和 − 扣分；无数据的指标不计入并按比例调整权重（要素完整率暂不计）。"
    "扣分：批准满60日仍无任何信息公开的项目每个扣2分，最多扣20分。"
    "收到批准文件满30个工作日仍未发布征收土地公告的，评为不合格。"
    "等次：90分以上优秀，80–89分良好，60–79分合格，60分以下不合格。"
)
COLUMNS = ("rank", "name", "approved", "due", "on_time", "late", "missing", "score", "grade")


def context(notice: QuarterlyNotice) -> dict[str, Any]:
    snap = notice.snapshot or {}
    return {
        "notice": notice,
        "title": str(notice),
        "snap": snap,
        "labels": rules.INDICATOR_LABELS,
        "formula": FORMULA,
        "remarks": [p.strip() for p in (notice.remarks or "").splitlines() if p.strip()],
        "issuer": notice.agency.name,
        "pdf_url": f"/land/notices/{notice.year}/{notice.quarter}.pdf",
        "docx_url": f"/land/notices/{notice.year}/{notice.quarter}.docx",
    }


def notice_html(notice: QuarterlyNotice) -> str:
    """The body of the portal item (only markup the publishing sanitiser keeps)."""
    return render_to_string("land/notice_body.html", context(notice))


def notice_pdf(notice: QuarterlyNotice) -> bytes:
    from weasyprint import HTML, URLFetcher

    html = render_to_string("land/notice_print.html", context(notice))
    pdf = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=[])).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def notice_docx(notice: QuarterlyNotice) -> bytes:
    import io

    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    ctx = context(notice)
    snap = ctx["snap"]
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(11)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), DOCX_FONT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(ctx["title"])
    run.bold = True
    run.font.size = Pt(18)
    summary = snap.get("summary", {})
    document.add_paragraph(
        f"{snap.get('label', '')}，全省各市州、县市区共批准征地项目 {summary.get('approved', 0)} 个，"
        f"应公开信息 {summary.get('due', 0)} 条，按时公开 {summary.get('on_time', 0)} 条，"
        f"逾期公开 {summary.get('late', 0)} 条，逾期未公开 {summary.get('missing', 0)} 条。"
    )
    for text in ctx["remarks"]:
        document.add_paragraph(text)
    for heading, rows in (
        ("一、县市区排名", snap.get("counties", [])),
        ("二、市州排名", snap.get("cities", [])),
    ):
        document.add_paragraph().add_run(heading).bold = True
        headers = ["排名", "单位", "批准项目", "应公开", "按时", "逾期公开", "逾期未公开", "得分", "等次"]
        table = document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = text
        for r in rows:
            values = [
                str(r["rank"] or "—"),
                r["name"],
                str(r["approved"]),
                str(r["due"]),
                str(r["on_time"]),
                str(r["late"]),
                str(r["missing"]),
                "—" if r["score"] is None else f"{r['score']:.1f}",
                r["grade"] + ("（样本较少）" if r.get("small_sample") else ""),
            ]
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.text = text
    document.add_paragraph().add_run("三、存在的问题").bold = True
    for r in snap.get("counties", []):
        for p in r.get("problems", []):
            document.add_paragraph(
                f"{r['name']}：{p['project']} {p['document']}{p['issue']}（应于 {p['due']} 前公开）"
            )
    document.add_paragraph().add_run("四、评分方法").bold = True
    document.add_paragraph(FORMULA)
    sign = document.add_paragraph(ctx["issuer"])
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
