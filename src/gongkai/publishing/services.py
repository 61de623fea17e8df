"""Writes for proactive disclosure. Each is one transaction; each state change goes through
:func:`transition` (workflow guard, optimistic version, audit event in the same transaction)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gongkai.core import audit, clock, pagecache, sequences
from gongkai.core.calendar import working_calendar
from gongkai.core.statute import ART20_ITEMS
from gongkai.core.text import clean_text
from gongkai.orgs.models import Agency, Role
from gongkai.publishing import workflow
from gongkai.publishing.models import CatalogueNode, Item, ItemVersion
from gongkai.publishing.workflow import Status
from gongkai.search import outbox as search_outbox

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "a",
    "blockquote",
    "span",
    "sup",
    "sub",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}


class StaleItem(ValidationError):
    pass


def sanitise(html: str) -> str:
    """Rich text from the editor, reduced to safe markup (nh3: no scripts, styles, event handlers)."""
    return nh3.clean(
        clean_text(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def publication_due(item: Item, calendar: clock.WorkingCalendar | None = None) -> date:
    """Art. 26: 20 working days from the day the information was formed or changed."""
    return clock.publication_deadline(calendar or working_calendar(), item.formed_on)


def is_late(item: Item) -> bool:
    """Published after the Art. 26 limit (derived from dates, never set by hand)."""
    if item.first_published_at is None:
        return False
    return timezone.localdate(item.first_published_at) > publication_due(item)


def recompute_publication_dues(calendar: clock.WorkingCalendar, by: Any = None) -> int:
    """Re-date every item's Art. 26 limit after the holiday schedule changed; returns how many moved."""
    moved = 0
    for item in Item.objects.only("pk", "formed_on", "publish_due"):
        due = clock.publication_deadline(calendar, item.formed_on)
        if due != item.publish_due:
            Item.objects.filter(pk=item.pk).update(publish_due=due)
            moved += 1
    return moved


def _has_role(user: Any, agency: Agency, *roles: str) -> bool:
    from gongkai.orgs.policy import has_role

    return has_role(user, agency, *roles)


def transition(
    item: Item, to: Status, *, by: Any, verb: str, reason: str = "", fields: dict[str, Any] | None = None
) -> Item:
    workflow.check(item.status, to)
    changes = {
        "status": to.value,
        "version": F("version") + 1,
        "updated_at": timezone.now(),
        **(fields or {}),
    }
    if Item.objects.filter(pk=item.pk, version=item.version).update(**changes) != 1:
        raise StaleItem("该信息已被他人修改，请刷新后再操作。")
    before = item.status
    item.refresh_from_db()
    if to in (Status.PUBLISHED, Status.WITHDRAWN):
        search_outbox.enqueue(item, "delete" if to == Status.WITHDRAWN else "upsert")
    audit.record(
        by,
        f"item.{verb}",
        item,
        agency=item.agency,
        reason=reason,
        data={"from": before, "to": to.value, "index_number": item.index_number},
    )
    return item


# --- catalogue ---------------------------------------------------------------------------------------


@transaction.atomic
def catalogue_seed(agency: Agency) -> int:
    """The 15 items of Art. 20 and the seed department's categories; idempotent."""
    created = 0
    for number, text in ART20_ITEMS:
        _node, new = CatalogueNode.objects.get_or_create(
            agency=agency,
            parent=None,
            name=text,
            defaults={
                "art20_item": number,
                "position": number,
                "responsible": agency.name,
                "basis": "《中华人民共和国政府信息公开条例》第二十条",
            },
        )
        created += new
    for offset, name in enumerate(workflow.SEED_CATEGORIES, start=100):
        _node, new = CatalogueNode.objects.get_or_create(
            agency=agency, parent=None, name=name, defaults={"position": offset, "responsible": agency.name}
        )
        created += new
    if created:
        pagecache.invalidate_on_commit()
    return created


# --- items -------------------------------------------------------------------------------------------

EDITABLE = (
    "title",
    "body",
    "document_number",
    "formed_on",
    "topic",
    "genre",
    "disclosure_mode",
    "withheld_reason",
    "node",
    "unit",
    "interprets",
)


def _clean(data: dict[str, Any], agency: Agency) -> dict[str, Any]:
    values = {k: data[k] for k in EDITABLE if k in data}
    for key in ("title", "document_number", "topic", "genre", "withheld_reason"):
        if key in values and isinstance(values[key], str):
            values[key] = clean_text(values[key]).strip()
    if "body" in values:
        values["body"] = sanitise(values["body"] or "")
    node = values.get("node")
    if node is not None and node.agency_id != agency.pk:
        raise ValidationError({"node": "目录不属于本机关。"})
    unit = values.get("unit")
    if unit is not None and unit.agency_id != agency.pk:
        raise ValidationError({"unit": "处室不属于本机关。"})
    if values.get("disclosure_mode") == "withheld" and not values.get("withheld_reason"):
        raise ValidationError({"withheld_reason": "不予公开的信息须写明理由。"})
    if values.get("formed_on"):
        if values["formed_on"] > timezone.localdate():
            raise ValidationError({"formed_on": "成文日期不能晚于今天。"})
        values["publish_due"] = clock.publication_deadline(working_calendar(), values["formed_on"])
    return values


@transaction.atomic
def item_create(*, agency: Agency, data: dict[str, Any], by: Any) -> Item:
    item = Item.objects.create(
        agency=agency, created_by=by if getattr(by, "pk", None) else None, **_clean(data, agency)
    )
    audit.record(by, "item.create", item, agency=agency)
    return item


@transaction.atomic
def item_update(*, item: Item, data: dict[str, Any], by: Any) -> Item:
    """Edit the working copy; a published item goes back to draft while its published version stays."""
    values = _clean(data, item.agency)
    if item.status in (Status.PUBLISHED, Status.WITHDRAWN):
        transition(item, Status.DRAFT, by=by, verb="revise", reason="修改已发布信息", fields=values)
        return item
    if item.status not in (Status.DRAFT,):
        raise ValidationError("送审后不能修改；请先退回草稿。")
    if Item.objects.filter(pk=item.pk, version=item.version).update(version=F("version") + 1, **values) != 1:
        raise StaleItem("该信息已被他人修改，请刷新后再操作。")
    item.refresh_from_db()
    audit.record(by, "item.update", item, agency=item.agency)
    return item


@transaction.atomic
def item_submit(*, item: Item, by: Any) -> Item:
    if item.disclosure_mode != "proactive":
        raise ValidationError("只有主动公开的信息才能送审发布。")
    return transition(item, Status.IN_REVIEW, by=by, verb="submit", reason="送保密审查")


@transaction.atomic
def item_review(*, item: Item, approve: bool, note: str, by: Any) -> Item:
    """Art. 17: the confidentiality reviewer approves, or returns the item to its author with a note."""
    if not _has_role(by, item.agency, Role.REVIEWER):
        raise ValidationError("只有保密审查员可以审查。")
    if not approve and not note.strip():
        raise ValidationError("退回时请写明审查意见。")
    return transition(
        item,
        Status.APPROVED if approve else Status.DRAFT,
        by=by,
        verb="approve" if approve else "reject",
        reason=note,
        fields={"review_note": note},
    )


@transaction.atomic
def item_publish(
    *, item: Item, by: Any, at: datetime | None = None, note: str = "", published_at: datetime | None = None
) -> Item:
    """Publish now, or schedule for ``at``; the 索引号 is given at the first publication.

    ``published_at`` records an earlier publication when an agency's archive is taken over (demo and
    migration); it is never in the future.
    """
    if not _has_role(by, item.agency, Role.PUBLISHER):
        raise ValidationError("只有信息发布员可以发布。")
    now = timezone.now()
    if published_at is not None:
        if published_at > now:
            raise ValidationError("发布时间不能晚于现在。")
        return _publish_now(item, by=by, when=published_at, note=note)
    if at is not None and at > now:
        return transition(
            item, Status.SCHEDULED, by=by, verb="schedule", reason=note, fields={"publish_at": at}
        )
    return _publish_now(item, by=by, when=now, note=note)


def next_index_number(agency: Agency, year: int) -> str:
    """The agency's next 索引号 for ``year``: one gap-free sequence for everything it publishes (items,
    normative documents). Call inside the publishing transaction."""
    serial = sequences.next_value(f"index:{agency.code}", year)
    return workflow.index_number(agency.code, year, serial)


def _publish_now(item: Item, *, by: Any, when: datetime, note: str) -> Item:
    fields: dict[str, Any] = {"publish_at": None}
    if not item.index_number:
        fields["index_number"] = next_index_number(item.agency, timezone.localdate(when).year)
        fields["first_published_at"] = when
    number = item.versions.count() + 1
    version = ItemVersion.objects.create(
        item=item,
        number=number,
        title=item.title,
        body=item.body,
        document_number=item.document_number,
        formed_on=item.formed_on,
        published_at=when,
        published_by=by if getattr(by, "pk", None) else None,
        note=note,
    )
    fields.update(current=version, withdrawn_reason="", withdrawn_at=None)
    return transition(
        item,
        Status.PUBLISHED,
        by=by,
        verb="publish",
        reason=note or ("首次发布" if number == 1 else f"更新为第 {number} 版"),
        fields=fields,
    )


@transaction.atomic
def publish_scheduled(*, now: datetime | None = None) -> list[Item]:
    """Publish every scheduled item whose time has come (run from a timer: ``gongkai publish_scheduled``)."""
    now = now or timezone.now()
    done = []
    for item in Item.objects.select_for_update().filter(status=Status.SCHEDULED, publish_at__lte=now):
        done.append(_publish_now(item, by=None, when=item.publish_at or now, note="定时发布"))
    return done


@transaction.atomic
def item_withdraw(*, item: Item, reason: str, by: Any) -> Item:
    """Withdraw from the portal with a reason; the page then says so. The 索引号 is never reissued."""
    if not _has_role(by, item.agency, Role.PUBLISHER, Role.HEAD):
        raise ValidationError("只有信息发布员或负责人可以撤回。")
    if not reason.strip():
        raise ValidationError("请写明撤回理由。")
    return transition(
        item,
        Status.WITHDRAWN,
        by=by,
        verb="withdraw",
        reason=reason,
        fields={"withdrawn_reason": clean_text(reason), "withdrawn_at": timezone.now()},
    )


# --- the guide and original files -----------------------------------------------------------------


@transaction.atomic
def guide_save(*, agency: Agency, body: str, by: Any) -> Any:
    from gongkai.publishing.models import Guide

    guide, _created = Guide.objects.get_or_create(agency=agency)
    guide.body = sanitise(body)
    guide.updated_by = by if getattr(by, "pk", None) else None
    guide.save()
    audit.record(by, "guide.update", guide, agency=agency)
    return guide


@transaction.atomic
def item_attach(*, item: Item, upload: Any, by: Any) -> Any:
    """Attach an original file (PDF, DOCX, XLSX, JPEG, PNG), checked by its content."""
    from gongkai.core import uploads
    from gongkai.publishing.models import ItemFile

    record = uploads.store(ItemFile(item=item), upload, f"items/{item.agency.code}")
    audit.record(by, "item.attach", item, agency=item.agency, data={"file": record.name})
    return record
