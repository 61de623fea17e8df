"""The annual report's outputs (HTML, PDF, DOCX, XLSX) from the JSON of ``formats.to_json``.

Sample files are written to ``test-artifacts/`` (report-2020.pdf, report-2021.docx, the PDF's pages as
PNG …) so that a person can look at them."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gongkai.reports import formats as F
from gongkai.reports import outputs

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AGENCY = {"code": "430S00", "name": "湖南省自然资源厅"}
EVIL_NAME = '=HYPERLINK("http://x","点我")<script>alert(1)</script>'
SECTION1 = (
    "（一）主动公开\n"
    "本年度主动公开政府信息1203条，其中<b>规范性文件</b>5件。\n"
    "第二行紧接上一行。\n\n"
    "=SUM(A1:A9) 不是公式。\n\n"
    "（二）依申请公开\n"
    "本年度新收政府信息公开申请689件，王𠀀明等申请人……"
)
APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)


def counts(fmt: str) -> dict:
    """A balanced, non-trivial report: every applicant column has new, carried-in, outcomes, carried-out."""
    outcome_rows = F.get_format(fmt).section3.outcome_rows
    section3: dict[str, dict[str, int]] = {r: {} for r in ("new_received", "carried_in", "carried_out")}
    for i, col in enumerate(APPLICANTS):
        new, carried_in = 100 * (6 - i) + 7 * i, 3 + i
        done = 0
        for j, row in enumerate(outcome_rows):
            n = (i + 2 * j) % 5
            section3.setdefault(row, {})[col] = n
            done += n
        section3["new_received"][col] = new
        section3["carried_in"][col] = carried_in
        # put the remainder in 予以公开 so that the balance holds
        section3["disclosed"][col] += new + carried_in - done - (i + 1)
        section3["carried_out"][col] = i + 1
    if fmt == "2019":
        section2 = {
            "art20_1": {"rules": {"made": 1, "published": 1, "public_total": 12}},
            "art20_5": {"licensing": {"previous_items": 40, "change": -3, "decisions": 1203}},
            "art20_9": {"procurement": {"projects": 4, "amount_yuan": "2792220.80"}},
        }
    else:
        section2 = {
            "art20_1": {
                "rules": {"issued": 0, "repealed": 0, "in_force": 2},
                "normative_documents": {"issued": 5, "repealed": 1, "in_force": 48},
            },
            "art20_5": {"licensing": {"decisions": 1203}},
            "art20_6": {"penalty": {"decisions": 57}, "coercion": {"decisions": 0}},
            "art20_8": {"fees": {"amount_10k_yuan": "0.0400"}},
        }
    section4 = {
        "reconsideration": {"upheld": 3, "corrected": 1, "other": 0, "pending": 1},
        "litigation_direct": {"upheld": 2, "corrected": 0, "other": 1, "pending": 0},
        "litigation_after_reconsideration": {"upheld": 1, "corrected": 0, "other": 0, "pending": 2},
    }
    return {"section2": section2, "section3": section3, "section4": section4}


def report_json(fmt: str, *, agency: dict | None = None, **extras) -> dict:
    year = 2020 if fmt == "2019" else 2021
    report = F.build(fmt, counts(fmt))
    data = F.to_json(
        report,
        year=year,
        agency=agency or AGENCY,
        text={
            "section1": SECTION1,
            "section5": "一是……\n\n二是……",
            "section6": "本年度未收取信息处理费。",
        },
    )
    data.update(extras)
    return data


def all_row_labels(fmt: str) -> list[str]:
    f = F.get_format(fmt)
    labels = [r.text for r in f.section3.rows]
    labels += [g.label for g in f.section3.outcome_groups] + [f.section3.results_group.label]
    for block in f.section2:
        labels += [r.label for r in block.rows] + [c.label for c in block.columns] + [block.caption]
    labels += [g.text for g in f.section4.groups] + [c.label for c in f.section4.columns]
    return labels


@pytest.fixture(scope="module", autouse=True)
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def test_counts_are_a_valid_report():
    for fmt in ("2019", "2021"):
        data = report_json(fmt)
        assert all(c["ok"] for c in data["checks"]), [c["message"] for c in data["checks"] if not c["ok"]]


# --- HTML --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_html_has_title_headings_and_every_label(fmt):
    data = report_json(fmt)
    html = outputs.render_html(data)
    year = data["year"]
    assert f"湖南省自然资源厅{year}年政府信息公开工作年度报告" in html
    assert html.lstrip().startswith("<article")
    for heading in F.HEADINGS:
        assert heading in html
    for label in all_row_labels(fmt):
        assert label.replace("“", "&ldquo;") in html or label in html, label
    assert F.NOTE in html
    assert "申请人情况" in html and "法人或其他组织" in html
    # the layout: the note spans three rows and the three label columns; 三、本年度办理结果 spans its rows
    assert re.search(r'<td class="ar-note" rowspan="3" colspan="3">', html)
    rows = len(F.get_format(fmt).section3.rows)
    assert f'rowspan="{rows - 3}"' in html  # 三、本年度办理结果 beside the outcome rows and （七）总计
    # the figures: 一、本年新收 总计 and the money with its unit
    total = data["section3"]["new_received"]["total"]
    assert f">{total}</td>" in html
    assert ("2792220.8元" if fmt == "2019" else ">0.0400<") in html


def test_html_escapes_user_text_and_keeps_paragraphs():
    data = report_json("2021", agency={"code": "430S00", "name": EVIL_NAME})
    html = outputs.render_html(data, standalone=True)
    assert "<script>alert" not in html and "<b>规范性文件" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;规范性文件&lt;/b&gt;" in html
    assert '<h3 class="ar-subhead">（一）主动公开</h3>' in html
    assert "其中&lt;b&gt;规范性文件&lt;/b&gt;5件。<br>第二行紧接上一行。" in html
    assert "王𠀀明" in html
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and "@page" in html


def test_html_tables_are_accessible_markup():
    html = outputs.render_html(report_json("2021"))
    regions = re.findall(
        r'<div class="ar-table-wrap[^"]*" role="region" aria-label="[^"]+" tabindex="0">', html
    )
    assert len(regions) == 4 + 2  # four 第二十条 tables, 三, 四
    assert html.count("<caption") == 6
    ids = set(re.findall(r' id="([^"]+)"', html))
    for headers in re.findall(r' headers="([^"]+)"', html):
        assert set(headers.split()) <= ids
    # every figure says which column and which row it is in
    s3 = html.split('id="ar-430S00-2021-t3"')[1].split("</table>")[0]
    first = re.search(r'<td class="ar-num" headers="([^"]+)">', s3)
    assert first is not None
    assert len(first[1].split()) == 3  # 申请人情况 › 自然人 › 一、本年新收


def test_adjusted_cells_and_correction_note():
    data = report_json(
        "2021",
        version=2,
        correction_note="更正第三部分自然人新收数量。",
        published_at="2022-01-25",
    )
    extras = {
        "adjusted_cells": ["section3.new_received.natural_person", "section2.art20_5.licensing.decisions"]
    }
    html = outputs.render_html(data, extras=extras)
    assert html.count('<span class="ar-mark" aria-hidden="true">†</span>') == 2
    assert "注：标“†”的数据经人工填报或调整。" in html
    assert "更正说明" in html and "第2版" in html and "更正第三部分自然人新收数量。" in html
    assert "2022年1月25日" in html and 'datetime="2022-01-25"' in html
    assert outputs.filename(data, "pdf") == "430S00-2021-annual-report-v2.pdf"


def test_filename_is_ascii():
    assert outputs.filename(report_json("2019"), "PDF") == "430S00-2020-annual-report.pdf"
    data = report_json("2019", agency={"code": "湖南/../x", "name": "x"})
    assert outputs.filename(data, "xlsx") == "x-2020-annual-report.xlsx"
    with pytest.raises(ValueError):
        outputs.filename(data, "../sh")


def test_show_checks_lists_failed_checks():
    data = report_json("2021")
    data["checks"] = [
        *data["checks"],
        {"rule": "balance:total", "ok": False, "severity": "error", "message": "不平衡"},
    ]
    assert "不平衡" in outputs.render_html(data, show_checks=True)
    assert "不平衡" not in outputs.render_html(data)


# --- PDF ---------------------------------------------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is missing")
@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_pdf_renders_with_embedded_cjk_fonts(fmt, artifacts):
    data = report_json(fmt, published_at="2021-01-20" if fmt == "2019" else "2022-01-20")
    extras = {"adjusted_cells": ["section3.carried_in.natural_person"]}
    pdf = outputs.render_pdf(data, extras=extras)
    assert pdf.startswith(b"%PDF")
    path = artifacts / f"report-{data['year']}.pdf"
    path.write_bytes(pdf)
    for old in artifacts.glob(f"report-{data['year']}-page-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(path), str(artifacts / f"report-{data['year']}-page")],
        check=True,
    )
    pages = sorted(artifacts.glob(f"report-{data['year']}-page-*.png"))
    assert len(pages) > 0
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True).stdout
    text = text.decode()
    assert "政府信息公开工作年度报告" in text
    assert "上年结转政府信息公开申请数量" in text
    assert re.search(r"—\s*1\s*—", text)  # page numbers
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True).stdout.decode()
    assert "CJK" in fonts


# --- DOCX --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_docx_reads_back(fmt, artifacts):
    from docx import Document

    data = report_json(fmt, agency={"code": "430S00", "name": EVIL_NAME})
    extras = {"adjusted_cells": ["section3.carried_in.natural_person"]}
    blob = outputs.render_docx(data, extras=extras)
    (artifacts / f"report-{data['year']}.docx").write_bytes(blob)
    document = Document(io.BytesIO(blob))
    f = F.get_format(fmt)
    assert len(document.tables) == len(f.section2) + 2
    body = "\n".join(p.text for p in document.paragraphs)
    assert f"{EVIL_NAME}{data['year']}年政府信息公开工作年度报告" in body
    assert "（一）主动公开" in body and "王𠀀明" in body
    for heading in F.HEADINGS:
        assert heading in body
    s3 = document.tables[len(f.section2)]
    texts = [c.text for row in s3.rows for c in row.cells]
    assert F.NOTE in texts and "三、本年度办理结果" in texts and "1.属于国家秘密" in texts
    assert str(data["section3"]["new_received"]["total"]) in texts
    assert f"{data['section3']['carried_in']['natural_person']}†" in texts
    # merged: the note fills the 3 × 3 corner, 申请人情况 the 7 figure columns
    assert s3.cell(0, 0)._tc is s3.cell(2, 2)._tc
    assert s3.cell(0, 3)._tc is s3.cell(0, 9)._tc
    assert len(s3.rows) == 3 + len(f.section3.rows)
    s4 = document.tables[-1]
    assert s4.cell(0, 5).text == "行政诉讼" and s4.cell(1, 5).text == "未经复议直接起诉"
    assert [c.text for c in s4.rows[3].cells][:5] == ["3", "1", "0", "1", "5"]
    # East Asian font declared on the runs
    xml = document.element.xml
    assert 'w:eastAsia="仿宋"' in xml and 'w:eastAsia="黑体"' in xml


# --- XLSX --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_xlsx_reads_back(fmt, artifacts):
    from openpyxl import load_workbook

    data = report_json(fmt, agency={"code": "430S00", "name": EVIL_NAME})
    extras = {"adjusted_cells": ["section3.carried_in.natural_person"]}
    blob = outputs.render_xlsx(data, extras=extras)
    (artifacts / f"report-{data['year']}.xlsx").write_bytes(blob)
    workbook = load_workbook(io.BytesIO(blob))
    assert workbook.sheetnames == ["报告信息", *F.HEADINGS[1:4]]
    info = workbook["报告信息"]
    values = {c.coordinate: c for row in info.iter_rows() for c in row if c.value is not None}
    names = [c for c in values.values() if c.value == EVIL_NAME]
    assert names and all(c.data_type == "s" for c in names)
    formula_text = [c for c in values.values() if str(c.value).startswith("=SUM(A1:A9)")]
    assert formula_text and all(c.data_type == "s" for c in formula_text)
    assert not any(c.data_type == "f" for row in workbook.worksheets for r in row.iter_rows() for c in r)
    assert any(c.value == "通过" for c in values.values())

    s3 = workbook[F.HEADINGS[2]]
    merged = {str(r) for r in s3.merged_cells.ranges}
    assert "A4:C6" in merged  # the 勾稽关系 note
    assert "D4:J4" in merged  # 申请人情况
    assert "E5:I5" in merged  # 法人或其他组织
    assert s3["A4"].value == F.NOTE
    assert s3["A7"].value == "一、本年新收政府信息公开申请数量"
    assert "A7:C7" in merged
    total = s3["J7"]
    assert total.value == data["section3"]["new_received"]["total"] and total.data_type == "n"
    assert s3["D8"].comment is not None  # carried_in / natural_person adjusted

    s2 = workbook[F.HEADINGS[1]]
    money = [c for row in s2.iter_rows() for c in row if c.number_format in ('0.00"元"', "0.0000")]
    assert money and all(c.data_type == "n" for c in money)
    s4 = workbook[F.HEADINGS[3]]
    assert "A4:E4" in {str(r) for r in s4.merged_cells.ranges}
    assert [s4.cell(row=7, column=c).value for c in range(1, 6)] == [3, 1, 0, 1, 5]


# --- in a browser: axe-core and a phone-sized screen --------------------------------------------------------

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.mark.browser
@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_html_passes_axe_and_reads_on_a_phone(fmt, browser):
    from axe_playwright_python.sync_playwright import Axe

    data = report_json(fmt, version=2, correction_note="更正说明。", published_at="2022-01-20")
    html = outputs.render_html(
        data, standalone=True, extras={"adjusted_cells": ["section3.carried_in.total"]}
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.set_content(html)
        results = Axe().run(page, options=WCAG)
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
        ]
        assert problems == []
        # the page itself does not scroll sideways: the wide tables scroll inside their own region
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        wide = page.evaluate(
            "[...document.querySelectorAll('.ar-table-wrap')]"
            ".filter(e => e.scrollWidth > e.clientWidth).length"
        )
        assert wide >= 2  # 三 and 四
        page.screenshot(path=str(ARTIFACTS / f"report-{data['year']}-phone.png"), full_page=False)
        page.locator(".ar-wrap-s3").screenshot(path=str(ARTIFACTS / f"report-{data['year']}-phone-s3.png"))
    finally:
        context.close()
