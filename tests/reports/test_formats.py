"""The annual report's table model (pure): labels and layout of both formats, builder, checks, counting."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.applications import outcomes
from gongkai.reports import formats as F
from gongkai.reports.formats import CaseFact, Cell, build, check, count_cases

KEYS_FILE = Path(F.__file__).with_name("annual-report-keys.json")
SHARED_KEYS_FILE = Path("/work/shared/spec/annual-report-keys.json")
KEYS = json.loads(KEYS_FILE.read_text(encoding="utf-8"))
FORMAT_KEYS = ("2019", "2021")
APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)


def pairs(items):
    return [[x.key, x.label] for x in items]


# --- the keys file ---------------------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_KEYS_FILE.exists(), reason="the shared spec is not checked out here")
def test_keys_copy_equals_the_shared_spec():
    assert json.loads(SHARED_KEYS_FILE.read_text(encoding="utf-8")) == KEYS


def test_keys_file_has_both_formats():
    assert set(KEYS) == set(FORMAT_KEYS) == set(F.FORMATS)


# --- golden: labels --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", FORMAT_KEYS)
def test_section2_labels_equal_the_keys_file(key):
    fmt, spec = F.FORMATS[key], KEYS[key]["section2"]
    assert [b.key for b in fmt.section2] == list(spec)
    for block in fmt.section2:
        assert block.caption == spec[block.key]["caption"]
        assert pairs(block.rows) == spec[block.key]["rows"]
        assert pairs(block.columns) == spec[block.key]["columns"]
        assert block.content_header == "信息内容"


@pytest.mark.parametrize("key", FORMAT_KEYS)
def test_section3_labels_equal_the_keys_file(key):
    fmt, spec = F.FORMATS[key], KEYS[key]["section3"]
    assert pairs(fmt.section3.columns) == spec["columns"]
    assert pairs(fmt.section3.rows) == spec["rows"]


@pytest.mark.parametrize("key", FORMAT_KEYS)
def test_section4_labels_equal_the_keys_file(key):
    fmt, spec = F.FORMATS[key], KEYS[key]["section4"]
    assert pairs(fmt.section4.groups) == spec["groups"]
    assert pairs(fmt.section4.columns) == spec["columns"]


@pytest.mark.parametrize("key", FORMAT_KEYS)
def test_applies_to_years_equals_the_keys_file(key):
    assert F.FORMATS[key].applies_to_years == KEYS[key]["applies_to_years"]


def test_outcomes_module_uses_the_same_keys_and_labels():
    """applications/outcomes.py and the report agree on every outcome row (2021 keys and labels)."""
    rows_2021 = dict(KEYS["2021"]["section3"]["rows"])
    assert outcomes.KEYS == F.OUTCOME_KEYS
    for key in outcomes.KEYS:
        assert outcomes.full_label(key) == rows_2021[key]
        for year in (2019, 2020, 2021, 2024):
            assert outcomes.report_row(key, year) == F.outcome_row(key, F.format_for_year(year))


# --- golden: layout --------------------------------------------------------------------------------------

ROWS_HEAD = [
    "new_received",
    "carried_in",
    "disclosed",
    "partially_disclosed",
    "withheld.state_secret",
    "withheld.prohibited_by_law",
    "withheld.security_stability",
    "withheld.third_party_rights",
    "withheld.internal_affairs",
    "withheld.process_information",
    "withheld.enforcement_files",
    "withheld.query_matters",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.unclear_after_supplement",
    "not_processed.petition_complaint",
    "not_processed.repeated",
    "not_processed.publication",
    "not_processed.excessive",
    "not_processed.confirm_or_reissue",
]
ROWS = {
    "2019": [*ROWS_HEAD, "other", "results_total", "carried_out"],
    "2021": [
        *ROWS_HEAD,
        "other.no_supplement",
        "other.fee_unpaid",
        "other.other",
        "results_total",
        "carried_out",
    ],
}


@pytest.mark.parametrize("key", FORMAT_KEYS)
def test_section3_row_and_column_order(key):
    s3 = F.FORMATS[key].section3
    assert [r.key for r in s3.rows] == ROWS[key]
    assert len(s3.rows) == {"2019": 23, "2021": 25}[key]
    assert [c.key for c in s3.columns] == [*APPLICANTS, "total"]
    assert s3.applicant_columns == APPLICANTS
    assert s3.outcome_rows == tuple(ROWS[key][2:-2])


def test_section2_layout():
    assert [b.key for b in F.FORMAT_2019.section2] == ["art20_1", "art20_5", "art20_6", "art20_8", "art20_9"]
    assert [b.key for b in F.FORMAT_2021.section2] == ["art20_1", "art20_5", "art20_6", "art20_8"]
    assert F.section2_header(F.FORMAT_2019.block("art20_1")) == (
        (Cell("第二十条第（一）项", colspan=4),),
        (Cell("信息内容"), Cell("本年新制作数量"), Cell("本年新公开数量"), Cell("对外公开总数量")),
    )


def test_units():
    amount_2019 = F.FORMAT_2019.block("art20_9").columns[1]
    fee_2021 = F.FORMAT_2021.block("art20_8").columns[0]
    assert (amount_2019.kind, amount_2019.unit, amount_2019.places) == ("money", "元", 2)
    assert (fee_2021.kind, fee_2021.unit, fee_2021.places) == ("money", "万元", 4)
    assert F.display_value(amount_2019, Decimal("2792220.80")) == "2792220.8元"
    assert F.display_value(amount_2019, Decimal("251000.00")) == "251000元"
    assert F.display_value(amount_2019, Decimal("0.00")) == "0元"
    assert F.display_value(fee_2021, Decimal("0.04")) == "0.0400"
    assert F.display_value(fee_2021, 0) == "0.0000"
    assert F.FORMAT_2019.block("art20_5").columns[1].kind == "signed"


@pytest.mark.parametrize("key", FORMAT_KEYS)
def test_headings_and_subheadings(key):
    fmt = F.FORMATS[key]
    assert fmt.headings == (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    )
    assert fmt.section1_subheadings == (
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）政府信息公开平台建设",
        "（五）监督保障",
    )
    assert fmt.issued_with == {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}[key]


def tile(rows_of_cells, width):
    """Lay out cells with spans as HTML does; return the grid of who fills each slot (fails on overlap)."""
    grid: dict[tuple[int, int], str] = {}
    for r, cells in enumerate(rows_of_cells):
        c = 0
        for cell in cells:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    assert (r + dr, c + dc) not in grid, (cell, r, c)
                    grid[(r + dr, c + dc)] = cell.text
            c += cell.colspan
    height = len(rows_of_cells)
    assert set(grid) == {(r, c) for r in range(height) for c in range(width)}, "not a full rectangle"
    return grid


@pytest.mark.parametrize("key", FORMAT_KEYS)
def test_section3_header_is_the_template(key):
    header = F.section3_header(key)
    grid = tile([list(row) for row in header], 3 + 7)
    assert grid[(0, 0)] == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert [grid[(0, c)] for c in range(3, 10)] == ["申请人情况"] * 7
    assert [grid[(1, c)] for c in range(3, 10)] == ["自然人", *["法人或其他组织"] * 5, "总计"]
    assert [grid[(2, c)] for c in range(3, 10)] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]


@pytest.mark.parametrize("key", FORMAT_KEYS)
def test_section3_label_cells_tile_three_columns(key):
    labels = F.section3_row_labels(key)
    assert [k for k, _ in labels] == ROWS[key]
    grid = tile([list(cells) for _, cells in labels], 3)
    by_key = {k: i for i, k in enumerate(ROWS[key])}
    assert grid[(by_key["new_received"], 2)] == "一、本年新收政府信息公开申请数量"
    assert grid[(by_key["disclosed"], 0)] == grid[(by_key["results_total"], 0)] == "三、本年度办理结果"
    assert grid[(by_key["carried_out"], 0)] == "四、结转下年度继续办理"
    assert grid[(by_key["withheld.query_matters"], 1)] == "（三）不予公开"
    assert grid[(by_key["withheld.query_matters"], 2)] == "8.属于行政查询事项"
    assert grid[(by_key["not_processed.repeated"], 1)] == "（五）不予处理"
    if key == "2021":
        assert grid[(by_key["other.other"], 1)] == "（六）其他处理"
        assert grid[(by_key["other.other"], 2)] == "3.其他"
    else:
        assert grid[(by_key["other"], 1)] == grid[(by_key["other"], 2)] == "（六）其他处理"
    # no subtotal row is printed for a group
    assert all("小计" not in cell.text for _, cells in labels for cell in cells)


def test_section4_header_is_the_template():
    grid = tile([list(row) for row in F.section4_header("2021")], 15)
    assert [grid[(0, c)] for c in range(15)] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    assert [grid[(1, c)] for c in range(5, 15)] == ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5
    assert [grid[(2, c)] for c in range(15)] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3


@pytest.mark.parametrize(("year", "fmt"), [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2035, "2021")])
def test_format_for_year(year, fmt):
    assert F.format_for_year(year) == fmt


def test_format_for_year_before_2019():
    with pytest.raises(ValueError, match="2018"):
        F.format_for_year(2018)
    with pytest.raises(ValueError):
        F.get_format("2008")


# --- builder ---------------------------------------------------------------------------------------------


def test_missing_cells_are_zero_and_sums_are_computed():
    report = build(
        "2021",
        {
            "section3": {
                "new_received": {"natural_person": 5, "legal_service_org": 2},
                "carried_in": {"natural_person": 1},
                "disclosed": {"natural_person": 3},
                "withheld.state_secret": {"legal_service_org": 1},
                "carried_out": {"natural_person": 3, "legal_service_org": 1},
            },
            "section4": {"reconsideration": {"upheld": 3, "corrected": 1, "pending": 1}},
        },
    )
    s3 = report.section3
    assert s3["new_received"] == {
        "natural_person": 5,
        "commercial_enterprise": 0,
        "research_institution": 0,
        "public_interest_org": 0,
        "legal_service_org": 2,
        "other_org": 0,
        "total": 7,
    }
    assert s3["results_total"]["natural_person"] == 3
    assert s3["results_total"]["legal_service_org"] == 1
    assert s3["results_total"]["total"] == 4
    assert s3["other.fee_unpaid"]["total"] == 0
    assert report.section4["reconsideration"] == {
        "upheld": 3,
        "corrected": 1,
        "other": 0,
        "pending": 1,
        "total": 5,
    }
    assert report.section4["litigation_direct"]["total"] == 0
    assert report.section2["art20_1"]["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert report.section2["art20_8"]["fees"]["amount_10k_yuan"] == Decimal("0.0000")
    assert all(c.ok for c in check(report))


def test_given_sums_are_kept_for_the_checks_to_see():
    report = build("2021", {"section3": {"new_received": {"natural_person": 5, "total": 6}}})
    assert report.section3["new_received"]["total"] == 6
    failed = {c.rule for c in check(report) if not c.ok}
    assert "total_column:new_received" in failed


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"section3": {"received": {}}}, "received"),
        ({"section3": {"new_received": {"person": 1}}}, "person"),
        ({"section5": {}}, "section5"),
        ({"section2": {"art20_9": {}}}, "art20_9"),  # the 2021 format has no （九）
        ({"section3": {"other": {"natural_person": 1}}}, "other"),  # 2021: 其他处理 has three rows
        ({"section4": {"reconsideration": {"upheld": -1}}}, "不能为负数"),
        ({"section3": {"new_received": {"natural_person": 1.0}}}, "应为整数"),
        ({"section3": {"new_received": {"natural_person": True}}}, "应为整数"),
        ({"section3": {"new_received": {"natural_person": "3"}}}, "应为整数"),
        ({"section2": {"art20_8": {"fees": {"amount_10k_yuan": "0.00001"}}}}, "最多保留4位小数"),
        ({"section2": {"art20_8": {"fees": {"amount_10k_yuan": "-1"}}}}, "不能为负数"),
        ({"section2": {"art20_8": {"fees": {"amount_10k_yuan": 0.5}}}}, "应为金额"),
        ({"section2": {"art20_8": {"fees": {"amount_10k_yuan": "abc"}}}}, "应为金额"),
        ({"section2": {"art20_8": {"fees": {"amount_10k_yuan": "NaN"}}}}, "应为金额"),
    ],
)
def test_bad_input_is_refused_naming_the_cell(counts, message):
    with pytest.raises(F.ReportInputError, match=message):
        build("2021", counts)


def test_2019_format_cells():
    report = build(
        "2019",
        {
            "section2": {
                "art20_5": {"licensing": {"previous_items": 30, "change": -2, "decisions": 1200}},
                "art20_9": {"procurement": {"projects": 3, "amount_yuan": "2792220.8"}},
            },
            "section3": {"other": {"natural_person": 2}, "new_received": {"natural_person": 2}},
        },
    )
    assert report.section2["art20_5"]["licensing"]["change"] == -2
    assert report.section2["art20_9"]["procurement"]["amount_yuan"] == Decimal("2792220.80")
    assert all(c.ok for c in check(report))
    with pytest.raises(F.ReportInputError, match="最多保留2位小数"):
        build("2019", {"section2": {"art20_9": {"procurement": {"amount_yuan": "1.005"}}}})
    with pytest.raises(F.ReportInputError, match=r"other\.other"):
        build("2019", {"section3": {"other.other": {}}})


def test_error_names_the_cell_in_chinese():
    with pytest.raises(
        F.ReportInputError, match=re.escape("第三部分“（三）不予公开 / 1.属于国家秘密”行“科研机构”列")
    ):
        build("2021", {"section3": {"withheld.state_secret": {"research_institution": -3}}})


# --- JSON ------------------------------------------------------------------------------------------------

AGENCY = {"code": "430S00", "name": "湖南省自然资源厅"}


def test_json_shape_of_the_spec_example():
    report = build(
        "2021",
        {
            "section2": {
                "art20_1": {
                    "rules": {"in_force": 2},
                    "normative_documents": {"issued": 5, "repealed": 1, "in_force": 48},
                },
                "art20_5": {"licensing": {"decisions": 1203}},
                "art20_6": {"penalty": {"decisions": 57}},
            },
            "section3": {
                "new_received": {
                    "natural_person": 640,
                    "commercial_enterprise": 30,
                    "research_institution": 1,
                    "legal_service_org": 15,
                    "other_org": 3,
                }
            },
            "section4": {"reconsideration": {"upheld": 3, "corrected": 1, "pending": 1}},
        },
    )
    data = F.to_json(report, year=2021, agency=AGENCY, text={"section1": "总体情况……"})
    assert list(data) == ["format", "year", "agency", "section2", "section3", "section4", "checks", "text"]
    assert data["format"] == "2021"
    assert data["year"] == 2021
    assert data["agency"] == AGENCY
    assert data["section2"] == {
        "art20_1": {
            "rules": {"issued": 0, "repealed": 0, "in_force": 2},
            "normative_documents": {"issued": 5, "repealed": 1, "in_force": 48},
        },
        "art20_5": {"licensing": {"decisions": 1203}},
        "art20_6": {"penalty": {"decisions": 57}, "coercion": {"decisions": 0}},
        "art20_8": {"fees": {"amount_10k_yuan": 0}},
    }
    assert data["section3"]["new_received"] == {
        "natural_person": 640,
        "commercial_enterprise": 30,
        "research_institution": 1,
        "public_interest_org": 0,
        "legal_service_org": 15,
        "other_org": 3,
        "total": 689,
    }
    assert list(data["section3"]) == ROWS["2021"]
    assert data["section4"]["reconsideration"] == {
        "upheld": 3,
        "corrected": 1,
        "other": 0,
        "pending": 1,
        "total": 5,
    }
    assert list(data["section4"]) == [
        "reconsideration",
        "litigation_direct",
        "litigation_after_reconsideration",
    ]
    assert data["text"] == {"section1": "总体情况……", "section5": "", "section6": ""}
    first = data["checks"][0]
    assert set(first) == {"rule", "ok", "severity", "message"}
    assert "balance:natural_person" in {c["rule"] for c in data["checks"]}
    json.dumps(data, ensure_ascii=False)  # serialisable as it is


def test_json_round_trip_keeps_money_exact():
    report = build("2021", {"section2": {"art20_8": {"fees": {"amount_10k_yuan": "12.3456"}}}})
    data = json.loads(json.dumps(F.to_json(report, year=2022, agency=AGENCY)))
    assert data["section2"]["art20_8"]["fees"]["amount_10k_yuan"] == 12.3456
    assert F.report_from_json(data) == report


def test_json_refuses_a_year_of_the_other_format():
    with pytest.raises(ValueError, match="2019"):
        F.to_json(build("2021", {}), year=2020, agency=AGENCY)


# --- direct count and property tests ---------------------------------------------------------------------

ALL_OUTCOMES = F.OUTCOME_KEYS


@st.composite
def case_facts(draw, with_ids=False):
    received = draw(st.integers(2016, 2024))
    concluded = draw(st.one_of(st.none(), st.integers(received, received + 2)))
    return CaseFact(
        applicant=draw(st.sampled_from(APPLICANTS)),
        received_year=received,
        concluded_year=concluded,
        outcome=None if concluded is None else draw(st.sampled_from(ALL_OUTCOMES)),
    )


case_lists = st.lists(case_facts(), max_size=60)


def naive_cell(cases, year, row, col):
    """The counting rules of annual-report.md, one cell at a time, written as plainly as possible."""
    fmt = F.format_for_year(year)

    def in_row(c):
        if row == "new_received":
            return c.received_year == year
        if row == "carried_in":
            return c.received_year < year and (c.concluded_year is None or c.concluded_year > year - 1)
        if row == "carried_out":
            return c.received_year <= year and (c.concluded_year is None or c.concluded_year > year)
        if c.concluded_year != year:
            return False
        if row == "results_total":
            return True
        if fmt == "2019" and row == "other":
            return c.outcome.startswith("other.")
        return c.outcome == row

    return sum(1 for c in cases if in_row(c) and (col == "total" or c.applicant == col))


@settings(max_examples=150, deadline=None)
@given(case_lists, st.integers(2019, 2024))
def test_random_cases_give_tables_that_pass_every_check_and_equal_a_direct_count(cases, year):
    fmt = F.format_for_year(year)
    report = build(fmt, {"section3": count_cases(cases, year)})
    previous = (
        None
        if year == 2019
        else build(F.format_for_year(year - 1), {"section3": count_cases(cases, year - 1)})
    )
    results = check(report, previous, cases=cases)
    assert [c for c in results if not c.ok] == []
    if previous is not None:
        assert sum(c.rule.startswith("carry_over:") for c in results) == 7
    for row in F.FORMATS[fmt].section3.rows:
        for col in (*APPLICANTS, "total"):
            assert report.section3[row.key][col] == naive_cell(cases, year, row.key, col), (row.key, col)


@settings(max_examples=50, deadline=None)
@given(case_lists, st.integers(2019, 2024))
def test_counts_without_the_sums_give_the_same_report(cases, year):
    """The builder's sums (总计 column, （七）总计) equal the sums counted case by case."""
    fmt = F.format_for_year(year)
    counted = count_cases(cases, year)
    bare = {
        row: {c: n for c, n in cols.items() if c != "total"}
        for row, cols in counted.items()
        if row != "results_total"
    }
    assert build(fmt, {"section3": bare}) == build(fmt, {"section3": counted})


def test_count_rules_on_a_small_ledger():
    cases = [
        CaseFact("natural_person", 2020, None, None, "a"),  # open: carried into 2021 and out of it
        CaseFact("natural_person", 2020, 2021, "partially_disclosed", "b"),  # carried in, concluded
        CaseFact("commercial_enterprise", 2021, 2021, "other.fee_unpaid", "c"),
        CaseFact("legal_service_org", 2021, 2022, "disclosed", "d"),  # carried out
        CaseFact("other_org", 2019, 2020, "other.no_supplement", "e"),  # finished before 2021
    ]
    t = count_cases(cases, 2021)
    assert t["new_received"]["total"] == 2
    assert t["carried_in"] == {**dict.fromkeys(APPLICANTS, 0), "natural_person": 2, "total": 2}
    assert t["partially_disclosed"]["natural_person"] == 1
    assert t["other.fee_unpaid"]["commercial_enterprise"] == 1
    assert t["results_total"]["total"] == 2
    assert t["carried_out"]["total"] == 2
    t2020 = count_cases(cases, 2020)
    assert t2020["other"]["other_org"] == 1  # 2019 format: （六）其他处理 is one row
    assert "other.no_supplement" not in t2020


@pytest.mark.parametrize(
    "case",
    [
        CaseFact("person", 2021, None, None),
        CaseFact("natural_person", 2021, 2021, None),
        CaseFact("natural_person", 2021, None, "disclosed"),
        CaseFact("natural_person", 2021, 2020, "disclosed"),
        CaseFact("natural_person", 2021, 2021, "withheld"),
        CaseFact("natural_person", 2021, 2021, "other"),  # 2021 needs the reason of 其他处理
    ],
)
def test_impossible_facts_are_refused(case):
    with pytest.raises(ValueError):
        count_cases([case], 2021)


def test_a_2019_other_is_counted_in_2020():
    assert count_cases([CaseFact("natural_person", 2020, 2020, "other")], 2020)["other"]["total"] == 1


# --- broken tables are caught ----------------------------------------------------------------------------


def sample_report(year=2021, cases=None):
    cases = cases or [
        CaseFact(
            APPLICANTS[i % 6],
            2019 + i % 4,
            None if i % 5 == 0 else 2019 + i % 4 + i % 2,
            ALL_OUTCOMES[i % len(ALL_OUTCOMES)],
        )
        for i in range(80)
    ]
    cases = [c if c.concluded_year else CaseFact(c.applicant, c.received_year, None, None) for c in cases]
    return cases, build(F.format_for_year(year), {"section3": count_cases(cases, year)})


def broken(report, row, col, delta):
    s3 = {r: dict(cols) for r, cols in report.section3.items()}
    s3[row][col] += delta
    return F.Report(report.format, report.section2, s3, report.section4)


def failed(results):
    return {c.rule for c in results if not c.ok}


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(ROWS["2021"]),
    st.sampled_from([*APPLICANTS, "total"]),
    st.integers(-5, 5).filter(bool),
)
def test_any_changed_cell_of_section3_is_caught(row, col, delta):
    _, report = sample_report()
    results = check(broken(report, row, col, delta))
    errors = [c for c in results if not c.ok and c.severity == "error"]
    assert errors
    if col != "total":
        assert f"total_column:{row}" in failed(results)
    if row in ("new_received", "carried_in", "results_total", "carried_out"):
        assert f"balance:{col}" in failed(results)
    if row == "results_total" or row in F.OUTCOME_KEYS:
        assert f"results_total:{col}" in failed(results)


def test_balance_names_the_cells():
    _, report = sample_report()
    bad = check(broken(broken(report, "carried_out", "research_institution", 1), "carried_out", "total", 1))
    [balance] = [c for c in bad if c.rule == "balance:research_institution"]
    assert not balance.ok and balance.severity == "error"
    assert "“科研机构”列" in balance.message and "四、结转下年度继续办理" in balance.message
    assert "section3.carried_out.research_institution" in balance.cells
    assert failed(bad) == {"balance:research_institution", "balance:total"}


def test_results_total_is_checked():
    _, report = sample_report()
    # move one case from an outcome row into nowhere, keeping the total column consistent
    bad = broken(broken(report, "disclosed", "natural_person", -1), "disclosed", "total", -1)
    assert failed(check(bad)) == {"results_total:natural_person", "results_total:total"}


def test_negative_cells_are_caught():
    _, report = sample_report()
    s4 = {g: dict(cols) for g, cols in report.section4.items()}
    s4["litigation_direct"]["pending"] = -1
    s4["litigation_direct"]["total"] = -1
    bad = F.Report(report.format, report.section2, report.section3, s4)
    results = check(bad)
    assert failed(results) == {"nonnegative:section4"}
    [neg] = [c for c in results if c.rule == "nonnegative:section4"]
    assert "第四部分“行政诉讼 / 未经复议直接起诉”“尚未审结”" in neg.message


def test_negative_input_without_strict_is_kept_and_caught():
    report = build("2019", {"section2": {"art20_9": {"procurement": {"projects": -1}}}}, strict=False)
    assert failed(check(report)) == {"nonnegative:section2"}


def test_non_integer_cells_are_caught():
    _, report = sample_report()
    s3 = {r: dict(cols) for r, cols in report.section3.items()}
    s3["carried_in"]["other_org"] = 1.5
    del s3["carried_out"]["other_org"]
    results = check(F.Report(report.format, report.section2, s3, report.section4))
    assert "nonnegative:section3" in failed(results)
    [neg] = [c for c in results if c.rule == "nonnegative:section3"]
    assert set(neg.cells) == {"section3.carried_in.other_org", "section3.carried_out.other_org"}


def test_section4_total_is_checked():
    report = build("2021", {"section4": {"litigation_after_reconsideration": {"upheld": 2, "total": 3}}})
    assert failed(check(report)) == {"section4_total:litigation_after_reconsideration"}


@pytest.mark.parametrize("year", [2020, 2021, 2022])  # 2021 crosses from the 2019 to the 2021 format
def test_carry_over_against_last_year(year):
    cases, report = sample_report(year)
    _, previous = sample_report(year - 1, cases)
    assert not failed(check(report, previous))
    wrong_previous = broken(broken(previous, "carried_out", "natural_person", 2), "carried_out", "total", 2)
    results = check(report, wrong_previous)
    assert failed(results) == {"carry_over:natural_person", "carry_over:total"}
    assert {c.severity for c in results if not c.ok} == {"error"}
    by_hand = check(report, wrong_previous, previous_entered_by_hand=True)
    assert {c.severity for c in by_hand if not c.ok} == {"warning"}
    assert any("手工填报" in c.message for c in by_hand if not c.ok)


def test_a_case_counted_twice_balances_but_is_caught():
    """部分公开 counted once: a case appearing twice keeps every sum balanced, so only the facts show it."""
    cases = [
        CaseFact("natural_person", 2021, 2021, "partially_disclosed", 7),
        CaseFact("natural_person", 2021, 2021, "withheld.third_party_rights", 7),
        CaseFact("commercial_enterprise", 2021, 2021, "disclosed", 8),
        CaseFact("commercial_enterprise", 2021, 2021, "disclosed", 8),
        CaseFact("commercial_enterprise", 2021, 2021, "disclosed", 9),
    ]
    report = build("2021", {"section3": count_cases(cases, 2021)})
    assert not failed(check(report))
    results = check(report, cases=cases)
    assert failed(results) == {"partial_once", "counted_once"}
    [partial] = [c for c in results if c.rule == "partial_once"]
    assert "7" in partial.message and "8" not in partial.message
    assert not failed(check(report, cases=cases[2:3] + cases[4:]))


def test_check_messages_are_chinese_and_every_check_is_listed():
    _, report = sample_report()
    results = check(report)
    rules = [c.rule for c in results]
    assert len(rules) == len(set(rules))
    assert len(rules) == 3 + 25 + 7 + 7 + 3
    assert all(c.ok and c.severity == "error" and c.message for c in results)


@pytest.mark.parametrize(
    ("fmt", "path", "name"),
    [
        (
            "2019",
            "section2.art20_9.procurement.amount_yuan",
            "第二部分第二十条第（九）项“政府集中采购”行“采购总金额”列",
        ),
        (
            "2021",
            "section3.other.fee_unpaid.total",
            "第三部分“（六）其他处理 / 2.申请人逾期未按收费通知要求缴纳费用、"
            "行政机关不再处理其政府信息公开申请”行“总计”列",
        ),
        ("2019", "section3.other.natural_person", "第三部分“（六）其他处理”行“自然人”列"),
        ("2021", "section4.reconsideration.pending", "第四部分“行政复议”“尚未审结”"),
    ],
)
def test_cell_names(fmt, path, name):
    assert F.cell_name(fmt, path) == name
