"""What is searchable, kind by kind: which objects are public, how each becomes an :class:`IndexDoc`, and
the one query that tells which of a page of hits are still public.

| kind | type label | public when | source |
| --- | --- | --- | --- |
| ``item`` | 主动公开 | published, not withdrawn (``publishing.selectors.public_items``) | Item/ItemVersion |
| ``normative`` | 规范性文件 | published (``normative.selectors.public_documents``) | Document |
| ``report`` | 年度报告 | the latest published version of its year | AnnualReport |
| ``qa`` | 咨询问答 | published as Q&A | mailbox Letter |
| ``land`` | 征地项目 | not withheld (``land.selectors.public_projects``) | ExpropriationProject |

Land-expropriation *documents* (征收土地预公告, 补偿安置方案…) are publishing items in each agency's
征地信息 column, so they are found as ``item`` with that category; ``land`` adds the project pages.
A new area adds a :class:`Source` to ``SOURCES``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Exists, Model, OuterRef, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from gongkai.search.index import IndexDoc

TYPE_LABELS = {
    "item": _("主动公开"),
    "normative": _("规范性文件"),
    "report": _("年度报告"),
    "qa": _("咨询问答"),
    "land": _("征地项目"),
}
TYPE_ORDER = list(TYPE_LABELS)


def _agencies(agency: Any) -> list[str]:
    return [c for c in agency.path.strip("/").split("/") if c]


def _text(value: str) -> str:
    return html.unescape(strip_tags(value or ""))


@dataclass
class Source:
    kind: str
    model: str  # app_label.ModelName
    public: Callable[[], QuerySet[Any]]
    to_doc: Callable[[Any], IndexDoc]

    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)


# --- publishing items ---------------------------------------------------------------------------------


def _items() -> QuerySet[Any]:
    from gongkai.publishing.selectors import public_items

    return public_items().order_by()


def _item_doc(item: Any) -> IndexDoc:
    v = item.current
    published = item.first_published_at or v.published_at
    return IndexDoc(
        key=f"item:{item.pk}",
        type="item",
        title=v.title,
        body=_text(v.body),
        url=reverse("publishing_public:detail", args=[item.agency.code, item.pk]),
        agency=item.agency.code,
        agency_name=item.agency.name,
        agencies=_agencies(item.agency),
        day=timezone.localdate(published) if published else v.formed_on,
        category=item.node.name,
        keywords=" ".join(x for x in (v.document_number, item.index_number or "", item.topic) if x),
    )


# --- normative documents ------------------------------------------------------------------------------


def _normative() -> QuerySet[Any]:
    from gongkai.normative.selectors import public_documents

    return public_documents().order_by()


def _normative_doc(d: Any) -> IndexDoc:
    return IndexDoc(
        key=f"normative:{d.pk}",
        type="normative",
        title=d.title,
        body="\n".join(x for x in (d.summary, _text(d.body)) if x),
        url=reverse("normative_public:detail", args=[d.agency.code, d.pk]),
        agency=d.agency.code,
        agency_name=d.agency.name,
        agencies=_agencies(d.agency),
        day=d.published_on,
        category=d.topic,
        status=d.status,
        keywords=" ".join(x for x in (d.document_number, d.keywords, d.co_issuers) if x),
    )


# --- annual reports -----------------------------------------------------------------------------------


def _reports() -> QuerySet[Any]:
    from gongkai.reports.models import AnnualReport, Stage

    later = AnnualReport.objects.filter(
        agency=OuterRef("agency"),
        year=OuterRef("year"),
        stage=Stage.PUBLISHED,
        version__gt=OuterRef("version"),
    )
    return (
        AnnualReport.objects.filter(stage=Stage.PUBLISHED)
        .exclude(Exists(later))
        .select_related("agency")
        .order_by()
    )


def _report_doc(r: Any) -> IndexDoc:
    title = f"{r.agency.name}{r.year}年政府信息公开工作年度报告"
    return IndexDoc(
        key=f"report:{r.pk}",
        type="report",
        title=title,
        body="\n".join(x for x in (r.section1, r.section5, r.section6, r.correction_note) if x),
        url=reverse("reports_public:detail", args=[r.agency.code, r.year]),
        agency=r.agency.code,
        agency_name=r.agency.name,
        agencies=_agencies(r.agency),
        day=timezone.localdate(r.published_at) if r.published_at else None,
        category=str(_("年度报告")),
    )


# --- published Q&A ------------------------------------------------------------------------------------


def _qa() -> QuerySet[Any]:
    from gongkai.mailbox.models import Letter

    return Letter.objects.filter(published=True).select_related("box__agency").order_by()


def _qa_doc(letter: Any) -> IndexDoc:
    agency = letter.box.agency
    day = letter.replied_on or (timezone.localdate(letter.published_at) if letter.published_at else None)
    return IndexDoc(
        key=f"qa:{letter.pk}",
        type="qa",
        title=letter.published_title,
        body=f"{letter.published_question}\n{letter.published_answer}",
        url=reverse("mailbox_public:qa", args=[agency.code, letter.public_id]),
        agency=agency.code,
        agency_name=agency.name,
        agencies=_agencies(agency),
        day=day,
        category=letter.box.title,
    )


# --- land expropriation projects ----------------------------------------------------------------------


def _land() -> QuerySet[Any]:
    from gongkai.land.models import ExpropriationProject

    return (
        ExpropriationProject.objects.filter(withheld=False)
        .select_related("agency", "county")
        .prefetch_related("places")
        .order_by()
    )


def _land_doc(p: Any) -> IndexDoc:
    places = [pl.full_name for pl in p.places.all()]
    body = "\n".join(
        x
        for x in (
            f"征收目的：{p.purpose}",
            f"所在县市区：{p.county.name}",
            "涉及乡镇、村：" + "、".join(places) if places else "",
            f"涉及村民小组：{p.village_groups}" if p.village_groups else "",
            f"批准文号：{p.approval_number}" if p.approval_number else "",
            f"征收面积：{p.area_ha} 公顷，其中耕地 {p.farmland_ha} 公顷",
        )
        if x
    )
    return IndexDoc(
        key=f"land:{p.pk}",
        type="land",
        title=p.name,
        body=body,
        url=reverse("land_public:project", args=[p.agency.code, p.pk]),
        agency=p.agency.code,
        agency_name=p.agency.name,
        agencies=_agencies(p.agency),
        day=p.approval_date,
        category=str(_("征地信息")),
        keywords=" ".join([p.county.name, *(pl.name for pl in p.places.all()), p.approval_number]),
    )


def _sources() -> dict[str, Source]:
    found = [
        Source("item", "publishing.Item", _items, _item_doc),
        Source("normative", "normative.Document", _normative, _normative_doc),
        Source("report", "reports.AnnualReport", _reports, _report_doc),
        Source("qa", "mailbox.Letter", _qa, _qa_doc),
    ]
    if apps.is_installed("gongkai.land"):
        found.append(Source("land", "land.ExpropriationProject", _land, _land_doc))
    return {s.kind: s for s in found if apps.is_installed("gongkai." + s.model.split(".")[0])}


SOURCES: dict[str, Source] = {}


def sources() -> dict[str, Source]:
    if not SOURCES:
        SOURCES.update(_sources())
    return SOURCES


def kind_of(obj: Model) -> str:
    label = f"{obj._meta.app_label}.{obj._meta.object_name}"
    for source in sources().values():
        if source.model == label:
            return source.kind
    raise ValueError(f"{label} is not searchable")


def public_keys(keys: list[str]) -> set[str]:
    """Which of these keys ("kind:id") are public now: one SQL query (a UNION over the kinds)."""
    by_kind: dict[str, list[int]] = {}
    for key in keys:
        kind, _sep, pk = key.partition(":")
        if kind in sources() and pk.isdigit():
            by_kind.setdefault(kind, []).append(int(pk))
    parts = [
        sources()[kind]
        .public()
        .filter(pk__in=ids)
        .annotate(search_kind=Value(kind))
        .values_list("search_kind", "pk")
        .order_by()
        for kind, ids in by_kind.items()
    ]
    if not parts:
        return set()
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {f"{kind}:{pk}" for kind, pk in query.order_by()}


def load(kind: str, pk: int) -> IndexDoc | None:
    """The document for ``kind:pk`` if it is public now, else None."""
    obj = sources()[kind].public().filter(pk=pk).first()
    return sources()[kind].to_doc(obj) if obj is not None else None


def iterate(batch: int = 500) -> Iterator[list[IndexDoc]]:
    """Every public document, in batches (for ``gongkai reindex``)."""
    for source in sources().values():
        qs = source.public().order_by("pk")
        last = 0
        while True:
            rows = list(qs.filter(pk__gt=last)[:batch])
            if not rows:
                break
            last = rows[-1].pk
            yield [source.to_doc(r) for r in rows]


def count() -> int:
    return sum(s.public().count() for s in sources().values())


def related_keys(kind: str, pk: int) -> list[str]:
    """Other keys an upsert replaces: a corrected annual report replaces the earlier versions of its year."""
    if kind != "report":
        return []
    from gongkai.reports.models import AnnualReport

    report = AnnualReport.objects.filter(pk=pk).first()
    if report is None:
        return []
    others = AnnualReport.objects.filter(agency_id=report.agency_id, year=report.year).exclude(pk=pk)
    return [f"report:{o}" for o in others.values_list("pk", flat=True)]
