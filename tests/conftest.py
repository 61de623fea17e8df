from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.db import connection

from gongkai.orgs.models import Agency, Level
from tests.factories import AgencyFactory

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://…)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def tree(db: None) -> dict[str, Agency]:
    """A province, two cities, and two counties under the first city, one under the second."""
    province = AgencyFactory(code="430S00", name="湖南省自然资源厅", short_name="省厅", level=Level.PROVINCE)
    city_a = AgencyFactory(
        code="4301S0",
        name="长沙市自然资源和规划局",
        short_name="长沙市局",
        level=Level.CITY,
        parent=province,
        division_code="430100",
        division_name="长沙市",
    )
    city_b = AgencyFactory(
        code="4302S0",
        name="株洲市自然资源和规划局",
        short_name="株洲市局",
        level=Level.CITY,
        parent=province,
        division_code="430200",
        division_name="株洲市",
    )
    county_a1 = AgencyFactory(
        code="430121S",
        name="长沙县自然资源局",
        short_name="长沙县局",
        level=Level.COUNTY,
        parent=city_a,
        division_code="430121",
        division_name="长沙县",
    )
    county_a2 = AgencyFactory(
        code="430181S",
        name="浏阳市自然资源局",
        short_name="浏阳市局",
        level=Level.COUNTY,
        parent=city_a,
        division_code="430181",
        division_name="浏阳市",
    )
    county_b1 = AgencyFactory(
        code="430281S",
        name="醴陵市自然资源局",
        short_name="醴陵市局",
        level=Level.COUNTY,
        parent=city_b,
        division_code="430281",
        division_name="醴陵市",
    )
    return {
        "province": province,
        "city_a": city_a,
        "city_b": city_b,
        "county_a1": county_a1,
        "county_a2": county_a2,
        "county_b1": county_b1,
    }


# --- browser tests: one Chromium for the whole session (Playwright's sync API allows one loop) ----------

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        pytest.fail("Chromium is missing: `make sysdeps` installs it (apt package chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base = live_server.url
    yield pg
    context.close()
