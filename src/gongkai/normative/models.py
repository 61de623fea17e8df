"""The normative-document library (规范性文件库): documents, their relations, history and clean-ups."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongkai.normative.lifecycle import (
    Decision,
    Relation,
    Status,
    Validity,
)
from gongkai.orgs.models import Agency, Unit


class Kind(models.TextChoices):
    NORMATIVE = "normative", _("行政规范性文件")
    RULE = "rule", _("规章")


class Stage(models.TextChoices):
    """Where a document is in 三统一: drafted, registered (numbers given), published."""

    DRAFT = "draft", _("起草")
    REGISTERED = "registered", _("已登记")
    PUBLISHED = "published", _("已发布")


# The labels of lifecycle.py (pure, Chinese) as the interface shows them, translatable.
STATUS_UI = {
    Status.NOT_YET_IN_FORCE: pgettext_lazy("validity", "尚未施行"),
    Status.IN_FORCE: pgettext_lazy("validity", "有效"),
    Status.AMENDED: pgettext_lazy("validity", "已修改"),
    Status.EXPIRED: pgettext_lazy("validity", "失效"),
    Status.REPEALED: pgettext_lazy("validity", "废止"),
}
RELATION_UI = {
    Relation.AMENDS: (pgettext_lazy("relation", "修改"), pgettext_lazy("relation", "被修改")),
    Relation.REPEALS: (pgettext_lazy("relation", "废止"), pgettext_lazy("relation", "被废止")),
    Relation.REPLACES: (pgettext_lazy("relation", "代替"), pgettext_lazy("relation", "被代替")),
    Relation.INTERPRETS: (pgettext_lazy("relation", "解读"), pgettext_lazy("relation", "解读文件")),
}
DECISION_UI = {
    Decision.KEEP: pgettext_lazy("clean-up", "继续有效"),
    Decision.AMEND: pgettext_lazy("clean-up", "拟修改"),
    Decision.REPEAL: pgettext_lazy("clean-up", "废止"),
    Decision.DECLARE_EXPIRED: pgettext_lazy("clean-up", "宣布失效"),
}
STATUS_CHOICES = [(s.value, STATUS_UI[s]) for s in Status]


class NumberingScheme(models.Model):
    """An agency's prefixes for 文号 and 登记号 of one kind of document (e.g. 湘自然资规 / HNZRZY)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="numbering_schemes")
    kind = models.CharField(_("文件类型"), max_length=10, choices=Kind.choices, default=Kind.NORMATIVE)
    document_prefix = models.CharField(_("发文机关代字"), max_length=30, help_text=_("如：湘自然资规"))
    registration_prefix = models.CharField(_("登记号前缀"), max_length=30, help_text=_("如：HNZRZY"))

    class Meta:
        verbose_name = _("编号规则")
        verbose_name_plural = _("编号规则")
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="numbering_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.agency} {self.document_prefix}"


class Document(models.Model):
    """A 行政规范性文件 or 规章 with its numbers, dates and validity.

    ``status`` is the state on the day the daily job last ran (or a decision was taken); the dates
    (``effective_on``, ``expires_on``, ``ended_on``, ``amended_on``) decide the state on any day, which
    is what the annual report counts.
    """

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("制定机关（牵头）"),
        on_delete=models.PROTECT,
        related_name="normative_documents",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("起草处室"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("文件类型"), max_length=10, choices=Kind.choices, default=Kind.NORMATIVE)
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    title = models.CharField(_("标题"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    registration_number = models.CharField(_("登记号"), max_length=60, blank=True)
    index_number = models.CharField(_("索引号"), max_length=40, blank=True)
    co_issuers = models.CharField(
        _("联合发文机关"), max_length=300, blank=True, help_text=_("联合发文时填写其他发文机关，以顿号分隔")
    )
    formed_on = models.DateField(_("成文日期"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_on = models.DateField(_("施行日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(_("效力状态"), max_length=20, choices=STATUS_CHOICES, blank=True)
    ended_on = models.DateField(_("失效或废止日期"), null=True, blank=True)
    ended_as = models.CharField(max_length=20, choices=STATUS_CHOICES, blank=True)
    amended_on = models.DateField(_("修改日期"), null=True, blank=True)
    topic = models.CharField(_("主题分类"), max_length=60, blank=True)
    keywords = models.CharField(_("主题词"), max_length=200, blank=True)
    summary = models.TextField(_("内容概述"), blank=True)
    body = models.TextField(_("正文"), blank=True)
    legality_reviewed_on = models.DateField(_("合法性审核日期"), null=True, blank=True)
    legality_review_note = models.CharField(_("合法性审核意见"), max_length=300, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filed_with = models.CharField(_("备案机关"), max_length=100, blank=True)
    filing_number = models.CharField(_("备案号"), max_length=60, blank=True)
    source = models.CharField(_("来源"), max_length=20, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("规范性文件")
        verbose_name_plural = _("规范性文件")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_number"], condition=~Q(document_number=""), name="normative_docnum_unique"
            ),
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~Q(registration_number=""),
                name="normative_regnum_unique",
            ),
            models.UniqueConstraint(
                fields=["index_number"], condition=~Q(index_number=""), name="normative_index_unique"
            ),
            models.CheckConstraint(
                condition=~Q(stage="published")
                | (Q(published_on__isnull=False) & Q(effective_on__isnull=False)),
                name="normative_published_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(expires_on__gte=models.F("effective_on")),
                name="normative_expiry_after_effect",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, ended_as="")
                | (Q(ended_on__isnull=False) & Q(ended_as__in=[Status.EXPIRED, Status.REPEALED])),
                name="normative_ended_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "stage", "published_on"], name="normative_agency_published"),
            models.Index(fields=["stage", "status"], name="normative_stage_status"),
            models.Index(fields=["expires_on"], name="normative_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.document_number}）" if self.document_number else self.title

    @property
    def status_label(self) -> str:
        return str(STATUS_UI[Status(self.status)]) if self.status else str(Stage(self.stage).label)

    @property
    def is_public(self) -> bool:
        return self.stage == Stage.PUBLISHED

    @property
    def in_force(self) -> bool:
        return self.status in (Status.IN_FORCE, Status.AMENDED)

    def validity(self) -> Validity:
        assert self.effective_on is not None
        return Validity(
            effective_on=self.effective_on,
            expires_on=self.expires_on,
            ended_on=self.ended_on,
            ended_as=Status(self.ended_as) if self.ended_as else None,
            amended_on=self.amended_on,
        )

    def co_issuer_list(self) -> list[str]:
        return [
            p.strip() for p in self.co_issuers.replace(",", "、").replace("，", "、").split("、") if p.strip()
        ]


class DocumentRelation(models.Model):
    """A later document (source) amends, repeals, replaces or interprets an earlier one (target)."""

    source = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="relations_out")
    target = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="relations_in")
    kind = models.CharField(
        _("关系"), max_length=12, choices=[(r.value, RELATION_UI[r][0]) for r in Relation]
    )
    on = models.DateField(_("生效日期"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="normative_relation_unique"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="normative_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"

    @property
    def source_label(self) -> str:
        return str(RELATION_UI[Relation(self.kind)][0])

    @property
    def target_label(self) -> str:
        return str(RELATION_UI[Relation(self.kind)][1])


class Cleanup(models.Model):
    """A clean-up campaign (清理): documents reviewed together, decided by one 清理决定."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="normative_cleanups")
    name = models.CharField(_("清理名称"), max_length=120)
    decision_number = models.CharField(_("清理决定文号"), max_length=60, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    applied_at = models.DateTimeField(_("执行时间"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("清理")
        verbose_name_plural = _("清理")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class CleanupEntry(models.Model):
    cleanup = models.ForeignKey(Cleanup, on_delete=models.CASCADE, related_name="entries")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="cleanup_entries")
    decision = models.CharField(
        _("清理意见"),
        max_length=10,
        choices=[(d.value, DECISION_UI[d]) for d in Decision],
        default=Decision.KEEP,
    )
    reason = models.CharField(_("理由"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cleanup", "document"], name="cleanup_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cleanup_id}:{self.document_id} {self.decision}"


class StatusChange(models.Model):
    """One entry of a document's history: a stage or validity change, who, when and why."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    on = models.DateField(_("生效日期"))
    before = models.CharField(max_length=20, blank=True)
    after = models.CharField(max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    related = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cleanup = models.ForeignKey(Cleanup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.before}→{self.after} {self.on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("history entries are kept unchanged")
        super().save(*args, **kwargs)

    @staticmethod
    def label(value: str) -> str:
        if value in Status.__members__.values() or value in {s.value for s in Status}:
            return str(STATUS_UI[Status(value)])
        try:
            return str(Stage(value).label)
        except ValueError:
            return value

    @property
    def before_label(self) -> str:
        return self.label(self.before) if self.before else ""

    @property
    def after_label(self) -> str:
        return self.label(self.after)


class DocumentFile(models.Model):
    """An original file of a document (the signed PDF, an attachment), downloadable as issued."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="public/normative/", max_length=200)
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
