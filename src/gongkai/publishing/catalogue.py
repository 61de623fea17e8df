"""The 主动公开目录 as an editable tree: reads (the whole tree with counts in one query) and writes.

Every write is one transaction that first locks the agency's row, so two editors of the same catalogue
are serialised (no cycle from two crossing moves, no twin names at the top level where the database
constraint cannot see them: its ``parent`` is NULL there), validates the standard catalogue fields of
``regulation.md`` §8 and writes an :mod:`~gongkai.core.audit` event (who, what, why) in the same
transaction. Messages are Chinese; the views and the admin show them as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from gongkai.core import audit
from gongkai.core.statute import chinese_numeral
from gongkai.core.text import clean_text
from gongkai.orgs.models import Agency
from gongkai.publishing.models import CatalogueNode

MAX_DEPTH = 4  # 一级 … 四级事项 (regulation.md §8: some catalogues go to 三级/四级目录)
CONTENT_MAX = 2000

# The standard values of regulation.md §8, offered by the form; the channel list is open (其他 …).
CHANNELS = (
    "政府网站",
    "政府公报",
    "两微一端",
    "发布会/听证会",
    "广播电视",
    "纸质媒体",
    "公开查阅点",
    "政务服务中心",
    "便民服务站",
    "入户/现场",
    "社区/企事业单位/村公示栏（电子屏）",
    "精准推送",
    "其他",
)
AUDIENCES = ("全社会", "特定群体")
MODES = ("主动", "依申请", "主动、依申请")
CHANNEL_SEPARATOR = "、"

TEXT_FIELDS = ("name", "content", "basis", "time_limit", "responsible", "channels", "audience", "mode")
FIELDS = (*TEXT_FIELDS, "art20_item")
LABELS = {
    "name": "公开事项",
    "content": "公开内容（要素）",
    "basis": "公开依据",
    "time_limit": "公开时限",
    "responsible": "公开主体",
    "channels": "公开渠道和载体",
    "audience": "公开对象",
    "mode": "公开方式",
    "art20_item": "条例第二十条项",
}


def _max_length(field: str) -> int:
    if field == "content":
        return CONTENT_MAX
    length = getattr(CatalogueNode._meta.get_field(field), "max_length", None)
    assert isinstance(length, int)
    return length


# --- reads -------------------------------------------------------------------------------------------


def tree(agency: Agency) -> list[CatalogueNode]:
    """The agency's catalogue as a list of roots, in order, from one query.

    Every node gets ``kids`` (its children, in order), ``depth`` (0 for a root), ``number`` ("2.1"),
    ``trail`` (the names above it), ``numeral`` (（一） for an Art. 20 item), ``published`` (items public
    now) and ``items_total`` (items in any state: a node with any cannot be deleted).
    """
    public = Q(items__current__isnull=False, items__withdrawn_at__isnull=True)
    nodes = list(
        CatalogueNode.objects.filter(agency=agency)
        .annotate(published=Count("items", filter=public), items_total=Count("items"))
        .order_by("position", "id")
    )
    by_parent: dict[int | None, list[CatalogueNode]] = {}
    for node in nodes:
        node.kids = []  # type: ignore[attr-defined]
        by_parent.setdefault(node.parent_id, []).append(node)

    def build(parent: CatalogueNode | None, depth: int, number: str, trail: list[str]) -> list[CatalogueNode]:
        kids = by_parent.get(parent.pk if parent else None, [])
        for index, node in enumerate(kids, start=1):
            node.depth = depth  # type: ignore[attr-defined]
            node.number = f"{number}{index}"  # type: ignore[attr-defined]
            node.trail = trail  # type: ignore[attr-defined]
            node.numeral = chinese_numeral(node.art20_item) if node.art20_item else ""  # type: ignore[attr-defined]
            node.kids = build(node, depth + 1, f"{node.number}.", [*trail, node.name])  # type: ignore[attr-defined]
        return kids

    return build(None, 0, "", [])


def flatten(roots: Iterable[CatalogueNode]) -> Iterator[CatalogueNode]:
    """The nodes of :func:`tree` in reading order (each node before its children)."""
    for node in roots:
        yield node
        yield from flatten(node.kids)  # type: ignore[attr-defined]


def _subtree_ids(agency: Agency, node: CatalogueNode) -> tuple[set[int], int]:
    """The ids of ``node`` and everything below it, and the subtree's height (1 for a leaf)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in CatalogueNode.objects.filter(agency=agency).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids: set[int] = set()
    height = 0
    level = [node.pk]
    while level:
        height += 1
        ids.update(level)
        level = [c for pk in level for c in children.get(pk, []) if c not in ids]
    return ids, height


def depth_of(node: CatalogueNode | None) -> int:
    """How many levels a node sits at (1 for a root; 0 for "no node", the top level itself)."""
    depth = 0
    while node is not None:
        depth += 1
        node = node.parent
    return depth


def descendants(node: CatalogueNode) -> set[int]:
    return _subtree_ids(node.agency, node)[0]


# --- validation --------------------------------------------------------------------------------------


def _clean(data: dict[str, Any], node: CatalogueNode | None) -> dict[str, Any]:
    """The catalogue fields of ``data`` (only those present), cleaned; raises with every problem."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in TEXT_FIELDS:
        if field not in data:
            continue
        raw = data[field]
        if field == "channels" and isinstance(raw, (list, tuple)):
            raw = CHANNEL_SEPARATOR.join(clean_text(str(c)).strip() for c in raw if str(c).strip())
        text = clean_text(str(raw or "")).strip()
        if field != "content":
            text = " ".join(text.split())  # one line: no stray newlines in a table cell
        limit = _max_length(field)
        if len(text) > limit:
            errors.setdefault(field, []).append(
                f"{LABELS[field]}最多 {limit} 个字（现有 {len(text)} 个字）。"
            )
        values[field] = text
    if "name" in values and not values["name"]:
        errors.setdefault("name", []).append("请填写公开事项名称。")
    if values.get("audience") and values["audience"] not in AUDIENCES:
        errors.setdefault("audience", []).append("公开对象只能是“全社会”或“特定群体”。")
    if values.get("mode") and values["mode"] not in MODES:
        errors.setdefault("mode", []).append("公开方式只能是“主动”“依申请”或“主动、依申请”。")
    if "art20_item" in data:
        raw_item = data["art20_item"]
        if raw_item in (None, ""):
            values["art20_item"] = None
        else:
            try:
                number = int(raw_item)
            except (TypeError, ValueError):
                number = 0
            if not 1 <= number <= 15:
                errors.setdefault("art20_item", []).append("条例第二十条只有第（一）至第（十五）项。")
            values["art20_item"] = number
    if errors:
        raise ValidationError(errors)
    return values


def _check_name_free(
    agency: Agency, parent: CatalogueNode | None, name: str, node: CatalogueNode | None
) -> None:
    clash = CatalogueNode.objects.filter(agency=agency, parent=parent, name=name)
    if node is not None and node.pk:
        clash = clash.exclude(pk=node.pk)
    if clash.exists():
        where = f"“{parent.name}”下" if parent is not None else "第一级"
        raise ValidationError({"name": f"{where}已有名为“{name}”的事项，同一级的事项名称不能重复。"})


def _check_parent(agency: Agency, parent: CatalogueNode | None) -> None:
    if parent is not None and parent.agency_id != agency.pk:
        raise ValidationError({"parent": "上级目录不属于本机关。"})


def _lock(agency: Agency) -> None:
    """Serialise catalogue writes of one agency (a row lock on PostgreSQL; SQLite has one writer)."""
    Agency.objects.select_for_update().filter(pk=agency.pk).exists()


def _siblings(agency: Agency, parent: CatalogueNode | None) -> list[CatalogueNode]:
    return list(CatalogueNode.objects.filter(agency=agency, parent=parent).order_by("position", "id"))


def _renumber(siblings: Sequence[CatalogueNode]) -> None:
    """Positions 1…n in the given order (only rows whose position changes are written)."""
    for index, sibling in enumerate(siblings, start=1):
        if sibling.position != index:
            CatalogueNode.objects.filter(pk=sibling.pk).update(position=index)
            sibling.position = index


# --- writes ------------------------------------------------------------------------------------------


@transaction.atomic
def node_create(
    agency: Agency, parent: CatalogueNode | None, data: dict[str, Any], by: Any, *, reason: str = ""
) -> CatalogueNode:
    """A new entry at the end of ``parent``'s children (or of the top level)."""
    _lock(agency)
    _check_parent(agency, parent)
    if parent is not None:
        parent = CatalogueNode.objects.get(pk=parent.pk)  # fresh, under the lock
        if depth_of(parent) >= MAX_DEPTH:
            raise ValidationError({"parent": f"目录最多 {MAX_DEPTH} 级，不能在“{parent.name}”下再添加下级。"})
    values = _clean({"name": "", **data}, None)
    _check_name_free(agency, parent, values["name"], None)
    last = CatalogueNode.objects.filter(agency=agency, parent=parent).order_by("-position").first()
    node = CatalogueNode.objects.create(
        agency=agency, parent=parent, position=(last.position + 1) if last else 1, **values
    )
    audit.record(
        by,
        "catalogue.create",
        node,
        agency=agency,
        reason=reason,
        data={
            "parent": parent.pk if parent else None,
            **{k: v for k, v in values.items() if v not in ("", None)},
        },
    )
    return node


@transaction.atomic
def node_update(node: CatalogueNode, data: dict[str, Any], by: Any, *, reason: str = "") -> CatalogueNode:
    """Change the catalogue fields of an entry (its place in the tree changes with :func:`node_move`)."""
    _lock(node.agency)
    node.refresh_from_db()
    values = _clean(data, node)
    if "name" in values:
        _check_name_free(node.agency, node.parent, values["name"], node)
    changed = {k: [getattr(node, k), v] for k, v in values.items() if getattr(node, k) != v}
    if changed:
        for key, (_old, new) in changed.items():
            setattr(node, key, new)
        node.save(update_fields=list(changed))
        audit.record(
            by, "catalogue.update", node, agency=node.agency, reason=reason, data={"changed": changed}
        )
    return node


@transaction.atomic
def node_move(
    node: CatalogueNode,
    new_parent: CatalogueNode | None,
    position: int | None,
    by: Any,
    *,
    reason: str = "",
) -> CatalogueNode:
    """Put ``node`` (with everything below it) under ``new_parent`` at ``position`` among its new
    siblings (0 is first; ``None`` or past the end is last). Same agency only; never under itself."""
    agency = node.agency
    _lock(agency)
    node.refresh_from_db()
    if new_parent is not None:
        if new_parent.agency_id != node.agency_id:
            raise ValidationError({"parent": "只能移到本机关的目录下。"})
        new_parent = CatalogueNode.objects.get(pk=new_parent.pk)
        subtree, height = _subtree_ids(agency, node)
        if new_parent.pk in subtree:
            raise ValidationError({"parent": f"不能把“{node.name}”移到它自己或它的下级之下。"})
        if depth_of(new_parent) + height > MAX_DEPTH:
            raise ValidationError({"parent": f"移动后目录将超过 {MAX_DEPTH} 级。"})
    old_parent_id = node.parent_id
    same_parent = old_parent_id == (new_parent.pk if new_parent else None)
    current = _siblings(agency, new_parent)
    siblings = [s for s in current if s.pk != node.pk]
    index = len(siblings) if position is None else max(0, min(position, len(siblings)))
    siblings.insert(index, node)
    if same_parent and [s.pk for s in current] == [s.pk for s in siblings]:
        return node  # nothing moves
    if not same_parent:
        _check_name_free(agency, new_parent, node.name, node)
        node.parent = new_parent
        node.save(update_fields=["parent"])
        old = CatalogueNode.objects.get(pk=old_parent_id) if old_parent_id else None
        _renumber(_siblings(agency, old))
    _renumber(siblings)
    node.refresh_from_db()
    audit.record(
        by,
        "catalogue.move",
        node,
        agency=agency,
        reason=reason,
        data={"from": old_parent_id, "to": node.parent_id, "position": index},
    )
    return node


@transaction.atomic
def node_reorder(
    parent: CatalogueNode | None,
    ordered_ids: Sequence[int],
    by: Any,
    *,
    agency: Agency | None = None,
    reason: str = "",
) -> list[CatalogueNode]:
    """Put the children of ``parent`` (the top level of ``agency`` when ``parent`` is None) in the
    order of ``ordered_ids``, which must name each of them exactly once."""
    if parent is not None:
        agency = parent.agency
    if agency is None:
        raise ValueError("node_reorder needs the agency for the top level")
    _lock(agency)
    siblings = _siblings(agency, parent)
    ids = [int(i) for i in ordered_ids]
    if sorted(ids) != sorted(s.pk for s in siblings) or len(set(ids)) != len(ids):
        raise ValidationError(
            "排序须列出这一级的全部事项，且每项只列一次；目录可能已被他人修改，请刷新后重试。"
        )
    by_id = {s.pk: s for s in siblings}
    ordered = [by_id[i] for i in ids]
    if ordered == siblings:
        return ordered
    _renumber(ordered)
    audit.record(
        by,
        "catalogue.reorder",
        parent if parent is not None else agency,
        agency=agency,
        reason=reason,
        data={"parent": parent.pk if parent else None, "order": ids},
    )
    return ordered


@transaction.atomic
def node_delete(node: CatalogueNode, by: Any, *, reason: str = "") -> None:
    """Remove an entry that nothing points at: no information items, no lower entries."""
    agency = node.agency
    _lock(agency)
    node.refresh_from_db()
    items = node.items.count()
    if items:
        raise ValidationError(
            f"“{node.name}”下有 {items} 条信息（含草稿和已撤回的），不能删除；请先把这些信息改到其他目录。"
        )
    children = node.children.count()
    if children:
        raise ValidationError(
            f"“{node.name}”下还有 {children} 个下级事项，不能删除；请先删除或移走下级事项。"
        )
    audit.record(
        by,
        "catalogue.delete",
        node,
        agency=agency,
        reason=reason,
        data={
            f: getattr(node, f) for f in ("name", "parent_id", "art20_item") if getattr(node, f) is not None
        },
    )
    parent = node.parent
    node.delete()
    _renumber(_siblings(agency, parent))
