"""Applications for disclosure (依申请公开) and everything that happens to them."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.applications import outcomes
from gongkai.applications.workflow import LABELS, Status
from gongkai.core.clock import Channel
from gongkai.core.crypto import EncryptedTextField, lookup_hash
from gongkai.core.identity import mask, mask_address, mask_phone
from gongkai.orgs.models import ID_TYPE_CHOICES, Agency, Applicant, OrganisationKind, Unit

STATUS_CHOICES = [(s.value, LABELS[s]) for s in Status]
CHANNEL_CHOICES = [(c.value, c.label) for c in Channel]
OUTCOME_CHOICES = [(o.key, outcomes.full_label(o.key)) for o in outcomes.OUTCOMES]
# The seven columns of section 三: natural persons, then the five kinds of organisation.
APPLICANT_COLUMNS = [("natural_person", _("自然人")), *OrganisationKind.choices]


class DeliveryForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")


class DeliveryMethod(models.TextChoices):
    POST = "post", _("邮寄")
    PICKUP = "pickup", _("自行领取")
    EMAIL = "email", _("电子邮件")
    ONLINE = "online", _("网上获取")
    ON_SITE = "on_site", _("当场查阅")


class Subject(models.Model):
    """A configurable subject (涉及领域) for the report narrative, e.g. 征地拆迁."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    is_land = models.BooleanField(_("涉地信息"), default=False, help_text=_("计入年报“涉地信息”统计"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("涉及领域")
        verbose_name_plural = _("涉及领域")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ApplicantGroup(models.Model):
    """A configurable applicant group (申请人群体), e.g. 被征地农民, 律师."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("申请人群体")
        verbose_name_plural = _("申请人群体")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    """One application (政府信息公开申请). Its status changes only through ``services.transition``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("申请编号"), max_length=40)
    agency = models.ForeignKey(
        Agency, verbose_name=_("受理机关"), on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(_("状态"), max_length=24, choices=STATUS_CHOICES, default=Status.SUBMITTED)
    version = models.PositiveIntegerField(default=1, editable=False)

    # Who applies: a snapshot at filing (counter applicants have no account).
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        Applicant, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    applicant_column = models.CharField(_("申请人类型"), max_length=24, choices=APPLICANT_COLUMNS)
    applicant_name = models.CharField(_("申请人姓名或名称"), max_length=100)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=ID_TYPE_CHOICES, blank=True)
    id_number = EncryptedTextField(_("证件号码"), blank=True)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = EncryptedTextField(_("通信地址"), blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)

    # What is asked for (Art. 29).
    description = models.TextField(_("所需信息的内容描述"))
    document_title = models.CharField(_("信息名称"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    delivery_form = models.CharField(
        _("提供形式"), max_length=12, choices=DeliveryForm.choices, default=DeliveryForm.PAPER
    )
    delivery_method = models.CharField(
        _("获取方式"), max_length=12, choices=DeliveryMethod.choices, default=DeliveryMethod.POST
    )
    on_site = models.BooleanField(_("现场资料查询"), default=False)

    # How and when it arrived (Art. 31).
    channel = models.CharField(_("申请方式"), max_length=20, choices=CHANNEL_CHOICES)
    submitted_at = models.DateTimeField(_("提交时间"))
    received_on = models.DateField(_("收到申请之日"), null=True, blank=True)

    # Classification for the report narrative.
    subject = models.ForeignKey(
        Subject, verbose_name=_("涉及领域"), null=True, blank=True, on_delete=models.PROTECT
    )
    region_code = models.CharField(_("涉及地区代码"), max_length=6, blank=True)
    info_year_from = models.PositiveSmallIntegerField(_("信息年份起"), null=True, blank=True)
    info_year_to = models.PositiveSmallIntegerField(_("信息年份止"), null=True, blank=True)
    applicant_group = models.ForeignKey(
        ApplicantGroup, verbose_name=_("申请人群体"), null=True, blank=True, on_delete=models.PROTECT
    )

    # The clock's inputs (clock.md); pauses are in Pause.
    clarification_sent_on = models.DateField(_("补正通知日期"), null=True, blank=True)
    supplement_days = models.PositiveSmallIntegerField(_("补正期限（工作日）"), default=15)
    supplement_received_on = models.DateField(_("收到补正日期"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("延期（工作日）"), default=0)
    extension_notified_on = models.DateField(_("延期告知日期"), null=True, blank=True)
    art35_due = models.DateField(_("第三十五条决定的期限"), null=True, blank=True)
    # The clock's result, kept current by services.recompute_deadline.
    due_on = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("期限暂定"), default=False)

    # The end.
    outcome = models.CharField(_("办理结果"), max_length=40, choices=OUTCOME_CHOICES, blank=True)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True, db_index=True)
    reply_text = models.TextField(_("答复内容"), blank=True)

    # Who applies, as a keyed hash (ID number, or name + phone): finds an applicant's earlier applications.
    applicant_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Delivery of the reply (送达).
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    delivery_note = models.CharField(_("送达方式及凭证"), max_length=200, blank=True)

    # A one-time token of the online form: a resubmitted or double-clicked form creates nothing new.
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="application_unique_number"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="application_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=list(outcomes.KEYS)), name="application_outcome_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["replied", "closed", "withdrawn"])
                | (~Q(outcome="") & Q(concluded_on__isnull=False)),
                name="application_concluded_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(status="discarded") | Q(received_on__isnull=False),
                name="application_received_has_date",
            ),
            models.CheckConstraint(condition=Q(extension_days__lte=20), name="application_extension_max_20"),
        ]
        indexes = [
            models.Index(fields=["agency", "status"], name="application_agency_status"),
            # Covers the annual report's grouped count (reports.counts.section3_counts): SQLite reads the
            # index instead of the table (bench/report.py: 1M applications, ~3.5-5x faster).
            models.Index(
                fields=["agency", "applicant_column", "outcome", "received_on", "concluded_on", "status"],
                name="application_report_counts",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.applicant_key:
            self.applicant_key = applicant_key(self.id_type, self.id_number, self.applicant_name, self.phone)
        super().save(*args, **kwargs)

    @property
    def status_label(self) -> str:
        return LABELS[Status(self.status)]

    @property
    def outcome_citizen_label(self) -> str:
        return outcomes.citizen_label(self.outcome) if self.outcome else ""

    @property
    def outcome_label(self) -> str:
        return outcomes.full_label(self.outcome) if self.outcome else ""

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def address_masked(self) -> str:
        return mask_address(self.address)


def applicant_key(id_type: str, id_number: str, name: str, phone: str) -> str:
    """The same person or organisation gives the same key, without storing anything in clear."""
    if id_number:
        return lookup_hash(f"{id_type}:{id_number}")
    digits = "".join(c for c in phone if c.isdigit())
    return lookup_hash(f"name-phone:{name.strip()}:{digits}") if name.strip() else ""


class Reminder(models.Model):
    """A deadline reminder that was sent; the unique constraint makes sending idempotent."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "due_on", "days_before"], name="reminder_once_per_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.due_on} -{self.days_before}"


class AttachmentKind(models.TextChoices):
    IDENTITY = "identity", _("身份证明")
    REQUEST = "request", _("申请材料")
    DISCLOSED = "disclosed", _("公开的政府信息")


class Attachment(models.Model):
    """A file of an application: stored under a random name; the uploaded name is display text only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=12, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="private/applications/", max_length=200)
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def visible_to_applicant(self) -> bool:
        """Identity and request files are the applicant's own; disclosed information once replied."""
        return self.kind != AttachmentKind.DISCLOSED or self.application.status == "replied"


class PauseKind(models.TextChoices):
    THIRD_PARTY = "third_party", _("征求第三方意见")
    AGENCY = "agency", _("征求其他机关意见")
    FEE = "fee", _("收费通知")


class Pause(models.Model):
    """A consultation (Art. 32, 34) or a fee notice: the days in between are not counted."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("类型"), max_length=12, choices=PauseKind.choices)
    party = models.CharField(_("对象"), max_length=100, blank=True)
    started_on = models.DateField(_("发出/收到通知日期"))
    recipient_received_on = models.DateField(_("对方收到日期"), null=True, blank=True)
    ended_on = models.DateField(_("答复/缴费日期"), null=True, blank=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("期限中止")
        verbose_name_plural = _("期限中止")
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    DRAFTED = "drafted", _("已拟答复意见")
    DONE = "done", _("已完成")


class Assignment(models.Model):
    """The application is handled by one or more units, each with its own due date."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        Unit, verbose_name=_("承办处室"), on_delete=models.PROTECT, related_name="assignments"
    )
    due_on = models.DateField(_("处室办理期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN
    )
    opinion = models.TextField(_("办理意见"), blank=True)

    class Meta:
        verbose_name = _("承办")
        verbose_name_plural = _("承办")
        constraints = [models.UniqueConstraint(fields=["application", "unit"], name="assignment_unique_unit")]

    def __str__(self) -> str:
        return f"{self.application} → {self.unit}"


VERB_LABELS = {
    "submitted": "网上提交申请",
    "registered": "登记申请",
    "accepted": "受理",
    "discarded": "不予受理",
    "assigned": "分办",
    "clarification_requested": "发出补正告知",
    "supplement_received": "收到补正",
    "consultation_sent": "征求意见",
    "consultation_answered": "收到意见",
    "fee_notice": "发出收费通知",
    "fee_paid": "申请人缴费",
    "extended": "延期答复",
    "classified": "统计分类",
    "reply_drafted": "拟定答复",
    "reply_returned": "退回答复稿",
    "replied": "答复",
    "closed_no_supplement": "逾期未补正，终止办理",
    "closed_fee_unpaid": "逾期未缴费，终止办理",
    "withdrawn": "撤回申请",
    "deadline.recomputed": "节假日安排变更，重新计算期限",
    "imported": "从台账导入",
    "note": "内部备注",
    "attached": "上传附件",
    "message": "告知申请人",
    "delivered": "送达",
    "reasons_requested": "要求说明理由（第三十五条）",
    "art35_decided": "第三十五条决定",
    "proposed_proactive": "建议纳入主动公开（第四十四条）",
}


class CaseEvent(models.Model):
    """The case timeline: every change of state and every step, who, when, from, to, why. Append-only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    reason = models.TextField(blank=True)
    visible_to_applicant = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.verb}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("case events are append-only")
        super().save(*args, **kwargs)

    @property
    def verb_label(self) -> str:
        return VERB_LABELS.get(self.verb, self.verb)

    @property
    def to_status_label(self) -> str:
        return LABELS[Status(self.to_status)] if self.to_status else ""
