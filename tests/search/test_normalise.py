"""The pure normalisation: known pairs for traditional, full-width, pinyin, synonyms and typos."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.search import normalise as n


@pytest.fixture(scope="module")
def norm():
    return n.Normaliser([*n.builtin_terms(), "长沙县", "黄花镇"], n.builtin_synonyms())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("徵地", "征地"),
        ("徵地拆遷補償", "征地拆迁补偿"),
        ("國土資源廳", "国土资源厅"),
        ("ＡＢＣ１２３", "abc123"),
        ("湘自然资规〔２０２１〕３号", "湘自然资规〔2021〕3号"),
        ("①号地块　１００㎡", "1号地块 100m2"),
        ("征地，拆迁。", "征地，拆迁。"),  # Chinese punctuation stays
    ],
)
def test_search_text_known_pairs(raw, expected):
    assert n.search_text(raw) == expected


def test_pinyin_full_and_initials(norm):
    assert n.pinyin("征地") == ("zhengdi", "zd")
    assert n.compact_pinyin("Zheng Di") == "zhengdi"
    assert n.compact_pinyin("征地") is None
    assert norm.from_pinyin("zhengdi")[0] == "征地"
    assert "征地" in norm.from_pinyin("zd")
    assert norm.from_pinyin("changshaxian") == ["长沙县"]


def test_segmentation_keeps_domain_words_and_their_parts(norm):
    tokens = norm.tokens("長沙縣黃花鎮徵地拆遷補償安置方案")
    for word in ("长沙县", "黄花镇", "征地拆迁", "征地", "拆迁", "补偿安置方案", "补偿", "安置"):
        assert word in tokens
    assert "zhengdi" in norm.pinyin_text("征地公告").split()


def test_homophone_typos_are_corrected(norm):
    assert norm.correct("征地拆前") == "征地拆迁"
    assert norm.correct("长沙县黄花震") == "长沙县黄花镇"
    assert norm.correct("征地拆迁") is None


def test_synonyms_and_quoted_phrases(norm):
    parsed = norm.parse("征地")
    assert sorted(map(tuple, parsed.units[0].alternatives)) == [("土地征收",), ("征地",), ("征收土地",)]
    parsed = norm.parse("“补偿安置方案” 长沙县")
    assert parsed.phrases == ["补偿安置方案"] and parsed.units[0].phrase
    assert parsed.units[1].alternatives == [["长沙县"]]


def test_snippet_marks_terms_and_escapes():
    html = n.snippet("一段<b>文字</b>，关于征地拆迁的说明。" * 3, ["征地", "拆迁"])
    assert "<mark>征地</mark><mark>拆迁</mark>" in html and "<b>" not in html and "&lt;b&gt;" in html


@given(st.text(max_size=60))
def test_normalisation_is_idempotent_and_never_fails(text):
    once = n.search_text(text)
    assert n.search_text(once) == once
    n.snippet(once, ["征地"])


def test_head_fields_are_remembered_and_bounded(norm, monkeypatch):
    head = n.search_text("長沙縣黃花鎮征地補償安置方案公告")
    first = norm.head_fields(head, normalised=True)
    assert first == norm._head_fields(head)
    assert "zhengdi" in first[1].split() and "长沙县" in first[0].split()
    assert norm.head_fields(head, normalised=True) is first  # remembered
    monkeypatch.setattr(n, "HEAD_CACHE", len(norm._heads))
    assert norm.head_fields("黄花镇", normalised=True) == norm._head_fields("黄花镇")
    assert len(norm._heads) == 1  # full: started again
