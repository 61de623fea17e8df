"""Public pages of proactive disclosure: catalogue, lists, item pages, versions, Atom feeds."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags

from gongkai.core.pagecache import public_page
from gongkai.orgs.models import Agency
from gongkai.publishing import selectors, services
from gongkai.publishing.models import CatalogueNode, Item


def _agency(code: str) -> Agency:
    return get_object_or_404(Agency, code=code, is_active=True)


def _column(
    request: HttpRequest, agency: Agency, template: str, status: int = 200, **context: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "agency": agency,
            "section": "proactive",
            "ancestors": agency.ancestors().order_by("path"),
            **context,
        },
        status=status,
    )


@public_page
def node_list(request: HttpRequest, code: str, node_id: int) -> HttpResponse:
    agency = _agency(code)
    node = get_object_or_404(CatalogueNode, agency=agency, pk=node_id)
    items = selectors.public_items(agency).filter(node=node)
    year = request.GET.get("year", "")
    text = request.GET.get("q", "").strip()[:50]
    if year.isascii() and year.isdigit() and len(year) == 4:
        items = items.filter(first_published_at__year=int(year))
    if text:
        items = items.filter(current__title__icontains=text)
    page = Paginator(items.order_by("-first_published_at", "-id"), 20).get_page(request.GET.get("page"))
    years = selectors.public_items(agency).filter(node=node).dates("first_published_at", "year", order="DESC")
    return _column(
        request,
        agency,
        "publishing/public/list.html",
        node=node,
        page=page,
        year=year,
        q=text,
        years=[d.year for d in years],
    )


@public_page
def item_detail(request: HttpRequest, code: str, pk: int, number: int | None = None) -> HttpResponse:
    agency = _agency(code)
    item = get_object_or_404(Item.objects.select_related("current", "node", "unit"), agency=agency, pk=pk)
    if item.current is None:
        raise Http404  # never published: not public
    version = item.current if number is None else get_object_or_404(item.versions, number=number)
    withdrawn = item.withdrawn_at is not None
    return _column(
        request,
        agency,
        "publishing/public/detail.html",
        status=410 if withdrawn else 200,
        item=item,
        shown=version,
        withdrawn=withdrawn,
        versions=item.versions.order_by("number"),
        late=services.is_late(item),
        interpretations=selectors.public_items(agency).filter(interprets=item),
    )


class AgencyFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, code: str, node_id: int | None = None) -> Any:
        agency = _agency(code)
        node = get_object_or_404(CatalogueNode, agency=agency, pk=node_id) if node_id else None
        return agency, node

    def title(self, obj: Any) -> str:
        agency, node = obj
        return f"{agency.name} · {node.name if node else '主动公开'}"

    def link(self, obj: Any) -> str:
        agency, node = obj
        if node:
            return reverse("publishing_public:list", args=[agency.code, node.pk])
        return reverse("portal:proactive", args=[agency.code])

    def subtitle(self, obj: Any) -> str:
        return "政府信息主动公开"

    def items(self, obj: Any) -> Any:
        agency, node = obj
        qs = selectors.public_items(agency)
        if node:
            qs = qs.filter(node=node)
        return qs.order_by("-first_published_at")[:50]

    def item_title(self, item: Item) -> str:
        return item.current.title if item.current else item.title

    def item_description(self, item: Item) -> str:
        return strip_tags(item.current.body if item.current else "")[:300]

    def item_link(self, item: Item) -> str:
        return reverse("publishing_public:detail", args=[item.agency.code, item.pk])

    def item_pubdate(self, item: Item) -> Any:
        return item.first_published_at

    def item_updateddate(self, item: Item) -> Any:
        return item.current.published_at if item.current else item.first_published_at

    def item_guid(self, item: Item) -> str:
        return item.index_number or str(item.pk)

    item_guid_is_permalink = False


def item_file(request: HttpRequest, code: str, pk: int, file_id: int) -> FileResponse:
    agency = _agency(code)
    item = get_object_or_404(Item, agency=agency, pk=pk)
    if not item.is_public:
        raise Http404
    record = get_object_or_404(item.files, pk=file_id)
    return FileResponse(
        record.file.open("rb"), as_attachment=True, filename=record.name, content_type=record.content_type
    )
