"""The portal's search page, the search box's suggestions and the API endpoint (one engine behind all)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongkai.core.pagecache import public_page
from gongkai.orgs.models import Agency
from gongkai.search import documents, engine

FILTERS = ("type", "agency", "year", "status", "category", "order")


def _params(request: HttpRequest) -> dict[str, Any]:
    get = request.GET
    year = get.get("year", "")
    page = get.get("page", "")
    return {
        "q": get.get("q", "").strip()[:200],
        "types": get.get("type") or None,
        "agency": get.get("agency") or None,
        "year": int(year) if year.isascii() and year.isdigit() else None,
        "status": get.get("status") or None,
        "category": get.get("category") or None,
        "order": get.get("order") if get.get("order") in engine.ORDERS else "relevance",
        "page": int(page) if page.isascii() and page.isdigit() else 1,
    }


def _link(request: HttpRequest, **changes: Any) -> str:
    params = {k: v for k, v in request.GET.items() if k in ("q", *FILTERS) and v}
    params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params)


@public_page
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    p = _params(request)
    q = p.pop("q")
    results = engine.search(q, **p) if q else None
    names = dict(Agency.objects.values_list("code", "short_name"))
    groups: list[dict[str, Any]] = []
    facets: list[dict[str, Any]] = []
    if results is not None:
        by_type: dict[str, list[Any]] = {}
        for r in results.results:
            by_type.setdefault(r.type, []).append(r)
        groups = [
            {"type": t, "label": documents.TYPE_LABELS[t], "results": by_type[t]}
            for t in documents.TYPE_ORDER
            if t in by_type
        ]
        labels = {
            "type": lambda v: documents.TYPE_LABELS.get(v, v),
            "agency": lambda v: names.get(v, v),
            "year": lambda v: f"{v}年",
            "status": _status_label,
            "category": lambda v: v,
        }
        titles = {"type": "类别", "agency": "机关", "year": "年份", "status": "效力状态", "category": "栏目"}
        for name in ("type", "agency", "year", "status", "category"):
            values = results.facets.get(name) or []
            if not values:
                continue
            current = request.GET.get(name, "")
            facets.append(
                {
                    "name": name,
                    "title": titles[name],
                    "current": current,
                    "clear": _link(request, **{name: None}),
                    "values": [
                        {
                            "label": labels[name](v),
                            "count": n,
                            "url": _link(request, **{name: v}),
                            "active": str(v) == current,
                        }
                        for v, n in (sorted(values, reverse=True) if name == "year" else values)[:12]
                    ],
                }
            )
    pager = None
    if results is not None and results.pages > 1:
        pager = {
            "prev": _link(request, page=results.page - 1) if results.page > 1 else None,
            "next": _link(request, page=results.page + 1) if results.page < results.pages else None,
        }
    return render(
        request,
        "search/page.html",
        {
            "q": q,
            "results": results,
            "groups": groups,
            "facets": facets,
            "pager": pager,
            "order": p["order"],
            "newest_url": _link(request, order="newest"),
            "relevance_url": _link(request, order=None),
            "suggestion_url": _link(request, q=results.suggestion)
            if results and results.suggestion
            else None,
            "hidden": {k: v for k, v in request.GET.items() if k in FILTERS and v},
        },
    )


def _status_label(value: str) -> str:
    try:
        from gongkai.normative.lifecycle import LABELS, Status

        return str(LABELS[Status(value)])
    except (ImportError, ValueError, KeyError):
        return value


@public_page
@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    q = request.GET.get("q", "").strip()[:50]
    return JsonResponse(
        {"q": q, "suggestions": engine.suggest(q) if q else []}, json_dumps_params={"ensure_ascii": False}
    )


@public_page
@require_GET
def api_search(request: HttpRequest) -> JsonResponse:
    """``GET /api/v1/search?q=…&type=…&agency=…&page=…`` (documented in /api/v1/openapi.json)."""
    p = _params(request)
    q = p.pop("q")
    if not q:
        return JsonResponse({"count": 0, "results": [], "suggestion": None})
    results = engine.search(q, facets=False, **p)
    return JsonResponse(
        {
            "count": results.count,
            "results": [{**r.as_api(), "url": request.build_absolute_uri(r.url)} for r in results.results],
            "suggestion": results.suggestion,
        },
        json_dumps_params={"ensure_ascii": False},
    )


API_SCHEMA = {
    "/api/v1/search": {
        "get": {
            "summary": "站内搜索（已发布的政府信息、规范性文件、年度报告、咨询问答、征地项目）",
            "description": "分词、简繁、拼音（全拼和首字母）、同义词；引号内为精确短语。每页 20 条。",
            "parameters": [
                {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                {
                    "name": "type",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["item", "normative", "report", "qa", "land"]},
                },
                {
                    "name": "agency",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "机关代码（含下级）",
                },
                {"name": "year", "in": "query", "schema": {"type": "integer"}},
                {
                    "name": "status",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "规范性文件效力状态",
                },
                {
                    "name": "order",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["relevance", "newest"]},
                },
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            ],
            "responses": {
                "200": {
                    "description": "a page of results",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["count", "results", "suggestion"],
                                "properties": {
                                    "count": {"type": "integer"},
                                    "results": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/SearchResult"},
                                    },
                                    "suggestion": {
                                        "type": ["string", "null"],
                                        "description": "您是不是要找（拼音对应的词或同音纠错）",
                                    },
                                },
                            }
                        }
                    },
                }
            },
        }
    }
}
RESULT_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "type": {"type": "string", "enum": ["item", "normative", "report", "qa", "land"]},
        "agency": {"type": "string", "description": "机关代码"},
        "date": {"type": ["string", "null"], "format": "date"},
        "snippet": {"type": "string", "description": "HTML，命中词以 <mark> 标出，其余已转义"},
    },
}
