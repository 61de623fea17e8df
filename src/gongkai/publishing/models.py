"""Proactive disclosure: the catalogue and the information items published under it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Agency, Unit
from gongkai.publishing.workflow import LABELS, Status

STATUS_CHOICES = [(s.value, LABELS[s]) for s in Status]


class CatalogueNode(models.Model):
    """One entry of an agency's 主动公开目录, with the standard catalogue columns (regulation.md §8)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("机关"), on_delete=models.CASCADE, related_name="catalogue"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("公开事项"), max_length=80)
    art20_item = models.PositiveSmallIntegerField(_("条例第二十条项"), null=True, blank=True)
    content = models.TextField(_("公开内容（要素）"), blank=True)
    basis = models.CharField(_("公开依据"), max_length=300, blank=True)
    time_limit = models.CharField(
        _("公开时限"), max_length=100, blank=True, default="信息形成或者变更之日起20个工作日内"
    )
    responsible = models.CharField(_("公开主体"), max_length=100, blank=True)
    channels = models.CharField(_("公开渠道和载体"), max_length=200, blank=True, default="政府网站")
    audience = models.CharField(_("公开对象"), max_length=20, blank=True, default="全社会")
    mode = models.CharField(_("公开方式"), max_length=20, blank=True, default="主动")
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主动公开目录")
        verbose_name_plural = _("主动公开目录")
        ordering = ["agency", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "parent", "name"], name="catalogue_unique_name"),
            models.CheckConstraint(
                condition=Q(art20_item__isnull=True) | Q(art20_item__gte=1, art20_item__lte=15),
                name="catalogue_art20_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DisclosureMode(models.TextChoices):
    PROACTIVE = "proactive", _("主动公开")
    ON_APPLICATION = "on_application", _("依申请公开")
    WITHHELD = "withheld", _("不予公开")


class Item(models.Model):
    """One piece of government information (政府信息) and its editorial state.

    The public sees ``current`` — the last published :class:`ItemVersion` — while the fields here may
    hold the next revision being edited and reviewed. The 索引号 is given at first publication,
    gap-free per agency and year, and never reissued (a withdrawn item keeps it).
    """

    agency = models.ForeignKey(
        Agency, verbose_name=_("发布机构"), on_delete=models.PROTECT, related_name="items"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("承办处室"), null=True, blank=True, on_delete=models.PROTECT
    )
    node = models.ForeignKey(
        CatalogueNode, verbose_name=_("目录"), on_delete=models.PROTECT, related_name="items"
    )
    index_number = models.CharField(_("索引号"), max_length=40, unique=True, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=STATUS_CHOICES, default=Status.DRAFT)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    formed_on = models.DateField(_("成文日期"), help_text=_("信息形成或者变更之日"))
    topic = models.CharField(_("主题分类"), max_length=40, blank=True)
    genre = models.CharField(_("体裁"), max_length=40, blank=True)
    disclosure_mode = models.CharField(
        _("公开方式"), max_length=16, choices=DisclosureMode.choices, default=DisclosureMode.PROACTIVE
    )
    withheld_reason = models.CharField(_("不公开理由"), max_length=200, blank=True)
    interprets = models.ForeignKey(
        "self",
        verbose_name=_("解读的文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpretations",
    )
    publish_at = models.DateTimeField(_("定时发布时间"), null=True, blank=True)
    # Art. 26 limit, kept current by services (and re-dated when a holiday schedule changes).
    publish_due = models.DateField(_("公开时限"), null=True, blank=True, db_index=True, editable=False)
    first_published_at = models.DateTimeField(_("首次发布时间"), null=True, blank=True, db_index=True)
    current = models.ForeignKey(
        "ItemVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    withdrawn_reason = models.CharField(_("撤回理由"), max_length=200, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    review_note = models.TextField(_("审查意见"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("政府信息")
        verbose_name_plural = _("政府信息")
        ordering = ["-first_published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="item_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(disclosure_mode="withheld") | ~Q(withheld_reason=""),
                name="item_withheld_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["agency", "first_published_at"], name="item_agency_published")]

    def __str__(self) -> str:
        return self.index_number or self.title

    @property
    def status_label(self) -> str:
        return LABELS[Status(self.status)]

    @property
    def is_public(self) -> bool:
        return self.current_id is not None and self.withdrawn_at is None


class ItemVersion(models.Model):
    """Every published version is kept and can be viewed (条例: updated information is re-published)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    document_number = models.CharField(max_length=100, blank=True)
    formed_on = models.DateField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="item_version_unique")]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("published versions are kept unchanged")
        super().save(*args, **kwargs)


class Guide(models.Model):
    """An agency's 政府信息公开指南 (Art. 12): editable text; the page shows when it was last updated."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="guide")
    body = models.TextField(_("指南正文"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("信息公开指南")
        verbose_name_plural = _("信息公开指南")

    def __str__(self) -> str:
        return f"{self.agency} 指南"


class ItemFile(models.Model):
    """An original file published with an item (downloadable as it was issued)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="public/items/", max_length=200)
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
