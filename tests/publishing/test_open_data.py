"""Open data: the JSON API and its OpenAPI schema, the sitemap, the CSV export; portal conveniences."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from gongkai.publishing import services
from tests.publishing.test_publishing import make, publish

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def published(desk):
    public = publish(desk, make(desk, '=HYPERLINK("http://x","y")'), datetime(2025, 3, 2, 10, tzinfo=TZ))
    hidden = make(desk, "草稿不公开", formed=date(2025, 3, 1))
    gone = publish(desk, make(desk, "已撤回"), datetime(2025, 3, 3, 10, tzinfo=TZ))
    services.item_withdraw(item=gone, reason="撤回", by=desk["publisher"])
    return public, hidden, gone


def test_api_lists_only_public_items(published):
    public, hidden, gone = published
    c = Client()
    data = c.get("/api/v1/items/?agency=430S00").json()
    assert data["count"] == 1 and data["results"][0]["index_number"] == public.index_number
    detail = c.get(f"/api/v1/items/{public.pk}/").json()
    assert detail["body_html"] and detail["url"].endswith(f"/gk/430S00/info/{public.pk}/")
    assert c.get(f"/api/v1/items/{hidden.pk}/").status_code == 404
    assert c.get(f"/api/v1/items/{gone.pk}/").status_code == 404
    catalogue = c.get("/api/v1/agencies/430S00/catalogue/").json()["results"]
    assert any(n["name"] == "征地信息" and n["published"] == 1 for n in catalogue)
    assert any(a["code"] == "430S00" for a in c.get("/api/v1/agencies/").json()["results"])


def test_openapi_schema_documents_every_api_path(published):

    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/agencies/",
        "/api/v1/agencies/{code}/catalogue/",
        "/api/v1/items/",
        "/api/v1/items/{id}/",
    ):
        assert path in schema["paths"]
    json.dumps(schema)


def test_sitemap_and_csv_export(published):
    public, hidden, _gone = published
    c = Client()
    sitemap = c.get("/sitemap.xml").content.decode()
    assert f"/gk/430S00/info/{public.pk}/" in sitemap and f"/info/{hidden.pk}/" not in sitemap
    csv_text = c.get("/gk/430S00/proactive/export.csv").content.decode("utf-8-sig")
    assert public.index_number in csv_text and "草稿不公开" not in csv_text and "已撤回" not in csv_text
    assert "'=HYPERLINK" in csv_text  # never a formula in a spreadsheet


def test_elder_mode_and_agency_switch(tree):
    c = Client()
    r = c.get("/display/elder/?on=1&next=/gk/430S00/")
    assert r.status_code == 302 and r["Location"] == "/gk/430S00/"
    assert 'class="portal elder"' in c.get("/gk/430S00/").content.decode()
    assert c.get("/display/elder/?next=https://evil.example/")["Location"] == "/"
    assert c.get("/gk/switch/?code=4301S0")["Location"] == "/gk/4301S0/"
    assert c.get("/gk/switch/?code=NOPE").status_code == 404
