"""The read-only open-data API (JSON) and its OpenAPI description; sitemap; CSV export.

Only published, not withdrawn information appears. Lists are paged (``page``, 50 a page). The schema
at ``/api/v1/openapi.json`` documents every endpoint; later areas (normative documents, reports) add
their paths to it.
"""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from gongkai.orgs.models import Agency
from gongkai.publishing import selectors
from gongkai.publishing.models import CatalogueNode, Item

PAGE_SIZE = 50


def _item_json(request: HttpRequest, item: Item, *, body: bool = False) -> dict[str, Any]:
    version = item.current
    assert version is not None
    data: dict[str, Any] = {
        "id": item.pk,
        "index_number": item.index_number,
        "title": version.title,
        "agency": item.agency.code,
        "catalogue_node": item.node_id,
        "art20_item": item.node.art20_item,
        "document_number": version.document_number,
        "formed_on": version.formed_on.isoformat(),
        "first_published_at": item.first_published_at.isoformat() if item.first_published_at else None,
        "updated_at": version.published_at.isoformat(),
        "version": version.number,
        "topic": item.topic,
        "genre": item.genre,
        "url": request.build_absolute_uri(
            reverse("publishing_public:detail", args=[item.agency.code, item.pk])
        ),
    }
    if body:
        data["body_html"] = version.body
    return data


@require_GET
def agencies(request: HttpRequest) -> JsonResponse:
    rows = Agency.objects.filter(is_active=True).order_by("path")
    return JsonResponse(
        {
            "results": [
                {
                    "code": a.code,
                    "name": a.name,
                    "short_name": a.short_name,
                    "level": a.level,
                    "division_code": a.division_code,
                    "parent": a.parent.code if a.parent else None,
                }
                for a in rows.select_related("parent")
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def catalogue(request: HttpRequest, code: str) -> JsonResponse:
    agency = get_object_or_404(Agency, code=code, is_active=True)
    nodes = selectors.catalogue_with_counts(agency)
    return JsonResponse(
        {
            "agency": agency.code,
            "results": [
                {
                    "id": n.pk,
                    "name": n.name,
                    "art20_item": n.art20_item,
                    "time_limit": n.time_limit,
                    "basis": n.basis,
                    "responsible": n.responsible,
                    "channels": n.channels,
                    "audience": n.audience,
                    "mode": n.mode,
                    "published": getattr(n, "published", 0),  # annotated by the selector
                }
                for n in nodes
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def items(request: HttpRequest) -> JsonResponse:
    qs = selectors.public_items()
    agency = request.GET.get("agency", "")
    if agency:
        qs = qs.filter(agency__code=agency)
    node = request.GET.get("node", "")
    if node.isascii() and node.isdigit():
        # A number beyond the database's integer range names no node (and must not become a 500).
        qs = qs.filter(node_id=int(node)) if int(node) < 2**63 else qs.none()
    since = request.GET.get("since", "")
    if since:
        try:
            since_date = date.fromisoformat(since[:10])
        except ValueError:
            return JsonResponse({"error": "since 应为 YYYY-MM-DD 格式的日期。"}, status=400)
        qs = qs.filter(current__published_at__date__gte=since_date)
    page = Paginator(qs.order_by("-first_published_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": [_item_json(request, i) for i in page],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def item(request: HttpRequest, pk: int) -> JsonResponse:
    found = selectors.public_items().filter(pk=pk).first()
    if found is None:
        raise Http404
    return JsonResponse(_item_json(request, found, body=True), json_dumps_params={"ensure_ascii": False})


@require_GET
def export_csv(request: HttpRequest, code: str) -> HttpResponse:
    """Bulk export of an agency's published metadata (UTF-8 with BOM, so that Excel shows Chinese)."""
    agency = get_object_or_404(Agency, code=code, is_active=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="proactive-{agency.code}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["索引号", "标题", "文号", "成文日期", "发布日期", "目录", "条例第二十条项", "链接"])
    for i in selectors.public_items(agency).order_by("first_published_at"):
        assert i.current is not None
        cells = [
            i.index_number,
            i.current.title,
            i.current.document_number,
            i.current.formed_on.isoformat(),
            i.first_published_at.date().isoformat() if i.first_published_at else "",
            i.node.name,
            i.node.art20_item or "",
            request.build_absolute_uri(reverse("publishing_public:detail", args=[agency.code, i.pk])),
        ]
        # A cell that starts with = + - @ is text, never a formula in a spreadsheet.
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in "=+-@" else c for c in cells])
    return response


ITEM_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "index_number": {"type": "string", "example": "430S00/2021-000123"},
        "title": {"type": "string"},
        "agency": {"type": "string"},
        "catalogue_node": {"type": "integer"},
        "art20_item": {"type": ["integer", "null"]},
        "document_number": {"type": "string"},
        "formed_on": {"type": "string", "format": "date"},
        "first_published_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "version": {"type": "integer"},
        "topic": {"type": "string"},
        "genre": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "body_html": {"type": "string", "description": "sanitised HTML (detail only)"},
    },
}


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    page = {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}
    schema = {
        "openapi": "3.1.0",
        "info": {
            "title": "公开 Gongkai open data",
            "version": "1",
            "description": "政府信息主动公开数据（只读）。只包含已发布且未撤回的信息。",
        },
        "paths": {
            "/api/v1/agencies/": {
                "get": {"summary": "机关列表", "responses": {"200": {"description": "OK"}}}
            },
            "/api/v1/agencies/{code}/catalogue/": {
                "get": {
                    "summary": "主动公开目录",
                    "parameters": [
                        {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": "OK"}, "404": {"description": "no such agency"}},
                }
            },
            "/api/v1/items/": {
                "get": {
                    "summary": "已发布的政府信息",
                    "parameters": [
                        {"name": "agency", "in": "query", "schema": {"type": "string"}},
                        {"name": "node", "in": "query", "schema": {"type": "integer"}},
                        {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
                        page,
                    ],
                    "responses": {
                        "200": {
                            "description": "a page of items",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "count": {"type": "integer"},
                                            "page": {"type": "integer"},
                                            "pages": {"type": "integer"},
                                            "results": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Item"},
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "400": {"description": "since is not a date (YYYY-MM-DD)"},
                    },
                }
            },
            "/api/v1/items/{id}/": {
                "get": {
                    "summary": "一条政府信息",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                            },
                        },
                        "404": {"description": "not public"},
                    },
                }
            },
        },
        "components": {"schemas": {"Item": ITEM_SCHEMA}},
    }
    from gongkai.search.views import API_SCHEMA, RESULT_SCHEMA

    schema["paths"].update(API_SCHEMA)  # type: ignore[attr-defined]
    schema["components"]["schemas"]["SearchResult"] = RESULT_SCHEMA  # type: ignore[index]
    return JsonResponse(schema, json_dumps_params={"ensure_ascii": False})


class ItemSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self) -> Any:
        return selectors.public_items().order_by("pk")

    def location(self, item: Item) -> str:
        return reverse("publishing_public:detail", args=[item.agency.code, item.pk])

    def lastmod(self, item: Item) -> Any:
        return item.current.published_at if item.current else None


class ColumnSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> Any:
        return list(CatalogueNode.objects.filter(agency__is_active=True).select_related("agency"))

    def location(self, node: CatalogueNode) -> str:
        return reverse("publishing_public:list", args=[node.agency.code, node.pk])
