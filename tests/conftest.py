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


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Login-throttle counts (and anything else cached) never leak from one test into the next."""
    from django.core.cache import caches

    for cache in caches.all():  # the default cache and the public pages' own
        cache.clear()


# key, code, full name, short name, level, parent key, division code, division name
TREE = [
    ("province", "430S00", "湖南省自然资源厅", "省厅", Level.PROVINCE, None, "430000", "湖南省"),
    ("city_a", "4301S0", "长沙市自然资源和规划局", "长沙市局", Level.CITY, "province", "430100", "长沙市"),
    ("city_b", "4302S0", "株洲市自然资源和规划局", "株洲市局", Level.CITY, "province", "430200", "株洲市"),
    ("county_a1", "430121S", "长沙县自然资源局", "长沙县局", Level.COUNTY, "city_a", "430121", "长沙县"),
    ("county_a2", "430181S", "浏阳市自然资源局", "浏阳市局", Level.COUNTY, "city_a", "430181", "浏阳市"),
    ("county_b1", "430281S", "醴陵市自然资源局", "醴陵市局", Level.COUNTY, "city_b", "430281", "醴陵市"),
]


@pytest.fixture
def tree(db: None) -> dict[str, Agency]:
    """A province, two cities, and two counties under the first city, one under the second."""
    made: dict[str, Agency] = {}
    for key, code, name, short, level, parent, division, division_name in TREE:
        made[key] = AgencyFactory(
            code=code,
            name=name,
            short_name=short,
            level=level,
            parent=made.get(parent) if parent else None,
            division_code=division,
            division_name=division_name,
        )
    return made


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


@pytest.fixture
def desk(tree: dict[str, Agency]) -> dict[str, object]:
    """The province's proactive-disclosure desk: its catalogue, the 征地信息 column, a writer, a
    reviewer and a publisher (publishing tests and the page-cache tests)."""
    from gongkai.orgs.models import Role
    from gongkai.publishing import services
    from gongkai.publishing.models import CatalogueNode
    from tests.factories import staff

    province = tree["province"]
    services.catalogue_seed(province)
    return {
        "agency": province,
        "node": CatalogueNode.objects.get(agency=province, name="征地信息"),
        "writer": staff(province, Role.CLERK),
        "reviewer": staff(province, Role.REVIEWER),
        "publisher": staff(province, Role.PUBLISHER),
    }
