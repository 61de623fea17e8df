"""Public portal pages run a bounded number of SQL queries, whatever the size of the lists they show.

The demonstration data is loaded once (the areas the pages need; land, mailbox, credit and appeals are
left out to keep the test short), then each page is fetched anonymously with an empty cache and its
queries counted. The budgets are the measured counts plus a little headroom; every list shown has more
rows than its budget, so one query per row (an N+1) fails the test. bench/portal.py measures the same
pages under load (docs/performance.md, "Portal load").
"""

from __future__ import annotations

import re
from importlib import import_module
from io import StringIO

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

AGENCY = "430S00"
DEMO_AREAS = ["orgs", "applications", "publishing", "normative", "reports", "search"]


def load_demo() -> None:
    for area in DEMO_AREAS:
        import_module(f"gongkai.{area}.demo").load(StringIO())


def count(client: Client, path: str) -> tuple[int, str]:
    cache.clear()  # the uncached path: what a page costs when nothing is cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries.captured_queries), response.content.decode()


def links(html: str, pattern: str) -> list[str]:
    return list(dict.fromkeys(re.findall(pattern, html)))


def test_public_pages_have_bounded_query_counts() -> None:
    load_demo()
    client = Client()

    # The proactive catalogue node with the most items, and the normative documents, found by links.
    _, catalogue = count(client, f"/gk/{AGENCY}/proactive/")
    nodes = links(catalogue, rf"/gk/{AGENCY}/proactive/\d+/")
    node_items = {n: links(client.get(n).content.decode(), rf"/gk/{AGENCY}/info/\d+/") for n in nodes}
    node = max(node_items, key=lambda n: len(node_items[n]))

    # (path, query budget, rows the page must list: a link pattern and a minimum count)
    pages = [
        ("/", 3, (r"/gk/\d{4}\w*/\"", 20)),  # every active agency of the province's tree
        (f"/gk/{AGENCY}/", 5, None),
        (f"/gk/{AGENCY}/proactive/", 5, (rf"/gk/{AGENCY}/proactive/\d+/", 15)),
        (f"/gk/{AGENCY}/normative/", 10, (rf"/gk/{AGENCY}/normative/\d+/", 15)),
        (node, 7, (rf"/gk/{AGENCY}/info/\d+/", 10)),
        (node_items[node][0], 10, None),
        ("/search/?q=征地", 11, (r"<li", 12)),
        (f"/gk/{AGENCY}/reports/2020/", 6, None),
    ]
    _, normative = count(client, f"/gk/{AGENCY}/normative/")
    pages.append((links(normative, rf"/gk/{AGENCY}/normative/\d+/")[0], 10, None))

    failures = []
    for path, budget, rows in pages:
        n, html = count(client, path)
        if n > budget:
            failures.append(f"{path}: {n} queries > {budget}")
        if rows is not None:
            pattern, minimum = rows
            found = len(re.findall(pattern, html))
            # Fewer rows than the budget would let a per-row query hide inside it.
            if found < max(minimum, budget + 1):
                failures.append(f"{path}: lists {found} rows, need >= {max(minimum, budget + 1)}")
    assert not failures, failures
