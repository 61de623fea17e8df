"""The finished annual report as HTML, PDF, DOCX and XLSX, all from one input: the JSON of
:func:`gongkai.reports.formats.to_json` (the shape of ``annual-report.md``).

Optional extras travel with it, either as a separate ``extras`` mapping or as keys of the JSON dict
itself (top level or under ``"extras"``; the ``extras`` argument wins):

* ``adjusted_cells`` — cell paths such as ``section3.new_received.natural_person`` whose figure was
  entered or adjusted by hand; every output marks them with † and a note (经人工填报或调整);
* ``version`` and ``correction_note`` — a corrected report shows the note at the top;
* ``published_at`` — a date (``date``/``datetime`` or ISO text); printed under the report with the
  agency's name, as in a 公文.

One view model (:func:`report_context`) feeds every output, so they cannot say different things. It is
plain text only; the Django template escapes it (``reports/report_body.html``; never ``|safe``), python-docx
and openpyxl write it as text (a cell beginning with ``=`` stays a string cell). The tables come from the
layout helpers of :mod:`~gongkai.reports.formats` (merged header and label cells exactly as in the
national template) and are turned once into a grid of cells with their spans, header ids and the
``headers`` attribute of each figure, which HTML, DOCX and XLSX all walk.

Layout: the title 「<机关><年度>年政府信息公开工作年度报告」 centred, the statutory intro sentence, sections
一 to 六 with the format's headings; 一/五/六 are the officers' text (blank lines separate paragraphs; a
short line like ``（一）主动公开`` is a sub-heading). The PDF is A4 with ``— n —`` page numbers; the
section 三 table is set smaller so that it fits the portrait page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from gongkai.core.text import clean_text
from gongkai.reports import formats
from gongkai.reports.formats import Cell, Column, Format

BODY_TEMPLATE = "reports/report_body.html"
PRINT_TEMPLATE = "reports/report_print.html"
CSS_FILE = Path(__file__).with_name("static") / "reports" / "report.css"

ADJUSTED_MARK = "†"
ADJUSTED_NOTE = "经人工填报或调整"
EXTRA_KEYS = ("adjusted_cells", "version", "correction_note", "published_at")

CONTENT_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

# DOCX: 仿宋 for the body and 黑体 for headings and the title, as government reports are set; Word
# falls back to a similar face where they are missing (FangSong / SimHei are their English names).
DOCX_BODY_FONT = "仿宋"
DOCX_HEADING_FONT = "黑体"

# Characters lone surrogates, U+FFFE/FFFF and the controls XML forbids (python-docx and openpyxl refuse
# them); clean_text has already removed the other controls and the bidi overrides.
_XML_UNSAFE = re.compile("[\ud800-\udfff\ufffe\uffff]")
_SUBHEADING = re.compile(r"[（(][一二三四五六七八九十]{1,3}[）)][^。！？；]{1,30}")


# ---------------------------------------------------------------------------------------------------------
# The view model
# ---------------------------------------------------------------------------------------------------------


@dataclass
class TCell:
    """A printed table cell: a header (``th``), a label or a figure, with its spans.

    ``headers`` are the ids of the header cells that describe it (HTML ``headers``); ``value`` the
    figure itself (a number for XLSX), ``number_format`` its Excel format; ``adjusted`` marks a figure
    entered or adjusted by hand.
    """

    text: str
    header: bool = False
    rowspan: int = 1
    colspan: int = 1
    scope: str = ""
    id: str = ""
    headers: str = ""
    value: int | Decimal | None = None
    number_format: str = ""
    adjusted: bool = False
    role: str = ""  # "note" (the 勾稽关系 corner), "group", "label", "col", "figure"
    path: str = ""  # a figure's cell path (section3.carried_in.natural_person)
    href: str = ""  # staff views: where the records behind the figure are listed

    @property
    def numeric(self) -> bool:
        return self.value is not None


@dataclass
class Table:
    """One printed table. ``head`` and ``body`` are rows of cells as they begin on each row (spanned
    positions are left out, as in HTML). ``caption_row``: the template prints the caption as the table's
    first row (section 二); HTML puts it in ``<caption>`` instead."""

    id: str
    kind: str  # s2, s3, s4
    caption: str
    head: list[list[TCell]]
    body: list[list[TCell]]
    columns: int
    caption_row: bool = False
    caption_hidden: bool = False
    label_columns: int = 1
    col_classes: list[str] = field(default_factory=list)  # one per grid column (HTML ``<col>``)

    @property
    def has_adjusted(self) -> bool:
        return any(c.adjusted for row in self.body for c in row)


@dataclass
class TextBlock:
    kind: str  # "h" a sub-heading, "p" a paragraph (lines kept as line breaks)
    lines: list[str]


@dataclass
class Section:
    number: int
    heading: str
    id: str
    blocks: list[TextBlock] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class ReportView:
    format: Format
    year: int
    code: str
    agency: str
    title: str
    intro: str
    prefix: str
    sections: list[Section]
    version: int | None
    correction_note: str
    published: str
    published_iso: str
    checks: list[dict[str, Any]]
    adjusted_note: str = f"注：标“{ADJUSTED_MARK}”的数据{ADJUSTED_NOTE}。"

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        return [c for c in self.checks if not c.get("ok")]

    @property
    def has_adjusted(self) -> bool:
        return any(t.has_adjusted for t in self.tables)


def _plain(value: object) -> str:
    """User text made safe to carry: NFC, no control/bidi characters, nothing XML forbids."""
    return _XML_UNSAFE.sub("", clean_text("" if value is None else str(value)))


def _inline(value: object) -> str:
    return " ".join(_plain(value).split())


def text_blocks(text: object) -> list[TextBlock]:
    """Officers' plain text → sub-headings and paragraphs. Paragraphs are separated by blank lines; a
    single line break inside one is kept; a short leading line such as ``（一）主动公开`` (no sentence
    punctuation) is a sub-heading. Indentation typed by hand is dropped (the layout indents)."""
    out: list[TextBlock] = []
    for chunk in re.split(r"\n[ \t\u3000]*\n", _plain(text)):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        while lines and _SUBHEADING.fullmatch(lines[0]):
            out.append(TextBlock("h", [lines.pop(0)]))
        if lines:
            out.append(TextBlock("p", lines))
    return out


def chinese_date(value: object) -> tuple[str, str]:
    """``published_at`` → (``2021年1月25日``, ``2021-01-25``); empty strings when absent or unreadable."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str) and value.strip():
        try:
            value = date.fromisoformat(value.strip()[:10])
        except ValueError:
            return "", ""
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日", value.isoformat()
    return "", ""


def _merged_extras(data: Mapping[str, Any], extras: Mapping[str, Any] | None) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    nested = data.get("extras")
    if isinstance(nested, Mapping):
        merged.update(nested)
    merged.update({k: data[k] for k in EXTRA_KEYS if k in data})
    merged.update(extras or {})
    return merged


def _ascii_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")


def _number_format(column: Column) -> str:
    if column.kind != "money":
        return "0"
    return '0.00"元"' if column.unit == "元" else "0." + "0" * column.places


def _figure(column: Column, value: Any, path: str, adjusted: frozenset[str]) -> TCell:
    return TCell(
        formats.display_value(column, value),
        value=value,
        number_format=_number_format(column),
        adjusted=path in adjusted,
        role="figure",
        path=path,
    )


def _from_layout(rows: Sequence[Sequence[Cell]], *, header: bool, role: str = "col") -> list[list[TCell]]:
    return [
        [TCell(_inline(c.text), header=header, rowspan=c.rowspan, colspan=c.colspan, role=role) for c in row]
        for row in rows
    ]


def place(rows: Sequence[Sequence[TCell]]) -> Iterator[tuple[int, int, TCell]]:
    """Each cell with the grid row and column where it begins, skipping positions taken by spans."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            yield r, c, cell
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan


def _link_headers(table: Table) -> Table:
    """Give every header cell an id, and every figure (and row label) the ``headers`` that describe it:
    the column headers above it, top to bottom, then the row labels to its left."""
    column_headers: dict[int, list[str]] = {}
    for r, c, cell in place(table.head):
        if not cell.header:
            continue
        cell.id = f"{table.id}-h{r}-{c}"
        cell.scope = "col" if cell.colspan == 1 else "colgroup"
        for dc in range(cell.colspan):
            column_headers.setdefault(c + dc, []).append(cell.id)
    row_headers: dict[int, list[str]] = {}
    for r, c, cell in place(table.body):
        if cell.header:
            cell.id = f"{table.id}-r{r}-{c}"
            cell.scope = "row"
            cell.headers = " ".join(row_headers.get(r, []))
            for dr in range(cell.rowspan):
                row_headers.setdefault(r + dr, []).append(cell.id)
        else:
            ids = [*column_headers.get(c, []), *row_headers.get(r, [])]
            cell.headers = " ".join(ids)
    return table


def _section2_tables(
    fmt: Format, data: Mapping[str, Any], prefix: str, adjusted: frozenset[str]
) -> list[Table]:
    report = formats.report_from_json(data)
    tables = []
    for block in fmt.section2:
        _caption_row, head_row = formats.section2_header(block)
        body = []
        for row in block.rows:
            values = report.section2[block.key][row.key]
            body.append(
                [
                    TCell(row.label, header=True, role="label"),
                    *(
                        _figure(col, values[col.key], f"section2.{block.key}.{row.key}.{col.key}", adjusted)
                        for col in block.columns
                    ),
                ]
            )
        table = Table(
            id=f"{prefix}-t2-{block.key.replace('_', '-')}",
            kind="s2",
            caption=block.caption,
            head=_from_layout([head_row], header=True),
            body=body,
            columns=1 + len(block.columns),
            caption_row=True,
            col_classes=["ar-c-label"] + ["ar-c-fig"] * len(block.columns),
        )
        tables.append(_link_headers(table))
    return tables


def _section3_table(fmt: Format, data: Mapping[str, Any], prefix: str, adjusted: frozenset[str]) -> Table:
    s3 = fmt.section3
    note, *rest = formats.section3_header(fmt)
    head = [
        [TCell(note[0].text, rowspan=note[0].rowspan, colspan=note[0].colspan, role="note")]
        + _from_layout([note[1:]], header=True)[0],
        *_from_layout(rest, header=True),
    ]
    values = data["section3"]
    body = []
    for key, labels in formats.section3_row_labels(fmt):
        cells = [
            TCell(
                c.text,
                header=True,
                rowspan=c.rowspan,
                colspan=c.colspan,
                role="group" if c.rowspan > 1 else "label",
            )
            for c in labels
        ]
        cells += [
            _figure(col, values[key][col.key], f"section3.{key}.{col.key}", adjusted) for col in s3.columns
        ]
        body.append(cells)
    table = Table(
        id=f"{prefix}-t3",
        kind="s3",
        caption=formats.HEADINGS[2].split("、", 1)[1],
        head=head,
        body=body,
        columns=formats.SECTION3_LABEL_COLUMNS + len(s3.columns),
        caption_hidden=True,
        label_columns=formats.SECTION3_LABEL_COLUMNS,
        col_classes=["ar-c-results", "ar-c-group", "ar-c-label"] + ["ar-c-fig"] * len(s3.columns),
    )
    return _link_headers(table)


def _section4_table(fmt: Format, data: Mapping[str, Any], prefix: str, adjusted: frozenset[str]) -> Table:
    s4 = fmt.section4
    values = data["section4"]
    row = [
        _figure(col, values[group.key][col.key], f"section4.{group.key}.{col.key}", adjusted)
        for group in s4.groups
        for col in s4.columns
    ]
    table = Table(
        id=f"{prefix}-t4",
        kind="s4",
        caption=formats.HEADINGS[3].split("、", 1)[1],
        head=_from_layout(formats.section4_header(fmt), header=True),
        body=[row],
        columns=len(row),
        caption_hidden=True,
        label_columns=0,
        col_classes=["ar-c-fig"] * len(row),
    )
    return _link_headers(table)


def report_context(data: Mapping[str, Any], extras: Mapping[str, Any] | None = None) -> ReportView:
    """The view model of a report from its JSON (and extras): what every output prints."""
    fmt = formats.get_format(str(data["format"]))
    year = int(data["year"])
    agency = data.get("agency") or {}
    code = _inline(agency.get("code", ""))
    name = _inline(agency.get("name", ""))
    more = _merged_extras(data, extras)
    adjusted = frozenset(str(p) for p in more.get("adjusted_cells") or ())
    prefix = "ar-" + (_ascii_id(f"{code}-{year}") or str(year))
    published, published_iso = chinese_date(more.get("published_at"))
    version = more.get("version")
    version = int(version) if isinstance(version, int | str) and str(version).isdigit() else None

    texts = data.get("text") or {}
    sections = [Section(i, heading, f"{prefix}-sec{i}") for i, heading in enumerate(fmt.headings, 1)]
    for index, key in ((0, "section1"), (4, "section5"), (5, "section6")):
        sections[index].blocks = text_blocks(texts.get(key, "")) or [TextBlock("p", ["无。"])]
    sections[1].tables = _section2_tables(fmt, data, prefix, adjusted)
    sections[2].tables = [_section3_table(fmt, data, prefix, adjusted)]
    sections[3].tables = [_section4_table(fmt, data, prefix, adjusted)]

    intro = (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《{fmt.title}》"
        f"（{fmt.issued_with}）的要求编制。本报告中所列数据的统计期限自{year}年1月1日起至"
        f"{year}年12月31日止。"
    )
    checks = [
        {
            "rule": _inline(c.get("rule", "")),
            "ok": bool(c.get("ok")),
            "severity": _inline(c.get("severity", "error")),
            "message": _inline(c.get("message", "")),
        }
        for c in data.get("checks") or ()
        if isinstance(c, Mapping)
    ]
    return ReportView(
        format=fmt,
        year=year,
        code=code,
        agency=name,
        title=f"{name}{year}年政府信息公开工作年度报告",
        intro=intro,
        prefix=prefix,
        sections=sections,
        version=version,
        correction_note=_plain(more.get("correction_note") or "").strip(),
        published=published,
        published_iso=published_iso,
        checks=checks,
    )


# ---------------------------------------------------------------------------------------------------------
# HTML and PDF
# ---------------------------------------------------------------------------------------------------------


def render_html(
    data: Mapping[str, Any],
    *,
    standalone: bool = False,
    extras: Mapping[str, Any] | None = None,
    show_checks: bool = False,
    csp_nonce: str = "",
    cell_link: Callable[[str], str | None] | None = None,
) -> str:
    """The report as HTML. By default the body only (an ``<article>``), to be placed in a portal page
    that links ``reports/report.css``; with ``standalone`` a whole document with the stylesheet inline
    (the print document WeasyPrint reads; pass ``csp_nonce`` to serve it under the CSP).
    ``show_checks`` adds the failed cross-checks above the report (staff previews)."""
    view = report_context(data, extras)
    if cell_link is not None:  # provenance in the staff view: each figure links to its records
        for table in view.tables:
            for row in table.body:
                for cell in row:
                    if cell.role == "figure" and cell.path:
                        cell.href = cell_link(cell.path) or ""
    context = {"r": view, "show_checks": show_checks}
    if not standalone:
        return render_to_string(BODY_TEMPLATE, context)
    css = CSS_FILE.read_text(encoding="utf-8")
    # Our own stylesheet, inlined verbatim (it must not be HTML-escaped inside <style>).
    assert "</" not in css
    return render_to_string(PRINT_TEMPLATE, {**context, "css": mark_safe(css), "csp_nonce": csp_nonce})  # noqa: S308


def render_pdf(data: Mapping[str, Any], *, extras: Mapping[str, Any] | None = None) -> bytes:
    """The report as an A4 PDF (WeasyPrint, CJK fonts embedded, ``— n —`` page numbers); nothing is
    fetched from the network or the disk."""
    from weasyprint import HTML, URLFetcher

    html = render_html(data, standalone=True, extras=extras)
    pdf = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=[])).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def filename(data: Mapping[str, Any], ext: str, *, extras: Mapping[str, Any] | None = None) -> str:
    """ASCII-only download name: ``430S00-2020-annual-report.pdf`` (``-v2`` added for a later version)."""
    ext = ext.lower().lstrip(".")
    if not re.fullmatch(r"[a-z0-9]{1,8}", ext):
        raise ValueError(f"不支持的文件类型：{ext}")
    agency = data.get("agency") or {}
    code = _ascii_id(str(agency.get("code", ""))) or "agency"
    year = int(data["year"])
    version = _merged_extras(data, extras).get("version")
    suffix = (
        f"-v{int(version)}"
        if isinstance(version, int | str) and str(version).isdigit() and int(version) > 1
        else ""
    )
    return f"{code}-{year}-annual-report{suffix}.{ext}"


# ---------------------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------------------

_DOCX_BODY_PT = 14.0  # 四号
_DOCX_TABLE_PT = 9.0
_DOCX_S3_PT = 8.0
_DOCX_TEXT_WIDTH_MM = 160.0  # A4 with 25 mm margins


def _docx_text(paragraph: Any, text: str, *, font: str, size: float, bold: bool = False) -> None:
    """Runs of ``text`` with East Asian fonts set; Extension-B characters (names like 王𠀀明) get HanaMinB."""
    from docx.shared import Pt

    from gongkai.applications.letters import DOCX_EXT_B_FONT, _set_fonts

    for chunk in re.findall(r"[\U00020000-\U0003FFFF]+|[^\U00020000-\U0003FFFF]+", text):
        run = paragraph.add_run(chunk)
        _set_fonts(run, DOCX_EXT_B_FONT if ord(chunk[0]) >= 0x20000 else font)
        run.font.size = Pt(size)
        run.bold = bold


def _docx_widths(table: Table) -> list[float]:
    """Column widths in mm, filling the text block."""
    if table.kind == "s3":
        labels = [14.0, 22.0, 40.0]  # 三、本年度 / 办理结果; （三）不予公开 on one line
        rest = (_DOCX_TEXT_WIDTH_MM - sum(labels)) / (table.columns - 3)
        return labels + [rest] * (table.columns - 3)
    if table.kind == "s2":
        first = 48.0
        rest = (_DOCX_TEXT_WIDTH_MM - first) / (table.columns - 1)
        return [first] + [rest] * (table.columns - 1)
    return [_DOCX_TEXT_WIDTH_MM / table.columns] * table.columns


def _docx_table(document: Any, table: Table) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    head = [list(r) for r in table.head]
    if table.caption_row:
        head.insert(0, [TCell(table.caption, header=True, colspan=table.columns, role="caption")])
    rows = head + table.body
    height = max(r + cell.rowspan for r, _, cell in place(rows))
    word = document.add_table(rows=height, cols=table.columns)
    word.style = "Table Grid"
    word.alignment = WD_TABLE_ALIGNMENT.CENTER
    word.autofit = False
    widths = _docx_widths(table)
    for c, column in enumerate(word.columns):  # the grid (LibreOffice) and each cell (Word)
        column.width = Mm(widths[c])
    for index, row in enumerate(word.rows):
        for c, cell in enumerate(row.cells):
            cell.width = Mm(widths[c])
        if index < len(head):  # repeat the header rows on every page
            properties = row._tr.get_or_add_trPr()
            mark = OxmlElement("w:tblHeader")
            mark.set(qn("w:val"), "true")
            properties.append(mark)
        row._tr.get_or_add_trPr().append(_cant_split())

    size = _DOCX_S3_PT if table.kind == "s3" else _DOCX_TABLE_PT
    for r, c, spec in place(rows):
        cell = word.cell(r, c)
        if spec.rowspan > 1 or spec.colspan > 1:
            cell = cell.merge(word.cell(r + spec.rowspan - 1, c + spec.colspan - 1))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_before = Pt(1)
        paragraph.paragraph_format.space_after = Pt(1)
        paragraph.paragraph_format.line_spacing = 1.0
        paragraph.paragraph_format.first_line_indent = Pt(0)
        left = spec.role == "label" and table.kind == "s3"
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
        # column headers and captions in 黑体 (a heavy face, not bold), labels and figures in 仿宋
        heading = spec.header and spec.role in ("col", "caption")
        font = DOCX_HEADING_FONT if heading else DOCX_BODY_FONT
        _docx_text(paragraph, spec.text, font=font, size=size)
        if spec.adjusted:
            _docx_text(paragraph, ADJUSTED_MARK, font=DOCX_BODY_FONT, size=size)


def _cant_split() -> Any:
    from docx.oxml import OxmlElement

    return OxmlElement("w:cantSplit")


def render_docx(data: Mapping[str, Any], *, extras: Mapping[str, Any] | None = None) -> bytes:
    """The report as a Word document: A4, the same text and tables as the PDF, real Word tables with
    merged cells, 仿宋 body and 黑体 headings declared as East Asian fonts, page numbers in the footer."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from gongkai.applications.letters import _page_number_footer

    view = report_context(data, extras)
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = DOCX_BODY_FONT
    normal.font.size = Pt(_DOCX_BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), DOCX_BODY_FONT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = Pt(26)

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    section.footer_distance = Mm(12)
    _page_number_footer(section)

    def para(
        text: str = "",
        *,
        align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent: bool = True,
        font: str = DOCX_BODY_FONT,
        size: float = _DOCX_BODY_PT,
        bold: bool = False,
    ) -> Any:
        p = document.add_paragraph()
        p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(2 * size)
        if text:
            _docx_text(p, text, font=font, size=size, bold=bold)
        return p

    title = para(view.title, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font=DOCX_HEADING_FONT, size=20)
    title.paragraph_format.line_spacing = Pt(34)
    title.paragraph_format.space_after = Pt(12)
    if view.correction_note or (view.version and view.version > 1):
        label = f"更正说明（第{view.version}版）：" if view.version else "更正说明："
        note = para(label + view.correction_note, indent=False, size=12)
        note.paragraph_format.space_after = Pt(8)
    para(view.intro)

    for sec in view.sections:
        heading = para(sec.heading, font=DOCX_HEADING_FONT, indent=True)
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.space_before = Pt(6)
        for block in sec.blocks:
            if block.kind == "h":
                sub = para(block.lines[0], bold=True)
                sub.paragraph_format.keep_with_next = True
            else:
                p = para()
                for i, line in enumerate(block.lines):
                    if i:
                        p.add_run().add_break()
                    _docx_text(p, line, font=DOCX_BODY_FONT, size=_DOCX_BODY_PT)
        for table in sec.tables:
            _docx_table(document, table)
            if table.has_adjusted:
                para(view.adjusted_note, indent=False, size=10)
            spacer = para(indent=False, size=8)
            spacer.paragraph_format.line_spacing = Pt(8)

    if view.published:
        for text in (view.agency, view.published):
            p = para(text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
            p.paragraph_format.right_indent = Pt(2 * _DOCX_BODY_PT)

    props = document.core_properties
    props.title = view.title
    props.author = view.agency
    props.last_modified_by = view.agency
    props.comments = ""
    props.keywords = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------------------

_XLSX_CELL_MAX = 32767


def render_xlsx(data: Mapping[str, Any], *, extras: Mapping[str, Any] | None = None) -> bytes:
    """The report as a workbook: 报告信息 (agency, year, format, version, the cross-checks and the text of
    sections 一/五/六, one paragraph a row), then one sheet per table (二、三、四) with the template's
    merged cells. Figures are numbers (money with its unit as a number format); every text is a string
    cell, so user text beginning with ``=`` never becomes a formula. Figures entered by hand are shaded
    and carry a comment."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    view = report_context(data, extras)
    workbook = Workbook()
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    shade = PatternFill("solid", fgColor="FFF2CC")
    header_fill = PatternFill("solid", fgColor="EEF1F4")

    def put(sheet: Any, row: int, col: int, value: Any) -> Any:
        cell = sheet.cell(row=row, column=col)
        if isinstance(value, bool):
            value = "是" if value else "否"
        if isinstance(value, int | Decimal):
            cell.value = value
        else:
            text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
            if len(text) > _XLSX_CELL_MAX:
                text = text[: _XLSX_CELL_MAX - 1] + "…"
            cell.value = text
            cell.data_type = "s"  # never a formula, whatever the text begins with
        return cell

    # --- 报告信息 ---
    info = workbook.active
    info.title = "报告信息"
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 90
    info.column_dimensions["C"].width = 10
    info.column_dimensions["D"].width = 10
    put(info, 1, 1, view.title).font = title_font
    info.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    facts: list[tuple[str, Any]] = [
        ("机关代码", view.code),
        ("机关名称", view.agency),
        ("报告年度", view.year),
        ("报告格式", f"《{view.format.title}》（{view.format.issued_with}）"),
    ]
    if view.version:
        facts.append(("版本", view.version))
    if view.correction_note:
        facts.append(("更正说明", view.correction_note))
    if view.published:
        facts.append(("发布日期", view.published_iso))
    row = 3
    for label, value in facts:
        put(info, row, 1, label).font = bold
        put(info, row, 2, value).alignment = left
        row += 1
    row += 1
    put(info, row, 1, "核对结果").font = title_font
    row += 1
    for col, label in enumerate(("规则", "说明", "结果", "级别"), 1):
        cell = put(info, row, col, label)
        cell.font, cell.border, cell.fill = bold, border, header_fill
    info.freeze_panes = None
    for check in view.checks:
        row += 1
        values = (
            check["rule"],
            check["message"],
            "通过" if check["ok"] else "未通过",
            "错误" if check["severity"] == "error" else "提示",
        )
        for col, value in enumerate(values, 1):
            cell = put(info, row, col, value)
            cell.border, cell.alignment = border, wrap
    row += 2
    for sec in view.sections:
        if not sec.blocks:
            continue
        put(info, row, 1, sec.heading).font = bold
        for block in sec.blocks:
            cell = put(info, row, 2, "\n".join(block.lines))
            cell.alignment = wrap
            if block.kind == "h":
                cell.font = bold
            row += 1
        row += 1

    # --- one sheet per table section ---
    for sec in view.sections:
        if not sec.tables:
            continue
        sheet = workbook.create_sheet(sec.heading[:31])
        width = max(t.columns for t in sec.tables)
        put(sheet, 1, 1, sec.heading).font = title_font
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        put(sheet, 2, 1, f"{view.agency}（{view.code}）{view.year}年度").alignment = left
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        top = 4
        for table in sec.tables:
            rows = [list(r) for r in table.head]
            if table.caption_row:
                rows.insert(0, [TCell(table.caption, header=True, colspan=table.columns, role="caption")])
            heads = len(rows)
            rows += table.body
            last = top
            for r, c, spec in place(rows):
                cell = put(sheet, top + r, 1 + c, spec.value if spec.numeric else spec.text)
                if spec.numeric:
                    cell.number_format = spec.number_format
                    cell.alignment = Alignment(horizontal="right", vertical="center")
                else:
                    cell.alignment = left if spec.role == "label" and table.kind == "s3" else centre
                if spec.header and r < heads:
                    cell.font, cell.fill = bold, header_fill
                if spec.adjusted:
                    cell.fill = shade
                    cell.comment = Comment(ADJUSTED_NOTE, "gongkai")
                end_row, end_col = top + r + spec.rowspan - 1, c + spec.colspan
                for rr in range(top + r, end_row + 1):
                    for cc in range(1 + c, end_col + 1):
                        sheet.cell(row=rr, column=cc).border = border
                if spec.rowspan > 1 or spec.colspan > 1:
                    sheet.merge_cells(
                        start_row=top + r, start_column=1 + c, end_row=end_row, end_column=end_col
                    )
                last = max(last, end_row)
            if table.has_adjusted:
                last += 1
                put(sheet, last, 1, view.adjusted_note)
            top = last + 2
        if sec.number == 3:
            widths = [8.0, 14.0, 44.0] + [10.0] * 7
        elif sec.number == 2:
            widths = [24.0] + [16.0] * (width - 1)
        else:
            widths = [10.0] * width
        for index, w in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = w

    workbook.properties.title = view.title
    workbook.properties.creator = view.agency
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
