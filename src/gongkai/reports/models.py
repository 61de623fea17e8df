"""Annual reports: one per agency and year (a correction is a new version), with the narrative text, the
cells entered or adjusted by hand, and the frozen figures of the published version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Agency


class Stage(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWED = "reviewed", _("已审核")
    PUBLISHED = "published", _("已发布")


class AnnualReport(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("报告年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    format = models.CharField(_("报告格式"), max_length=4)
    stage = models.CharField(_("状态"), max_length=10, choices=Stage.choices, default=Stage.DRAFT)
    section1 = models.TextField(_("一、总体情况"), blank=True)
    section5 = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    section6 = models.TextField(_("六、其他需要报告的事项"), blank=True)
    explanations = models.JSONField(_("未通过校验的说明"), default=dict, blank=True)
    correction_note = models.CharField(_("更正说明"), max_length=300, blank=True)
    snapshot = models.JSONField(_("发布时的报告"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["agency", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "version"], name="report_version_unique"),
            models.CheckConstraint(condition=Q(format__in=["2019", "2021"]), name="report_format_valid"),
            models.CheckConstraint(
                condition=~Q(stage="published") | Q(snapshot__isnull=False, published_at__isnull=False),
                name="report_published_is_frozen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}年度报告 v{self.version}"


class CellEntry(models.Model):
    """A cell entered or adjusted by hand, with the reason (marked in every output, audited)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="entries")
    path = models.CharField(_("单元格"), max_length=100)
    value = models.CharField(_("数值"), max_length=30)
    computed = models.CharField(_("系统计算值"), max_length=30, blank=True)
    reason = models.CharField(_("理由"), max_length=300)
    at = models.DateTimeField(auto_now=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["report", "path"], name="report_cell_unique")]

    def __str__(self) -> str:
        return f"{self.path}={self.value}"
