"""Writes for land expropriation. Each is one transaction and writes its audit event in it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.text import clean_text
from gongkai.land import reference, rules
from gongkai.land.models import (
    CODE_LENGTH,
    Disclosure,
    ExpropriationProject,
    NoticeStatus,
    Place,
    PlaceLevel,
    ProjectLink,
    QuarterlyNotice,
    RequiredDisclosure,
)
from gongkai.orgs.models import Agency
from gongkai.publishing import services as publishing
from gongkai.publishing.models import CatalogueNode, Item
from gongkai.search import outbox as search_outbox

LAND_NODE = "征地信息"
PARENT_PREFIX = {PlaceLevel.CITY: 2, PlaceLevel.COUNTY: 4, PlaceLevel.TOWNSHIP: 6, PlaceLevel.VILLAGE: 9}
PROJECT_FIELDS = (
    "name",
    "kind",
    "regime",
    "approving_authority",
    "approval_number",
    "approval_date",
    "approval_received_date",
    "area_ha",
    "farmland_ha",
    "purpose",
    "village_groups",
    "withheld",
    "withheld_reason",
    "city_agency",
    "county",
)


def ensure_requirements() -> None:
    """The seeded reference rows (the data migration adds them; a flushed test database may not have them)."""
    if not RequiredDisclosure.objects.exists():
        reference.seed(RequiredDisclosure)


@transaction.atomic
def place_ensure(*, code: str, name: str, level: str, parent: Place | None, local: bool = False) -> Place:
    """Get or create a place by code (the name is updated if it changed)."""
    if len(code) != CODE_LENGTH[PlaceLevel(level)]:
        raise ValidationError(f"{name}：区划代码 {code} 的位数与层级不符。")
    prefix = PARENT_PREFIX.get(PlaceLevel(level), 0)
    if parent is not None and code[:prefix] != parent.code[:prefix]:
        raise ValidationError(f"{name}：区划代码 {code} 不在上级 {parent.name}（{parent.code}）之下。")
    place, created = Place.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "is_local_code": local}
    )
    if not created and place.name != name:
        place.name = name
        place.save()
    return place


def local_village_code(township: Place) -> str:
    """The next free local code for a village under ``township`` (村委会 range 200–399; flagged local)."""
    taken = set(
        Place.objects.filter(parent=township, level=PlaceLevel.VILLAGE).values_list("code", flat=True)
    )
    for n in range(200, 400):
        code = f"{township.code}{n:03d}"
        if code not in taken:
            return code
    raise ValidationError(f"{township.name}下的村级本地编码已用完。")


def _clean_project(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in PROJECT_FIELDS if k in data}
    for key in ("name", "approval_number", "purpose", "village_groups", "withheld_reason"):
        if isinstance(values.get(key), str):
            values[key] = clean_text(values[key]).strip()
    approval, received = values.get("approval_date"), values.get("approval_received_date")
    if received and not approval:
        raise ValidationError({"approval_received_date": "请先填写批准日期。"})
    if approval and received and received < approval:
        raise ValidationError({"approval_received_date": "收到批准文件日期不能早于批准日期。"})
    if approval and approval > timezone.localdate():
        raise ValidationError({"approval_date": "批准日期不能晚于今天。"})
    area, farmland = values.get("area_ha"), values.get("farmland_ha")
    if area is not None and farmland is not None and farmland > area:
        raise ValidationError({"farmland_ha": "耕地面积不能大于征收面积。"})
    if values.get("withheld") and not values.get("withheld_reason"):
        raise ValidationError({"withheld_reason": "不予公开的项目须写明理由和依据。"})
    return values


def _checklist(project: ExpropriationProject) -> int:
    """Instantiate the project's document list for its regime (existing rows are kept)."""
    ensure_requirements()
    made = 0
    for req in RequiredDisclosure.objects.filter(active=True):
        if req.applies_to(project.regime):
            _d, created = Disclosure.objects.get_or_create(project=project, requirement=req)
            made += created
    return made


@transaction.atomic
def project_create(
    *, agency: Agency, data: dict[str, Any], places: list[Place] | None = None, by: Any, via: str = ""
) -> ExpropriationProject:
    """Create a project with its document checklist. ``via`` says where it came from (``form``; the
    import and the demo leave it blank) and is kept in the audit entry."""
    values = _clean_project(data)
    if "regime" not in data:
        values["regime"] = rules.propose_regime(values.get("approval_date")).value
    if values.get("city_agency") is None and agency.parent_id and agency.level == "county":
        values["city_agency"] = agency.parent
    project = ExpropriationProject.objects.create(agency=agency, **values)
    if places:
        project.places.set(places)
    _checklist(project)
    search_outbox.enqueue(project)
    audit.record(
        by,
        "land.project_create",
        project,
        agency=agency,
        data={"name": project.name, **({"via": via} if via else {})},
    )
    return project


@transaction.atomic
def project_update(
    *, project: ExpropriationProject, data: dict[str, Any], places: list[Place] | None = None, by: Any
) -> ExpropriationProject:
    values = _clean_project(data)
    for key, value in values.items():
        setattr(project, key, value)
    project.save()
    if places is not None:
        project.places.set(places)
    _checklist(project)
    search_outbox.enqueue(project, "delete" if project.withheld else "upsert")
    audit.record(by, "land.project_update", project, agency=project.agency, data={"fields": sorted(values)})
    return project


def county_within(agency: Agency, county_code: str) -> bool:
    """Is the county (its 6-digit code) inside the area of ``agency`` (a province, city or county)?"""
    width = {"province": 2, "city": 4}.get(agency.level, 6)
    return county_code[:width] == agency.division_code[:width]


def places_from_names(county: Place, township: str, villages: list[str]) -> list[Place]:
    """The places a project concerns, from names as people write them: the township under ``county`` and
    its villages; those not yet known get local codes (never shown as official ones). Only the township
    when no village is named; nothing without a township."""
    if not township:
        return []
    found = Place.objects.filter(parent=county, name=township).first()
    if found is None:
        taken = set(Place.objects.filter(parent=county).values_list("code", flat=True))
        code = next(
            (f"{county.code}{n:03d}" for n in range(100, 1000) if f"{county.code}{n:03d}" not in taken), None
        )
        if code is None:
            raise ValidationError(f"{county.name}下的乡镇本地编码已用完。")
        found = place_ensure(code=code, name=township, level=PlaceLevel.TOWNSHIP, parent=county, local=True)
    places = []
    for name in villages:
        village = Place.objects.filter(parent=found, name=name).first()
        if village is None:
            village = place_ensure(
                code=local_village_code(found), name=name, level=PlaceLevel.VILLAGE, parent=found, local=True
            )
        places.append(village)
    return places or [found]


@transaction.atomic
def project_register(
    *, agency: Agency, data: dict[str, Any], township: str = "", villages: list[str] | None = None, by: Any
) -> ExpropriationProject:
    """A project typed by staff of the responsible agency (the staff form): the checks the import makes
    (the county inside the agency's area, no second project of the same name or 批准文号, villages only
    with their township), then :func:`project_create` (its checklist and its audit entry)."""
    villages = [clean_text(v).strip()[:60] for v in villages or [] if clean_text(v).strip()]
    township = clean_text(township).strip()[:60]
    values = {k: data[k] for k in PROJECT_FIELDS if k in data and data[k] not in (None, "")}
    errors: dict[str, list[str]] = {}
    county: Place | None = values.get("county")
    if county is None or county.level != PlaceLevel.COUNTY:
        errors["county"] = ["请选择县市区。"]
    elif not county_within(agency, county.code):
        errors["county"] = [f"{county.name}不在{agency.name}的辖区内。"]
    name = clean_text(values.get("name", "")).strip()
    if not name:
        errors["name"] = ["请填写项目（批次）名称。"]
    elif ExpropriationProject.objects.filter(agency=agency, name=name).exists():
        errors["name"] = [f"本机关已有名为“{name}”的项目。"]
    number = clean_text(values.get("approval_number", "")).strip()
    if number and ExpropriationProject.objects.filter(approval_number=number).exists():
        errors["approval_number"] = [f"批准文号“{number}”已登记在另一个项目中。"]
    if villages and not township:
        errors["villages"] = ["填写村时须同时填写乡镇。"]
    if errors:
        raise ValidationError(errors)
    values["name"], values["approval_number"] = name, number
    assert county is not None
    places = places_from_names(county, township, villages)
    try:
        with transaction.atomic():
            return project_create(agency=agency, data=values, places=places, by=by, via="form")
    except IntegrityError as exc:  # the same name or number saved by someone else a moment ago
        raise ValidationError({"name": ["该项目刚刚已由他人登记，请刷新项目列表查看。"]}) from exc


def _item_allowed(project: ExpropriationProject, item: Item) -> bool:
    """A document may be published by the county, its city or the province (e.g. the 批复)."""
    return project.agency.is_within(item.agency)


@transaction.atomic
def disclosure_update(*, disclosure: Disclosure, data: dict[str, Any], by: Any) -> Disclosure:
    item = data.get("item", disclosure.item)
    if item is not None and not _item_allowed(disclosure.project, item):
        raise ValidationError({"item": "该信息不是本项目的县、市或省级机关发布的。"})
    for key in ("issued_on", "published_on", "posting_start", "posting_end", "not_applicable", "note"):
        if key in data:
            setattr(disclosure, key, data[key])
    disclosure.item = item
    if item is not None and disclosure.issued_on is None:
        disclosure.issued_on = item.formed_on
    disclosure.note = clean_text(disclosure.note or "").strip()
    if disclosure.not_applicable and not disclosure.note:
        raise ValidationError({"note": "标为不适用时请说明理由。"})
    if (
        disclosure.posting_start
        and disclosure.posting_end
        and disclosure.posting_end < disclosure.posting_start
    ):
        raise ValidationError({"posting_end": "张贴结束日期不能早于开始日期。"})
    for key in ("issued_on", "published_on", "posting_start"):
        value = getattr(disclosure, key)
        if value and value > timezone.localdate():
            raise ValidationError({key: "日期不能晚于今天。"})
    disclosure.save()
    audit.record(
        by,
        "land.disclosure_update",
        disclosure,
        agency=disclosure.project.agency,
        data={"requirement": disclosure.requirement.key, "item": item.pk if item else None},
    )
    return disclosure


def land_node(agency: Agency) -> CatalogueNode:
    node = CatalogueNode.objects.filter(agency=agency, parent=None, name=LAND_NODE).first()
    if node is None:
        publishing.catalogue_seed(agency)
        node = CatalogueNode.objects.get(agency=agency, parent=None, name=LAND_NODE)
    return node


@transaction.atomic
def disclosure_draft(*, disclosure: Disclosure, formed_on: date, body: str, by: Any) -> Item:
    """Start the publishing item for a required document: a draft in the agency's 征地信息 column, linked;
    it then goes through the confidentiality review and publication like any other item."""
    project = disclosure.project
    title = f"{project.name}{disclosure.requirement.name}"
    item = publishing.item_create(
        agency=project.agency,
        by=by,
        data={
            "node": land_node(project.agency),
            "title": title[:200],
            "formed_on": formed_on,
            "document_number": "",
            "topic": "国土资源、能源",
            "genre": "公告公示",
            "body": body,
        },
    )
    disclosure_update(disclosure=disclosure, data={"item": item, "issued_on": formed_on}, by=by)
    return item


@transaction.atomic
def link_application(*, application: Any, project: ExpropriationProject, by: Any) -> ProjectLink:
    if application.agency_id != project.agency_id and not project.agency.is_within(application.agency):
        raise ValidationError("该申请的受理机关与项目的责任机关没有上下级关系。")
    link, created = ProjectLink.objects.get_or_create(
        application=application,
        project=project,
        defaults={"created_by": by if getattr(by, "pk", None) else None},
    )
    if created:
        audit.record(
            by, "land.link_application", link, agency=application.agency, data={"project": project.pk}
        )
    return link


@transaction.atomic
def unlink_application(*, link: ProjectLink, by: Any) -> None:
    audit.record(by, "land.unlink_application", link, agency=link.application.agency)
    link.delete()


# --- the quarterly notice ----------------------------------------------------------------------------------


@transaction.atomic
def notice_save(*, agency: Agency, quarter: rules.Quarter, remarks: str, by: Any) -> QuarterlyNotice:
    notice, _created = QuarterlyNotice.objects.get_or_create(
        agency=agency, year=quarter.year, quarter=quarter.number
    )
    if notice.status == NoticeStatus.PUBLISHED:
        raise ValidationError("通报已发布，不能再修改检查意见。")
    notice.remarks = clean_text(remarks).strip()
    notice.updated_by = by if getattr(by, "pk", None) else None
    notice.save()
    audit.record(by, "land.notice_save", notice, agency=agency, data={"quarter": str(quarter)})
    return notice


@transaction.atomic
def notice_issue(*, notice: QuarterlyNotice, by: Any, today: date | None = None) -> Item:
    """Freeze the table and create the 通报 as a publishing item (draft, then submitted for the
    confidentiality review); the reviewer and the publisher finish it in 主动公开."""
    from gongkai.land import notices, selectors

    if notice.item_id is not None and notice.item is not None:
        raise ValidationError("该季度通报已生成。")
    today = today or timezone.localdate()
    if notice.period.end >= today:
        raise ValidationError("季度结束后才能生成通报。")
    notice.snapshot = selectors.supervision_snapshot(notice.period, notice.agency)
    item = publishing.item_create(
        agency=notice.agency,
        by=by,
        data={
            "node": land_node(notice.agency),
            "title": str(notice),
            "formed_on": today,
            "topic": "国土资源、能源",
            "genre": "通报",
            "body": notices.notice_html(notice),
        },
    )
    publishing.item_submit(item=item, by=by)
    notice.item = item
    notice.save()
    audit.record(by, "land.notice_issue", notice, agency=notice.agency, data={"item": item.pk})
    return item


def notice_sync(notice: QuarterlyNotice) -> QuarterlyNotice:
    """The notice is published when its item is."""
    if notice.item is not None and notice.item.is_public and notice.status != NoticeStatus.PUBLISHED:
        notice.status = NoticeStatus.PUBLISHED
        notice.save(update_fields=["status", "updated_at"])
    return notice
