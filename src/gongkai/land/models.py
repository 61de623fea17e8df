"""Land expropriation (征地信息公开): places, projects, the required documents and what fulfils them.

- :class:`Place` — the region tree: province, city, county (GB/T 2260, 6 digits), township (统计用区划代码,
  9 digits) and village (12 digits). A village or township without a known statistics code gets a *local*
  code under its parent (``is_local_code``), never shown as an official one.
- :class:`ExpropriationProject` — one 征地项目/批次 with its approval.
- :class:`RequiredDisclosure` — editable reference data: the documents each project must show, their
  legal basis, anchor and limits (land.md §2.2).
- :class:`Disclosure` — project × required document → the publishing :class:`~gongkai.publishing.models.Item`
  that fulfils it. Its state (due / on time / late / missing) is computed by :mod:`gongkai.land.rules`,
  never stored.
- :class:`QuarterlyNotice` — the province's quarterly 通报, published as a publishing item.
- :class:`ProjectLink` — a land-related application linked to a project.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.land import rules
from gongkai.orgs.models import Agency

place_code_validator = RegexValidator(
    r"^(\d{6}|\d{9}|\d{12})$", _("区划代码应为 6 位（县级以上）、9 位（乡镇）或 12 位（村）数字。")
)


class PlaceLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市州")
    COUNTY = "county", _("县市区")
    TOWNSHIP = "township", _("乡镇街道")
    VILLAGE = "village", _("村社区")


CODE_LENGTH = {
    PlaceLevel.PROVINCE: 6,
    PlaceLevel.CITY: 6,
    PlaceLevel.COUNTY: 6,
    PlaceLevel.TOWNSHIP: 9,
    PlaceLevel.VILLAGE: 12,
}


def pinyin_of(name: str) -> tuple[str, str]:
    """The full pinyin (no tones, no spaces) and the initials of a place name, lower case."""
    from pypinyin import Style, lazy_pinyin

    full = "".join(lazy_pinyin(name, errors="ignore")).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return full, initials


class Place(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, unique=True, validators=[place_code_validator])
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=10, choices=PlaceLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_local_code = models.BooleanField(
        _("本地编码"), default=False, help_text=_("没有统计用区划代码时在上级代码下自编，不是官方代码。")
    )
    code_edition = models.PositiveSmallIntegerField(_("代码版本（年）"), null=True, blank=True)
    pinyin = models.CharField(_("拼音"), max_length=200, editable=False, db_index=True)
    initials = models.CharField(_("拼音首字母"), max_length=60, editable=False, db_index=True)

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=PlaceLevel.values), name="land_place_level_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pinyin, self.initials = pinyin_of(self.name)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        names = [self.name]
        p = self.parent
        while p is not None and p.level != PlaceLevel.PROVINCE:
            names.insert(0, p.name)
            p = p.parent
        return "".join(names)

    def lineage(self) -> list[Place]:
        """From the top (below the province) down to this place."""
        chain: list[Place] = [self]
        p = self.parent
        while p is not None and p.level != PlaceLevel.PROVINCE:
            chain.insert(0, p)
            p = p.parent
        return chain


class ProjectKind(models.TextChoices):
    BATCH = "batch", _("城市（村镇）建设用地批次")
    SINGLE_SITE = "single_site", _("单独选址项目")


class Authority(models.TextChoices):
    STATE_COUNCIL = "state_council", _("国务院")
    PROVINCE = "province", _("省人民政府")


REGIME_CHOICES = [(r.value, label) for r, label in rules.REGIME_LABELS.items()]


class ExpropriationProject(models.Model):
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("责任机关（县级）"),
        on_delete=models.PROTECT,
        related_name="land_projects",
        help_text=_("负责实施征收并公开信息的县级自然资源主管部门。"),
    )
    city_agency = models.ForeignKey(
        Agency,
        verbose_name=_("市级机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="land_city_projects",
    )
    county = models.ForeignKey(
        Place,
        verbose_name=_("所在县市区"),
        on_delete=models.PROTECT,
        related_name="county_projects",
        limit_choices_to={"level": PlaceLevel.COUNTY},
    )
    places = models.ManyToManyField(
        Place, verbose_name=_("涉及乡镇、村"), related_name="projects", blank=True
    )
    village_groups = models.CharField(_("涉及村民小组"), max_length=300, blank=True)
    name = models.CharField(_("项目（批次）名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=12, choices=ProjectKind.choices, default=ProjectKind.BATCH)
    regime = models.CharField(_("适用程序"), max_length=16, choices=REGIME_CHOICES, default="reg2021")
    approving_authority = models.CharField(
        _("批准机关"), max_length=16, choices=Authority.choices, default=Authority.PROVINCE
    )
    approval_number = models.CharField(_("批准文号"), max_length=60, blank=True)
    approval_date = models.DateField(_("批准日期"), null=True, blank=True)
    approval_received_date = models.DateField(
        _("收到批准文件日期"),
        null=True,
        blank=True,
        help_text=_("征收土地公告的15个工作日自此日起算；空白时按批准日期。"),
    )
    area_ha = models.DecimalField(
        _("征收面积（公顷）"), max_digits=12, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    farmland_ha = models.DecimalField(
        _("其中耕地（公顷）"),
        max_digits=12,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    purpose = models.CharField(_("征收目的（用途）"), max_length=200)
    withheld = models.BooleanField(_("不予公开"), default=False)
    withheld_reason = models.CharField(_("不予公开的理由和依据"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("征地项目")
        verbose_name_plural = _("征地项目")
        ordering = ["-approval_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="land_project_unique_name"),
            models.UniqueConstraint(
                fields=["approval_number"],
                condition=~Q(approval_number=""),
                name="land_project_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(farmland_ha__lte=models.F("area_ha")), name="land_farmland_le_area"
            ),
            models.CheckConstraint(
                condition=Q(approval_received_date__isnull=True)
                | Q(approval_date__isnull=False, approval_received_date__gte=models.F("approval_date")),
                name="land_received_after_approval",
            ),
            models.CheckConstraint(
                condition=~Q(withheld=True) | ~Q(withheld_reason=""), name="land_withheld_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def received(self) -> date | None:
        return self.approval_received_date or self.approval_date


class RequiredDisclosure(models.Model):
    """One document every project must show (land.md §2.2), with its source. Editable reference data."""

    key = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    anchor = models.CharField(
        _("起算"),
        max_length=16,
        choices=[
            (rules.Anchor.BEFORE_APPROVAL.value, _("批准前")),
            (rules.Anchor.AFTER_APPROVAL.value, _("批准后")),
        ],
    )
    limit_days = models.PositiveSmallIntegerField(_("法定时限（天）"), null=True, blank=True)
    limit_unit = models.CharField(
        _("时限单位"), max_length=2, choices=[("wd", _("工作日")), ("cd", _("自然日"))], default="wd"
    )
    online_days = models.PositiveSmallIntegerField(
        _("网上公开时限（工作日）"),
        default=20,
        help_text=_("自文件形成之日起；条例第二十六条默认20个工作日。"),
    )
    posting_min_days = models.PositiveSmallIntegerField(_("最短公告期"), null=True, blank=True)
    posting_unit = models.CharField(
        _("公告期单位"), max_length=2, choices=[("wd", _("工作日")), ("cd", _("自然日"))], default="wd"
    )
    basis = models.TextField(_("法律依据"))
    source_tag = models.CharField(
        _("依据核实程度"),
        max_length=1,
        default="V",
        help_text=_("V 已核实原文；S 二手资料；M 未核实；P 建议。"),
    )
    regimes = models.CharField(_("适用程序"), max_length=60, default="reg2021")
    conditional = models.BooleanField(_("有条件适用"), default=False)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("应公开文件")
        verbose_name_plural = _("应公开文件")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, regime: str) -> bool:
        return regime in [r.strip() for r in self.regimes.split(",")]

    def as_rule(self) -> rules.Requirement:
        return rules.Requirement(
            key=self.key,
            anchor=rules.Anchor(self.anchor),
            limit_days=self.limit_days,
            limit_unit=rules.Unit(self.limit_unit),
            online_days=self.online_days,
            posting_min_days=self.posting_min_days,
            posting_unit=rules.Unit(self.posting_unit),
        )

    @property
    def limit_text(self) -> str:
        parts = []
        if self.anchor == rules.Anchor.BEFORE_APPROVAL:
            parts.append("报批前")
        if self.limit_days:
            unit = "个工作日" if self.limit_unit == "wd" else "日"
            parts.append(f"收到批准文件之日起{self.limit_days}{unit}内")
        if self.posting_min_days:
            unit = "个工作日" if self.posting_unit == "wd" else "日"
            parts.append(f"公告期不少于{self.posting_min_days}{unit}")
        parts.append(f"形成后{self.online_days}个工作日内网上公开")
        return "；".join(parts)


class Disclosure(models.Model):
    project = models.ForeignKey(ExpropriationProject, on_delete=models.CASCADE, related_name="disclosures")
    requirement = models.ForeignKey(
        RequiredDisclosure, verbose_name=_("应公开文件"), on_delete=models.PROTECT
    )
    item = models.ForeignKey(
        "publishing.Item",
        verbose_name=_("公开信息"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="land_disclosures",
    )
    issued_on = models.DateField(_("发布（形成）日期"), null=True, blank=True)
    published_on = models.DateField(
        _("网上公开日期"), null=True, blank=True, help_text=_("关联公开信息时以其首次发布日期为准。")
    )
    posting_start = models.DateField(_("张贴公告开始"), null=True, blank=True)
    posting_end = models.DateField(_("张贴公告结束"), null=True, blank=True)
    not_applicable = models.BooleanField(_("不适用"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("公开情况")
        verbose_name_plural = _("公开情况")
        ordering = ["project", "requirement__position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "requirement"], name="land_disclosure_unique"),
            models.CheckConstraint(
                condition=Q(posting_end__isnull=True)
                | Q(posting_start__isnull=True)
                | Q(posting_end__gte=models.F("posting_start")),
                name="land_posting_order",
            ),
            models.CheckConstraint(
                condition=~Q(not_applicable=True) | ~Q(note=""), name="land_na_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.requirement}"

    @property
    def online_date(self) -> date | None:
        """When it went online: the publishing item's first publication, else the recorded date."""
        item = self.item
        if item is not None and item.first_published_at is not None and item.withdrawn_at is None:
            return timezone.localdate(item.first_published_at)
        if item is not None:
            return None
        return self.published_on


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class QuarterlyNotice(models.Model):
    """The province's quarterly 通报: remarks by the checkers, a frozen table, the publishing item."""

    agency = models.ForeignKey(Agency, verbose_name=_("通报机关"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    remarks = models.TextField(_("检查意见"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    snapshot = models.JSONField(_("通报数据"), default=dict, blank=True)
    item = models.ForeignKey(
        "publishing.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("季度通报")
        verbose_name_plural = _("季度通报")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "quarter"], name="land_notice_unique"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="land_notice_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.period.label}征地信息公开检查情况通报"

    @property
    def period(self) -> rules.Quarter:
        return rules.Quarter(self.year, self.quarter)


class ProjectLink(models.Model):
    """A land-related application (依申请公开) that concerns a project; the applicant is shown what is
    already disclosed (条例第三十六条第一项)."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="land_links"
    )
    project = models.ForeignKey(ExpropriationProject, on_delete=models.CASCADE, related_name="links")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("关联申请")
        verbose_name_plural = _("关联申请")
        constraints = [models.UniqueConstraint(fields=["application", "project"], name="land_link_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.project_id}"
