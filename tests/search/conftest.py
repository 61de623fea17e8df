"""Search tests: every test gets its own index directory (never a developer's), and a small fixed corpus."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from gongkai.search import engine, outbox
from tests.publishing.test_publishing import make, publish

TZ = ZoneInfo("Asia/Shanghai")

# title, body, published
CORPUS = {
    # traditional characters, as captured from a traditional rendering
    "notice": (
        "長沙縣黃花鎮徵地拆遷補償安置方案公告",
        "<p>根據有關規定，現將黃花鎮補償安置方案予以公告。</p>",
        2025,
    ),
    # says only 征收土地 (the synonym of 征地)
    "pre": (
        "浏阳市2025年第2批次征收土地预公告",
        "<p>拟征收土地范围涉及集里街道，请相关权利人办理登记。</p>",
        2025,
    ),
    "plan": ("醴陵市国土空间总体规划公示", "<p>规划期限至2035年，永久基本农田保护任务不减少。</p>", 2024),
    "mine": ("关于矿业权出让的公告", "<p>采矿权挂牌出让，竞买人须具备相应条件。</p>", 2023),
}


@pytest.fixture(autouse=True)
def search_index(tmp_path, settings):
    settings.GONGKAI_SEARCH_INDEX = str(tmp_path / "search-index")
    settings.GONGKAI_SEARCH_ON_COMMIT = False
    engine.forget_dictionary()
    yield tmp_path / "search-index"
    engine.forget_dictionary()


@pytest.fixture
def corpus(desk):
    items = {}
    for key, (title, body, year) in CORPUS.items():
        item = make(desk, title, formed=date(year, 3, 1), body=body)
        items[key] = publish(desk, item, datetime(year, 3, 5, 10, tzinfo=TZ))
    outbox.process_all()
    return items


def keys(results) -> set[str]:
    return {r.key for r in results.results}
