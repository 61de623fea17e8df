"""Reconsideration and litigation cases (行政复议、行政诉讼) about an agency's disclosure work.

Changed only through :mod:`gongkai.appeals.services` (each write audited); counted for section 四 of
the annual report by :mod:`gongkai.appeals.selectors`. The rules (kinds, results, deadlines) are in the
pure module :mod:`gongkai.appeals.rules`.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongkai.appeals import rules
from gongkai.orgs.models import Agency


class Kind(models.TextChoices):
    RECONSIDERATION = rules.Kind.RECONSIDERATION.value, _("行政复议")
    LITIGATION_DIRECT = rules.Kind.LITIGATION_DIRECT.value, _("行政诉讼（未经复议直接起诉）")
    LITIGATION_AFTER_RECONSIDERATION = (
        rules.Kind.LITIGATION_AFTER_RECONSIDERATION.value,
        _("行政诉讼（复议后起诉）"),
    )


class Result(models.TextChoices):
    UPHELD = rules.Result.UPHELD.value, _("维持")
    CORRECTED = rules.Result.CORRECTED.value, _("纠正")
    OTHER = rules.Result.OTHER.value, _("其他")
    PENDING = rules.Result.PENDING.value, _("尚未审结")


class AppealCase(models.Model):
    """One reconsideration or litigation case in which ``agency`` is the respondent (被申请人 / 被告)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        Agency, verbose_name=_("被申请人（被告）机关"), on_delete=models.PROTECT, related_name="appeal_cases"
    )
    number = models.CharField(_("案件编号"), max_length=60)
    kind = models.CharField(_("类型"), max_length=40, choices=Kind.choices)
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("关联申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeal_cases",
    )
    related = models.ForeignKey(
        "self",
        verbose_name=_("此前的行政复议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="later_cases",
    )
    body = models.CharField(_("复议机关或人民法院"), max_length=100)
    filed_on = models.DateField(_("立案日期"))
    result = models.CharField(_("结果"), max_length=12, choices=Result.choices, default=Result.PENDING)
    concluded_on = models.DateField(_("结案日期"), null=True, blank=True)
    extended = models.BooleanField(
        _("审理期限已依法延长"),
        default=False,
        help_text=_("行政复议经批准延长（至多三十日），或行政诉讼经上级人民法院批准延长。"),
    )
    summary = models.TextField(_("案情摘要"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("行政复议、行政诉讼案件")
        verbose_name_plural = _("行政复议、行政诉讼案件")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="appeal_unique_number"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="appeal_kind_valid"),
            models.CheckConstraint(condition=Q(result__in=Result.values), name="appeal_result_valid"),
            models.CheckConstraint(
                condition=(Q(result=Result.PENDING) & Q(concluded_on__isnull=True))
                | (~Q(result=Result.PENDING) & Q(concluded_on__isnull=False)),
                name="appeal_concluded_iff_result",
            ),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True) | Q(concluded_on__gte=F("filed_on")),
                name="appeal_concluded_after_filed",
            ),
            models.CheckConstraint(
                condition=Q(related__isnull=True) | Q(kind=Kind.LITIGATION_AFTER_RECONSIDERATION),
                name="appeal_related_only_after_reconsideration",
            ),
        ]
        indexes = [models.Index(fields=["agency", "filed_on"], name="appeal_agency_filed")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_pending(self) -> bool:
        return self.result == Result.PENDING

    @property
    def deadline(self) -> rules.Deadline:
        return rules.deadline(self.kind, self.filed_on, extended=self.extended)

    def is_overdue(self, today: date) -> bool:
        return rules.is_overdue(self.kind, self.filed_on, self.result, today, extended=self.extended)


class DocumentKind(models.TextChoices):
    PETITION = "petition", _("复议申请书或起诉状")
    RESPONSE = "response", _("答复书或答辩状")
    DECISION = "decision", _("复议决定书或判决书、裁定书")
    OTHER = "other", _("其他材料")


class AppealDocument(models.Model):
    """A file of a case: stored under a random name in the private area (never served as media), handed
    out only by the staff download view after the access check; the uploaded name is display text."""

    case = models.ForeignKey(AppealCase, on_delete=models.CASCADE, related_name="documents")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=12, choices=DocumentKind.choices)
    file = models.FileField(upload_to="private/appeals/", max_length=200)
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("案件材料")
        verbose_name_plural = _("案件材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
