"""The tables of the annual report (政府信息公开工作年度报告), both national formats. Pure, no Django.

This module is the law's table layout written down as data, plus the arithmetic around it:

* **The formats.** The 2019 format (《中华人民共和国政府信息公开工作年度报告格式（试行）》,
  国办公开办函〔2019〕60号) governs report years 2019 and 2020; the 2021 format (国办公开办函〔2021〕30号)
  governs report years from 2021. Each format lists, for sections 二, 三 and 四, every row and every
  column with the exact Chinese label printed in the template and a stable English key (the keys of
  ``annual-report-keys.json``). Section headings 一 to 六 and the default sub-headings of section 一
  are here too. See ``regulation.md`` §3.
* **The builder.** :func:`build` turns counts (keyed by those keys) into a :class:`Report`; cells not
  given count as 0; the cells that the template defines as sums (the 总计 column and the （七）总计 row of
  section 三, the 总计 columns of section 四) are computed when not given.
* **The cross-checks.** :func:`check` runs the identities that must hold before a report may be
  published (勾稽关系 per column, the 总计 column, the （七）总计 row, last year's 结转 against this
  year's 上年结转, non-negative whole numbers, 部分公开 counted once) and says in Chinese which cell is
  wrong.
* **The direct count.** :func:`count_cases` counts section 三 straight from a list of per-case facts,
  following the counting rules of ``annual-report.md``. It is the reference against which the database
  aggregates are tested.
* **The JSON form.** :func:`to_json` gives the machine-readable report of ``annual-report.md``;
  :func:`report_from_json` reads it back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

FormatKey = Literal["2019", "2021"]
Severity = Literal["error", "warning"]
CellValue = int | Decimal

# ---------------------------------------------------------------------------------------------------------
# The layout, as data
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a table.

    ``kind`` says what may be written in it: ``count`` a whole number of items, never negative;
    ``signed`` a whole number that may be negative (the 2019 format's 本年增/减); ``money`` an amount,
    never negative, with at most ``places`` decimals, in ``unit``.
    """

    key: str
    label: str
    kind: Literal["count", "signed", "money"] = "count"
    unit: str = ""
    places: int = 0
    derived: bool = False  # the template defines this column as a sum of others


@dataclass(frozen=True, slots=True)
class Row:
    """A data row of a table.

    ``label`` is the full label in the form used by ``annual-report-keys.json`` (a row inside a group is
    written ``group / row``, e.g. ``（三）不予公开 / 1.属于国家秘密``); ``text`` is what the row's own cell
    prints (``1.属于国家秘密``); ``group`` the key of the group whose merged cell stands to its left.
    """

    key: str
    label: str
    text: str = ""
    group: str | None = None
    outcome: bool = False  # an outcome row of section 三 (each concluded application is in one)
    derived: bool = False  # the template defines this row as a sum of others

    def __post_init__(self) -> None:
        if not self.text:
            object.__setattr__(self, "text", self.label)


@dataclass(frozen=True, slots=True)
class Group:
    """A merged label cell standing over or beside several rows or columns (no figures of its own)."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Block:
    """One table of section 二: a caption (第二十条第（一）项), the 信息内容 header, rows and columns."""

    key: str
    caption: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    content_header: str = "信息内容"


@dataclass(frozen=True, slots=True)
class Section3:
    """The table of section 三 (收到和处理政府信息公开申请情况)."""

    note: str  # the top-left merged cell
    applicant_header: str  # 申请人情况, over all seven columns
    organisation_header: str  # 法人或其他组织, over the five organisation columns
    organisation_columns: tuple[str, ...]
    results_group: Group  # 三、本年度办理结果, beside the outcome rows and （七）总计
    outcome_groups: tuple[Group, ...]  # （三）不予公开 … : merged cells beside their numbered rows
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    @property
    def applicant_columns(self) -> tuple[str, ...]:
        """The six columns that count applicants (all but 总计)."""
        return tuple(c.key for c in self.columns if not c.derived)

    @property
    def outcome_rows(self) -> tuple[str, ...]:
        """The rows in which a concluded application is counted, once each."""
        return tuple(r.key for r in self.rows if r.outcome)


@dataclass(frozen=True, slots=True)
class Section4:
    """The table of section 四 (行政复议、行政诉讼): one row of three groups of five columns."""

    litigation_header: str  # 行政诉讼, over the two litigation groups
    groups: tuple[Row, ...]  # label in the keys file's form, e.g. ``行政诉讼 / 复议后起诉``
    columns: tuple[Column, ...]


@dataclass(frozen=True, slots=True)
class Format:
    """A national format of the annual report."""

    key: FormatKey
    title: str
    issued_with: str
    applies_to_years: str
    headings: tuple[str, ...]  # 一、总体情况 … 六、其他需要报告的事项
    section1_subheadings: tuple[str, ...]  # editable defaults
    section2: tuple[Block, ...]
    section3: Section3
    section4: Section4

    def block(self, key: str) -> Block:
        """The section 二 table with this key (``art20_1`` …)."""
        for b in self.section2:
            if b.key == key:
                return b
        raise KeyError(key)


HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

SECTION1_SUBHEADINGS = (
    "（一）主动公开",
    "（二）依申请公开",
    "（三）政府信息管理",
    "（四）政府信息公开平台建设",
    "（五）监督保障",
)

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

APPLICANT_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial_enterprise", "商业企业"),
    Column("research_institution", "科研机构"),
    Column("public_interest_org", "社会公益组织"),
    Column("legal_service_org", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计", derived=True),
)

_OUTCOME_GROUPS_2019 = (
    Group("withheld", "（三）不予公开"),
    Group("unavailable", "（四）无法提供"),
    Group("not_processed", "（五）不予处理"),
)
_OUTCOME_GROUPS_2021 = (*_OUTCOME_GROUPS_2019, Group("other", "（六）其他处理"))
_GROUP_LABELS = {g.key: g.label for g in _OUTCOME_GROUPS_2021}


def _sub(key: str, text: str) -> Row:
    group = key.split(".")[0]
    return Row(key, f"{_GROUP_LABELS[group]} / {text}", text=text, group=group, outcome=True)


_HEAD_ROWS = (
    Row("new_received", "一、本年新收政府信息公开申请数量"),
    Row("carried_in", "二、上年结转政府信息公开申请数量"),
    Row("disclosed", "（一）予以公开", outcome=True),
    Row("partially_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", outcome=True),
    _sub("withheld.state_secret", "1.属于国家秘密"),
    _sub("withheld.prohibited_by_law", "2.其他法律行政法规禁止公开"),
    _sub("withheld.security_stability", "3.危及“三安全一稳定”"),
    _sub("withheld.third_party_rights", "4.保护第三方合法权益"),
    _sub("withheld.internal_affairs", "5.属于三类内部事务信息"),
    _sub("withheld.process_information", "6.属于四类过程性信息"),
    _sub("withheld.enforcement_files", "7.属于行政执法案卷"),
    _sub("withheld.query_matters", "8.属于行政查询事项"),
    _sub("unavailable.not_held", "1.本机关不掌握相关政府信息"),
    _sub("unavailable.needs_creation", "2.没有现成信息需要另行制作"),
    _sub("unavailable.unclear_after_supplement", "3.补正后申请内容仍不明确"),
    _sub("not_processed.petition_complaint", "1.信访举报投诉类申请"),
    _sub("not_processed.repeated", "2.重复申请"),
    _sub("not_processed.publication", "3.要求提供公开出版物"),
    _sub("not_processed.excessive", "4.无正当理由大量反复申请"),
    _sub("not_processed.confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息"),
)
_TAIL_ROWS = (
    Row("results_total", "（七）总计", derived=True),
    Row("carried_out", "四、结转下年度继续办理"),
)
_OTHER_ROWS_2021 = (
    _sub("other.no_supplement", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    _sub("other.fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    _sub("other.other", "3.其他"),
)
_OTHER_ROW_2019 = Row("other", "（六）其他处理", outcome=True)


def _section3(rows: tuple[Row, ...], groups: tuple[Group, ...]) -> Section3:
    return Section3(
        note=NOTE,
        applicant_header="申请人情况",
        organisation_header="法人或其他组织",
        organisation_columns=(
            "commercial_enterprise",
            "research_institution",
            "public_interest_org",
            "legal_service_org",
            "other_org",
        ),
        results_group=Group("results", "三、本年度办理结果"),
        outcome_groups=groups,
        columns=APPLICANT_COLUMNS,
        rows=rows,
    )


SECTION4 = Section4(
    litigation_header="行政诉讼",
    groups=(
        Row("reconsideration", "行政复议"),
        Row("litigation_direct", "行政诉讼 / 未经复议直接起诉", text="未经复议直接起诉", group="litigation"),
        Row(
            "litigation_after_reconsideration", "行政诉讼 / 复议后起诉", text="复议后起诉", group="litigation"
        ),
    ),
    columns=(
        Column("upheld", "结果维持"),
        Column("corrected", "结果纠正"),
        Column("other", "其他结果"),
        Column("pending", "尚未审结"),
        Column("total", "总计", derived=True),
    ),
)

_PREVIOUS = Column("previous_items", "上一年项目数量")
_CHANGE = Column("change", "本年增/减", kind="signed")
_DECISIONS_2019 = Column("decisions", "处理决定数量")
_DECISIONS_2021 = Column("decisions", "本年处理决定数量")

FORMAT_2019 = Format(
    key="2019",
    title="中华人民共和国政府信息公开工作年度报告格式（试行）",
    issued_with="国办公开办函〔2019〕60号",
    applies_to_years="2019 and 2020",
    headings=HEADINGS,
    section1_subheadings=SECTION1_SUBHEADINGS,
    section2=(
        Block(
            "art20_1",
            "第二十条第（一）项",
            rows=(Row("rules", "规章"), Row("normative_documents", "规范性文件")),
            columns=(
                Column("made", "本年新制作数量"),
                Column("published", "本年新公开数量"),
                Column("public_total", "对外公开总数量"),
            ),
        ),
        Block(
            "art20_5",
            "第二十条第（五）项",
            rows=(Row("licensing", "行政许可"), Row("other_services", "其他对外管理服务事项")),
            columns=(_PREVIOUS, _CHANGE, _DECISIONS_2019),
        ),
        Block(
            "art20_6",
            "第二十条第（六）项",
            rows=(Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
            columns=(_PREVIOUS, _CHANGE, _DECISIONS_2019),
        ),
        Block(
            "art20_8",
            "第二十条第（八）项",
            rows=(Row("fees", "行政事业性收费"),),
            columns=(_PREVIOUS, _CHANGE),
        ),
        Block(
            "art20_9",
            "第二十条第（九）项",
            rows=(Row("procurement", "政府集中采购"),),
            columns=(
                Column("projects", "采购项目数量"),
                # The template prints no unit; reports write it in the cell ("251000元").
                Column("amount_yuan", "采购总金额", kind="money", unit="元", places=2),
            ),
        ),
    ),
    section3=_section3((*_HEAD_ROWS, _OTHER_ROW_2019, *_TAIL_ROWS), _OUTCOME_GROUPS_2019),
    section4=SECTION4,
)

FORMAT_2021 = Format(
    key="2021",
    title="中华人民共和国政府信息公开工作年度报告格式",
    issued_with="国办公开办函〔2021〕30号",
    applies_to_years="2021 and later",
    headings=HEADINGS,
    section1_subheadings=SECTION1_SUBHEADINGS,
    section2=(
        Block(
            "art20_1",
            "第二十条第（一）项",
            rows=(Row("rules", "规章"), Row("normative_documents", "行政规范性文件")),
            columns=(
                Column("issued", "本年制发件数"),
                Column("repealed", "本年废止件数"),
                Column("in_force", "现行有效件数"),
            ),
        ),
        Block(
            "art20_5",
            "第二十条第（五）项",
            rows=(Row("licensing", "行政许可"),),
            columns=(_DECISIONS_2021,),
        ),
        Block(
            "art20_6",
            "第二十条第（六）项",
            rows=(Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
            columns=(_DECISIONS_2021,),
        ),
        Block(
            "art20_8",
            "第二十条第（八）项",
            rows=(Row("fees", "行政事业性收费"),),
            columns=(
                Column("amount_10k_yuan", "本年收费金额（单位：万元）", kind="money", unit="万元", places=4),
            ),
        ),
    ),
    section3=_section3((*_HEAD_ROWS, *_OTHER_ROWS_2021, *_TAIL_ROWS), _OUTCOME_GROUPS_2021),
    section4=SECTION4,
)

FORMATS: Mapping[FormatKey, Format] = {"2019": FORMAT_2019, "2021": FORMAT_2021}


def format_for_year(year: int) -> FormatKey:
    """The format that governs the report for ``year``: 2019 for 2019–2020, 2021 from 2021.

    Years before 2019 were reported under the 2008 regulation's format, which this system does not
    produce.
    """
    if year < 2019:
        raise ValueError(f"{year}年度报告适用2019年修订前的格式，本系统不生成。")
    return "2019" if year <= 2020 else "2021"


def get_format(fmt: FormatKey | str | Format) -> Format:
    """The :class:`Format` for a format key (``"2019"``/``"2021"``), or the format itself."""
    if isinstance(fmt, Format):
        return fmt
    try:
        return FORMATS[fmt]  # type: ignore[index]
    except KeyError:
        raise ValueError(f"“{fmt}”不是年度报告格式（应为2019或2021）。") from None


# ---------------------------------------------------------------------------------------------------------
# Printed layout: merged header and label cells
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """A printed cell of a header or of the label columns, with how many rows and columns it spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def section2_header(block: Block) -> tuple[tuple[Cell, ...], ...]:
    """The header rows of a section 二 table: the caption across the table, then 信息内容 and the columns."""
    return (
        (Cell(block.caption, colspan=1 + len(block.columns)),),
        (Cell(block.content_header), *(Cell(c.label) for c in block.columns)),
    )


SECTION3_LABEL_COLUMNS = 3  # the label part of section 三 is three cells wide


def section3_header(fmt: FormatKey | str | Format) -> tuple[tuple[Cell, ...], ...]:
    """The three header rows of section 三, as in the template.

    The 勾稽关系 note fills the top-left corner (three rows, three label columns); 申请人情况 spans the
    seven figure columns; under it 自然人 and 总计 span two rows and 法人或其他组织 spans its five columns.
    """
    s3 = get_format(fmt).section3
    labels = {c.key: c.label for c in s3.columns}
    first, *_, last = s3.columns
    return (
        (Cell(s3.note, rowspan=3, colspan=SECTION3_LABEL_COLUMNS), Cell(s3.applicant_header, colspan=7)),
        (
            Cell(first.label, rowspan=2),
            Cell(s3.organisation_header, colspan=len(s3.organisation_columns)),
            Cell(last.label, rowspan=2),
        ),
        tuple(Cell(labels[k]) for k in s3.organisation_columns),
    )


def section3_row_labels(fmt: FormatKey | str | Format) -> tuple[tuple[str, tuple[Cell, ...]], ...]:
    """For each data row of section 三, its key and the label cells that begin on that row.

    一、 二、 and 四、 span all three label columns; 三、本年度办理结果 stands in the first column beside
    （一） to （七）; a group such as （三）不予公开 stands in the second column beside its numbered rows.
    No subtotal row is printed for a group.
    """
    s3 = get_format(fmt).section3
    rows = s3.rows
    results = [r for r in rows if r.outcome or r.key == "results_total"]
    out: list[tuple[str, tuple[Cell, ...]]] = []
    seen_groups: set[str] = set()
    for row in rows:
        cells: list[Cell] = []
        in_results = row in results
        if in_results and row is results[0]:
            cells.append(Cell(s3.results_group.label, rowspan=len(results)))
        if row.group is None:
            cells.append(Cell(row.text, colspan=SECTION3_LABEL_COLUMNS - (1 if in_results else 0)))
        else:
            if row.group not in seen_groups:
                seen_groups.add(row.group)
                size = sum(1 for r in rows if r.group == row.group)
                cells.append(Cell(_GROUP_LABELS[row.group], rowspan=size))
            cells.append(Cell(row.text))
        out.append((row.key, tuple(cells)))
    return tuple(out)


def section4_header(fmt: FormatKey | str | Format) -> tuple[tuple[Cell, ...], ...]:
    """The three header rows of section 四: 行政复议 | 行政诉讼 (未经复议直接起诉 | 复议后起诉), five columns
    each."""
    s4 = get_format(fmt).section4
    n = len(s4.columns)
    first, *litigation = s4.groups
    return (
        (Cell(first.label, colspan=n), Cell(s4.litigation_header, colspan=n * len(litigation))),
        (
            *(Cell(c.label, rowspan=2) for c in s4.columns),
            *(Cell(g.text, colspan=n) for g in litigation),
        ),
        tuple(Cell(c.label) for _ in litigation for c in s4.columns),
    )


def display_value(column: Column, value: CellValue) -> str:
    """A figure as printed: whole numbers as they are; 采购总金额 with 元 (``2792220.8元``); the 2021 fee
    in 万元 with four decimals (``0.0400``), the unit being in the column label."""
    if column.kind != "money":
        return str(value)
    amount = Decimal(value)
    if column.unit == "元":
        text = format(amount.normalize(), "f") if amount else "0"
        return f"{text}元"
    return format(amount.quantize(Decimal(1).scaleb(-column.places)), "f")


# ---------------------------------------------------------------------------------------------------------
# The report and the builder
# ---------------------------------------------------------------------------------------------------------

Section2Values = dict[str, dict[str, dict[str, CellValue]]]
TableValues = dict[str, dict[str, int]]


@dataclass(frozen=True)
class Report:
    """The figures of one annual report in one format.

    ``section2[block][row][column]``, ``section3[row][column]`` and ``section4[group][column]``, every
    key as in the format. Build it with :func:`build`, which fills every cell; the year, the agency and
    the narrative text are not part of the tables and are supplied to :func:`to_json` by the caller.
    """

    format: Format
    section2: Section2Values
    section3: TableValues
    section4: TableValues


class ReportInputError(ValueError):
    """The figures given to :func:`build` cannot form a report (an unknown cell or a value of the wrong
    kind). The message, in Chinese, names the cell."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(value: object, where: str, *, signed: bool, strict: bool) -> int:
    if not _is_int(value):
        raise ReportInputError(f"{where}应为整数，现为“{value!r}”。")
    assert isinstance(value, int)
    if strict and not signed and value < 0:
        raise ReportInputError(f"{where}不能为负数，现为{value}。")
    return value


def _money(value: object, column: Column, where: str, *, strict: bool) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise ReportInputError(f"{where}应为金额（整数或小数，单位：{column.unit}），现为“{value!r}”。")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ReportInputError(f"{where}应为金额（单位：{column.unit}），现为“{value}”。") from None
    if not amount.is_finite():
        raise ReportInputError(f"{where}应为金额（单位：{column.unit}），现为“{value}”。")
    step = Decimal(1).scaleb(-column.places)
    if amount != amount.quantize(step):
        raise ReportInputError(f"{where}最多保留{column.places}位小数（单位：{column.unit}），现为{value}。")
    if strict and amount < 0:
        raise ReportInputError(f"{where}不能为负数，现为{value}。")
    return amount.quantize(step)


def _unknown(given: Mapping[str, Any], known: Iterable[str], where: str) -> None:
    extra = sorted(set(given) - set(known))
    if extra:
        raise ReportInputError(f"{where}没有“{'”“'.join(extra)}”这一项。")


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ReportInputError(f"{where}应为按项目分列的数据。")
    return value


def cell_name(fmt: FormatKey | str | Format, path: str) -> str:
    """The Chinese name of a cell, from its path such as ``section3.carried_in.natural_person``:
    ``第三部分“二、上年结转政府信息公开申请数量”行“自然人”列``."""
    f = get_format(fmt)
    section, _, rest = path.partition(".")
    if section == "section2":
        block_key, row_key, col_key = rest.split(".")
        block = f.block(block_key)
        row = next(r for r in block.rows if r.key == row_key)
        col = next(c for c in block.columns if c.key == col_key)
        return f"第二部分{block.caption}“{row.label}”行“{col.label}”列"
    if section == "section3":
        # row keys contain dots (withheld.state_secret); the column key is the last part
        row_key, _, col_key = rest.rpartition(".")
        row = next(r for r in f.section3.rows if r.key == row_key)
        col = next(c for c in f.section3.columns if c.key == col_key)
        return f"第三部分“{row.label}”行“{col.label}”列"
    if section == "section4":
        group_key, col_key = rest.split(".")
        group = next(g for g in f.section4.groups if g.key == group_key)
        col = next(c for c in f.section4.columns if c.key == col_key)
        return f"第四部分“{group.label}”“{col.label}”"
    raise ValueError(path)


def build(fmt: FormatKey | str | Format, counts: Mapping[str, Any], *, strict: bool = True) -> Report:
    """Build the report tables of a format from counts.

    ``counts`` has up to three parts, ``section2``, ``section3`` and ``section4``, nested exactly as in
    the JSON output (``counts["section3"]["carried_in"]["natural_person"]``). Every cell not given is 0.
    The cells the template defines as sums are computed when not given: the 总计 column of section 三
    (the six applicant columns added up), its （七）总计 row (all outcome rows added up), and the 总计 of
    each group of section 四 (the other four). A sum that *is* given — for instance a figure entered by
    hand — is kept as given, so that :func:`check` can show whether it adds up.

    Counts must be whole numbers; money (采购总金额 in 元, 2 decimals; the 2021 fee in 万元, 4
    decimals) is given as an integer, a :class:`~decimal.Decimal` or a decimal string. An unknown cell,
    or a value of the wrong kind, raises :class:`ReportInputError`. With ``strict`` (the default) a
    negative figure is refused too; with ``strict=False`` it is kept so that :func:`check` reports it
    (used when reading back a stored report).
    """
    f = get_format(fmt)
    _unknown(counts, ("section2", "section3", "section4"), "年度报告")

    given2 = _mapping(counts.get("section2", {}), "第二部分")
    _unknown(given2, (b.key for b in f.section2), "第二部分")
    section2: Section2Values = {}
    for block in f.section2:
        given_block = _mapping(given2.get(block.key, {}), f"第二部分{block.caption}")
        _unknown(given_block, (r.key for r in block.rows), f"第二部分{block.caption}")
        section2[block.key] = {}
        for row in block.rows:
            given_row = _mapping(given_block.get(row.key, {}), f"第二部分{block.caption}“{row.label}”行")
            _unknown(given_row, (c.key for c in block.columns), f"第二部分{block.caption}“{row.label}”行")
            values: dict[str, CellValue] = {}
            for col in block.columns:
                where = cell_name(f, f"section2.{block.key}.{row.key}.{col.key}")
                raw = given_row.get(col.key, 0)
                if col.kind == "money":
                    values[col.key] = _money(raw, col, where, strict=strict)
                else:
                    values[col.key] = _count(raw, where, signed=col.kind == "signed", strict=strict)
            section2[block.key][row.key] = values

    s3 = f.section3
    given3 = _mapping(counts.get("section3", {}), "第三部分")
    _unknown(given3, (r.key for r in s3.rows), "第三部分")
    section3: TableValues = {}
    for row in s3.rows:
        given_row = _mapping(given3.get(row.key, {}), f"第三部分“{row.label}”行")
        _unknown(given_row, (c.key for c in s3.columns), f"第三部分“{row.label}”行")
        section3[row.key] = {
            col: _count(v, cell_name(f, f"section3.{row.key}.{col}"), signed=False, strict=strict)
            for col, v in given_row.items()
        }
    for col_key in s3.applicant_columns:
        for row in s3.rows:
            if not row.derived:
                section3[row.key].setdefault(col_key, 0)
        section3["results_total"].setdefault(col_key, sum(section3[r][col_key] for r in s3.outcome_rows))
    for row in s3.rows:
        section3[row.key].setdefault("total", sum(section3[row.key][c] for c in s3.applicant_columns))
        section3[row.key] = {c.key: section3[row.key][c.key] for c in s3.columns}

    s4 = f.section4
    given4 = _mapping(counts.get("section4", {}), "第四部分")
    _unknown(given4, (g.key for g in s4.groups), "第四部分")
    section4: TableValues = {}
    for group in s4.groups:
        given_group = _mapping(given4.get(group.key, {}), f"第四部分“{group.label}”")
        _unknown(given_group, (c.key for c in s4.columns), f"第四部分“{group.label}”")
        values4 = {
            c.key: _count(
                given_group.get(c.key, 0),
                cell_name(f, f"section4.{group.key}.{c.key}"),
                signed=False,
                strict=strict,
            )
            for c in s4.columns
            if not c.derived or c.key in given_group
        }
        values4.setdefault("total", sum(v for k, v in values4.items() if k != "total"))
        section4[group.key] = {c.key: values4[c.key] for c in s4.columns}

    return Report(format=f, section2=section2, section3=section3, section4=section4)


# ---------------------------------------------------------------------------------------------------------
# Cross-checks
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one cross-check.

    ``rule`` identifies the identity checked and where (``balance:natural_person``); ``ok`` whether it
    holds; ``severity`` whether a failure blocks publishing (``error``) or only calls for an
    explanation (``warning``); ``message`` says in Chinese what was compared, naming the cells;
    ``cells`` are the paths of the cells concerned (``section3.carried_in.natural_person``), for
    linking to the cases behind them.
    """

    rule: str
    ok: bool
    severity: Severity
    message: str
    cells: tuple[str, ...] = field(default=())


def _value(table: Mapping[str, Mapping[str, object]], row: str, col: str) -> object:
    return table.get(row, {}).get(col)


def _num(value: object) -> int:
    return value if isinstance(value, int) else 0


def check(
    report: Report,
    previous: Report | None = None,
    previous_entered_by_hand: bool = False,
    cases: Iterable[CaseFact] | None = None,
) -> list[Check]:
    """Run every cross-check of the annual report and return them all, passed or not.

    * ``nonnegative:section2|section3|section4`` — every cell is a whole number not below zero (money
      an amount not below zero; the 2019 format's 本年增/减 may be negative).
    * ``total_column:<row>`` — in section 三, 总计 equals the six applicant columns added up.
    * ``results_total:<column>`` — （七）总计 equals all outcome rows added up.
    * ``balance:<column>`` — the printed 勾稽关系: 一 + 二 = 三（七）总计 + 四, for each column.
    * ``section4_total:<group>`` — in section 四, 总计 equals 维持 + 纠正 + 其他 + 尚未审结.
    * ``carry_over:<column>`` — with last year's report: this year's 二、上年结转 equals last year's
      四、结转下年度继续办理. A failure is an error, but only a warning when last year's figures were
      entered by hand (``previous_entered_by_hand``), since they could not be traced to cases.
    * ``partial_once`` and ``counted_once`` — with the per-case facts behind section 三 (``cases``):
      no application is counted twice, in particular none counted as 部分公开 and in another row too.
      The tables alone cannot show this (a case counted twice keeps every sum balanced), so these two
      run only when the cases are supplied; see :func:`check_cases`.
    """
    f = report.format
    s3 = f.section3
    out: list[Check] = []

    out.extend(_check_nonnegative(report))

    cols = [c.key for c in s3.columns]
    for row in s3.rows:
        total = _value(report.section3, row.key, "total")
        parts = [_num(_value(report.section3, row.key, c)) for c in s3.applicant_columns]
        ok = total == sum(parts)
        cells = tuple(f"section3.{row.key}.{c}" for c in cols)
        message = (
            f"第三部分“{row.label}”行：总计{total}"
            + ("等于" if ok else "不等于")
            + f"六类申请人之和{'＋'.join(map(str, parts))}＝{sum(parts)}。"
        )
        out.append(Check(f"total_column:{row.key}", ok, "error", message, cells))

    for col in s3.columns:
        total = _value(report.section3, "results_total", col.key)
        parts = [_num(_value(report.section3, r, col.key)) for r in s3.outcome_rows]
        ok = total == sum(parts)
        message = (
            f"第三部分“{col.label}”列：（七）总计{total}"
            + ("等于" if ok else "不等于")
            + f"（一）至（六）各项办理结果之和{sum(parts)}。"
        )
        cells = (f"section3.results_total.{col.key}", *(f"section3.{r}.{col.key}" for r in s3.outcome_rows))
        out.append(Check(f"results_total:{col.key}", ok, "error", message, cells))

    for col in s3.columns:
        new, carried_in, results, carried_out = (
            _num(_value(report.section3, r, col.key))
            for r in ("new_received", "carried_in", "results_total", "carried_out")
        )
        ok = new + carried_in == results + carried_out
        message = (
            f"第三部分“{col.label}”列勾稽关系：一、本年新收{new}＋二、上年结转{carried_in}"
            + f"＝{new + carried_in}，"
            + ("等于" if ok else "不等于")
            + f"（七）总计{results}＋四、结转下年度继续办理{carried_out}＝{results + carried_out}。"
        )
        cells = tuple(
            f"section3.{r}.{col.key}" for r in ("new_received", "carried_in", "results_total", "carried_out")
        )
        out.append(Check(f"balance:{col.key}", ok, "error", message, cells))

    s4 = f.section4
    for group in s4.groups:
        total = _value(report.section4, group.key, "total")
        parts = [_num(_value(report.section4, group.key, c.key)) for c in s4.columns if not c.derived]
        ok = total == sum(parts)
        message = (
            f"第四部分“{group.label}”：总计{total}"
            + ("等于" if ok else "不等于")
            + f"结果维持、结果纠正、其他结果、尚未审结之和{'＋'.join(map(str, parts))}＝{sum(parts)}。"
        )
        cells = tuple(f"section4.{group.key}.{c.key}" for c in s4.columns)
        out.append(Check(f"section4_total:{group.key}", ok, "error", message, cells))

    if previous is not None:
        severity: Severity = "warning" if previous_entered_by_hand else "error"
        for col in s3.columns:
            now = _value(report.section3, "carried_in", col.key)
            before = _value(previous.section3, "carried_out", col.key)
            ok = now == before
            message = (
                f"第三部分“{col.label}”列：本年“二、上年结转政府信息公开申请数量”{now}"
                + ("等于" if ok else "不等于")
                + f"上年“四、结转下年度继续办理”{before}"
                + ("（上年数据为手工填报）" if previous_entered_by_hand else "")
                + "。"
            )
            out.append(
                Check(f"carry_over:{col.key}", ok, severity, message, (f"section3.carried_in.{col.key}",))
            )

    if cases is not None:
        out.extend(check_cases(cases))
    return out


def _check_nonnegative(report: Report) -> list[Check]:
    f = report.format
    bad: dict[str, list[str]] = {"section2": [], "section3": [], "section4": []}
    for block in f.section2:
        for row in block.rows:
            for col in block.columns:
                v = report.section2.get(block.key, {}).get(row.key, {}).get(col.key)
                path = f"section2.{block.key}.{row.key}.{col.key}"
                if col.kind == "money":
                    good = isinstance(v, int | Decimal) and not isinstance(v, bool) and v >= 0
                elif col.kind == "signed":
                    good = _is_int(v)
                else:
                    good = _is_int(v) and isinstance(v, int) and v >= 0
                if not good:
                    bad["section2"].append(path)
    for row in f.section3.rows:
        for col3 in f.section3.columns:
            v3 = _value(report.section3, row.key, col3.key)
            if not (isinstance(v3, int) and _is_int(v3) and v3 >= 0):
                bad["section3"].append(f"section3.{row.key}.{col3.key}")
    for group in f.section4.groups:
        for col4 in f.section4.columns:
            v4 = _value(report.section4, group.key, col4.key)
            if not (isinstance(v4, int) and _is_int(v4) and v4 >= 0):
                bad["section4"].append(f"section4.{group.key}.{col4.key}")
    names = {"section2": "第二部分", "section3": "第三部分", "section4": "第四部分"}
    out = []
    for section, paths in bad.items():
        if paths:
            listed = "；".join(f"{cell_name(f, p)}（{_lookup(report, p)!r}）" for p in paths)
            message = f"以下单元格应为非负整数（金额应为非负数）：{listed}。"
        else:
            message = f"{names[section]}各单元格均为非负整数。"
        out.append(Check(f"nonnegative:{section}", not paths, "error", message, tuple(paths)))
    return out


def _lookup(report: Report, path: str) -> object:
    section, rest = path.split(".", 1)
    if section == "section2":
        block, row, col = rest.split(".")
        return report.section2.get(block, {}).get(row, {}).get(col)
    if section == "section3":
        row, _, col = rest.rpartition(".")
        return _value(report.section3, row, col)
    group, col = rest.split(".")
    return _value(report.section4, group, col)


# ---------------------------------------------------------------------------------------------------------
# The direct count from per-case facts
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseFact:
    """What the report needs to know of one application.

    ``applicant`` is the section 三 column of the applicant's kind (``natural_person`` …
    ``other_org``); ``received_year`` the year of the receipt date; ``concluded_year`` the year of the
    reply or of the decision that ended the case, ``None`` while it is open; ``outcome`` the outcome row
    key (``withheld.state_secret`` …; the 2021 keys, or ``other`` for a case recorded only as 其他处理 in
    a 2019-format year), ``None`` while open. ``case_id`` identifies the case, so that a case counted
    twice can be found.
    """

    applicant: str
    received_year: int
    concluded_year: int | None
    outcome: str | None
    case_id: str | int | None = None


OUTCOME_KEYS: tuple[str, ...] = FORMAT_2021.section3.outcome_rows


def outcome_row(outcome: str, fmt: FormatKey | str | Format) -> str:
    """The section 三 row in which an application with this outcome is counted in a format.

    The 2019 format has a single row （六）其他处理 for the three ``other.*`` outcomes of the 2021
    format. An application recorded only as ``other`` (其他处理, without the reason) can be counted in
    the 2019 format only.
    """
    f = get_format(fmt)
    if f.key == "2019" and (outcome == "other" or (outcome.startswith("other.") and outcome in OUTCOME_KEYS)):
        return "other"
    if outcome in f.section3.outcome_rows:
        return outcome
    if outcome == "other":
        raise ValueError(
            "2021年格式须区分其他处理的具体情形（逾期不补正、逾期未缴费或其他），不能只填“其他处理”。"
        )
    raise ValueError(f"“{outcome}”不是年报第三部分的办理结果。")


def count_cases(cases: Iterable[CaseFact], year: int) -> TableValues:
    """Count section 三 for report ``year`` straight from per-case facts (the rules of
    ``annual-report.md``), every cell including the totals, in the format of that year:

    * 一、本年新收: received in the year;
    * 二、上年结转: received before the year and not concluded by 31 December of the year before;
    * outcome rows: concluded in the year, each in the one row of its outcome;
    * （七）总计: concluded in the year;
    * 四、结转下年度继续办理: received in or before the year and not concluded by its 31 December;
    * 总计 column: every applicant kind together.

    A fact that cannot be true (an unknown applicant kind or outcome, concluded before received, an
    outcome without a conclusion or the reverse) raises :class:`ValueError`.
    """
    f = get_format(format_for_year(year))
    s3 = f.section3
    applicant_columns = s3.applicant_columns
    table: TableValues = {r.key: dict.fromkeys((c.key for c in s3.columns), 0) for r in s3.rows}

    def add(row: str, col: str) -> None:
        table[row][col] += 1
        table[row]["total"] += 1

    for case in cases:
        if case.applicant not in applicant_columns:
            raise ValueError(f"“{case.applicant}”不是申请人类型。")
        if (case.concluded_year is None) != (case.outcome is None):
            raise ValueError(f"案件{case.case_id or ''}：办结年份与办理结果应同时填写或同时为空。")
        if case.concluded_year is not None and case.concluded_year < case.received_year:
            raise ValueError(f"案件{case.case_id or ''}：办结年份早于收到年份。")
        if case.outcome is not None and case.outcome not in ("other", *OUTCOME_KEYS):
            raise ValueError(f"“{case.outcome}”不是年报第三部分的办理结果。")
        col = case.applicant
        done = case.concluded_year
        if case.received_year == year:
            add("new_received", col)
        if case.received_year < year and (done is None or done >= year):
            add("carried_in", col)
        if done == year:
            assert case.outcome is not None
            add(outcome_row(case.outcome, f), col)
            add("results_total", col)
        if case.received_year <= year and (done is None or done > year):
            add("carried_out", col)
    return table


def check_cases(cases: Iterable[CaseFact]) -> list[Check]:
    """Check that no application is counted twice in the facts behind section 三.

    The template prints: 部分公开（区分处理的，只计这一情形，不计其他情形）. A :class:`CaseFact` carries
    one outcome, so a case can be counted in two rows only if it appears twice (for instance a query
    returning one line per document of a case). ``partial_once`` fails when a case appears as 部分公开
    and again; ``counted_once`` fails when any other case appears more than once. Facts without
    ``case_id`` cannot be compared and are passed over.
    """
    facts = [c for c in cases if c.case_id is not None]
    seen = Counter(c.case_id for c in facts)
    repeated = {k for k, n in seen.items() if n > 1}
    partial = {c.case_id for c in facts if c.outcome == "partially_disclosed"} & repeated
    others = repeated - partial

    def ids(keys: set[str | int | None]) -> str:
        return "、".join(sorted(map(str, keys)))

    return [
        Check(
            "partial_once",
            not partial,
            "error",
            f"以下申请计为部分公开，又重复计入其他情形：{ids(partial)}。"
            if partial
            else "部分公开的申请只计这一情形，不计其他情形。",
        ),
        Check(
            "counted_once",
            not others,
            "error",
            f"以下申请被重复计数：{ids(others)}。" if others else "每件申请只计数一次。",
        ),
    ]


# ---------------------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------------------


def _json_number(value: CellValue) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def to_json(
    report: Report,
    *,
    year: int,
    agency: Mapping[str, str],
    text: Mapping[str, str] | None = None,
    checks: Sequence[Check] | None = None,
) -> dict[str, Any]:
    """The report in the JSON shape of ``annual-report.md``: ``format``, ``year``, ``agency``
    (``{"code", "name"}``), ``section2``, ``section3``, ``section4``, ``checks`` and ``text``
    (``section1``, ``section5``, ``section6``).

    Money is written as a JSON number (an integer when whole). Each check is written as ``rule``,
    ``ok``, ``severity`` and ``message``; when ``checks`` is not given, :func:`check` is run without
    last year's report. ``year`` must fall under the report's format.
    """
    f = report.format
    if format_for_year(year) != f.key:
        raise ValueError(f"{year}年度报告应使用{format_for_year(year)}年格式，而不是{f.key}年格式。")
    if checks is None:
        checks = check(report)
    body = text or {}
    return {
        "format": f.key,
        "year": year,
        "agency": {"code": agency["code"], "name": agency["name"]},
        "section2": {
            b.key: {
                r.key: {c.key: _json_number(report.section2[b.key][r.key][c.key]) for c in b.columns}
                for r in b.rows
            }
            for b in f.section2
        },
        "section3": {
            r.key: {c.key: report.section3[r.key][c.key] for c in f.section3.columns} for r in f.section3.rows
        },
        "section4": {
            g.key: {c.key: report.section4[g.key][c.key] for c in f.section4.columns}
            for g in f.section4.groups
        },
        "checks": [
            {"rule": c.rule, "ok": c.ok, "severity": c.severity, "message": c.message} for c in checks
        ],
        "text": {k: body.get(k, "") for k in ("section1", "section5", "section6")},
    }


def report_from_json(data: Mapping[str, Any]) -> Report:
    """Read back a report written by :func:`to_json` (the tables only; sums kept as written, negative
    figures kept so that :func:`check` reports them). Money written as a JSON number is read through
    its decimal text."""
    fmt = get_format(str(data["format"]))
    sections = {k: data[k] for k in ("section2", "section3", "section4") if k in data}
    if "section2" in sections:
        sections["section2"] = {
            b: {
                r: {c: (Decimal(str(v)) if isinstance(v, float) else v) for c, v in cols.items()}
                for r, cols in rows.items()
            }
            for b, rows in sections["section2"].items()
        }
    return build(fmt, sections, strict=False)
