"""网上咨询 / 厅长信箱 / 投诉: the boxes of an agency, the letters written to them and their trail."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.crypto import EncryptedTextField
from gongkai.core.identity import mask_phone
from gongkai.mailbox.rules import OPEN, Status, format_code
from gongkai.orgs.models import Agency, Unit

STATUS_LABELS = {
    Status.SUBMITTED: _("待分办"),
    Status.ROUTED: _("办理中"),
    Status.REPLIED: _("已答复"),
    Status.CLOSED: _("不予受理"),
}
STATUS_CHOICES = [(s.value, label) for s, label in STATUS_LABELS.items()]


class BoxKind(models.TextChoices):
    CONSULTATION = "consultation", _("网上咨询")
    DIRECTOR = "director", _("厅长信箱")
    COMPLAINT = "complaint", _("投诉")


class Box(models.Model):
    """One of an agency's public mailboxes; its reply deadline applies to letters received afterwards."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("机关"), on_delete=models.PROTECT, related_name="mailboxes"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=BoxKind.choices)
    name = models.CharField(
        _("名称"), max_length=40, blank=True, help_text=_("留空则使用类型名称；市、县机关可填写“局长信箱”。")
    )
    intro = models.TextField(_("说明"), blank=True, help_text=_("显示在写信页面上方，例如受理范围。"))
    reply_days = models.PositiveSmallIntegerField(
        _("答复期限（工作日）"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("自来信之日的次日起计算；修改只影响此后收到的来信。"),
    )
    is_active = models.BooleanField(_("开放"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("信箱")
        verbose_name_plural = _("信箱")
        ordering = ["agency__path", "sort_order", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind"], name="mailbox_box_unique_kind"),
            models.CheckConstraint(condition=Q(kind__in=BoxKind.values), name="mailbox_box_kind_valid"),
            models.CheckConstraint(
                condition=Q(reply_days__gte=1) & Q(reply_days__lte=60), name="mailbox_box_reply_days_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.short_name}·{self.title}"

    @property
    def title(self) -> str:
        return self.name or str(self.get_kind_display())


class Letter(models.Model):
    """A letter from the public. Its status changes only through ``mailbox.services``."""

    box = models.ForeignKey(Box, verbose_name=_("信箱"), on_delete=models.PROTECT, related_name="letters")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    query_code = models.CharField(_("查询码"), max_length=8, unique=True, editable=False)
    status = models.CharField(_("状态"), max_length=12, choices=STATUS_CHOICES, default=Status.SUBMITTED)

    # What was written, by whom (phone encrypted at rest; screens show it masked).
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("来信内容"))
    writer_name = models.CharField(_("姓名"), max_length=60)
    phone = EncryptedTextField(_("联系电话"))
    email = models.EmailField(_("电子邮箱"), blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailbox_letters",
    )
    agrees_to_publish = models.BooleanField(_("同意公开"), default=False)

    # The clock: due_on = the reply_days-th working day after submitted_on (kept current by the services).
    submitted_at = models.DateTimeField(_("来信时间"))
    submitted_on = models.DateField(_("来信日期"), db_index=True)
    reply_days = models.PositiveSmallIntegerField(_("答复期限（工作日）"))
    due_on = models.DateField(_("答复期限"), db_index=True)
    due_provisional = models.BooleanField(_("期限暂定"), default=False)

    # Handling.
    routed_unit = models.ForeignKey(
        Unit,
        verbose_name=_("承办处室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mailbox_letters",
    )
    reply_text = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True, db_index=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = models.TextField(_("不予受理理由"), blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    # The published Q&A: an edited copy, so that staff can remove personal details before publishing.
    published = models.BooleanField(_("已公开"), default=False, db_index=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_title = models.CharField(_("公开标题"), max_length=100, blank=True)
    published_question = models.TextField(_("公开的来信内容"), blank=True)
    published_answer = models.TextField(_("公开的答复内容"), blank=True)

    # A one-time token of the form: a resubmitted or double-clicked form creates nothing new.
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("来信")
        verbose_name_plural = _("来信")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="mailbox_letter_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.REPLIED)
                | (~Q(reply_text="") & Q(replied_at__isnull=False) & Q(replied_on__isnull=False)),
                name="mailbox_letter_replied_has_reply",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | (~Q(close_reason="") & Q(closed_on__isnull=False)),
                name="mailbox_letter_closed_has_reason",
            ),
            # No publishing without the writer's consent, and never before the answer.
            models.CheckConstraint(
                condition=Q(published=False) | (Q(agrees_to_publish=True) & Q(status=Status.REPLIED)),
                name="mailbox_letter_published_with_consent",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="mailbox_letter_status_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def agency(self) -> Agency:
        return self.box.agency

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[Status(self.status)])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    @property
    def query_code_display(self) -> str:
        return format_code(self.query_code)

    @property
    def answered_on_time(self) -> bool | None:
        if self.replied_on is None:
            return None
        return self.replied_on <= self.due_on

    @property
    def answering_body(self) -> str:
        """Who answered, as the public sees it: the unit if routed, else the agency."""
        return self.routed_unit.name if self.routed_unit_id and self.routed_unit else self.box.agency.name


VERB_LABELS = {
    "submitted": _("来信"),
    "routed": _("分办"),
    "replied": _("答复"),
    "closed": _("不予受理"),
    "published": _("公开为问答"),
    "publication_edited": _("修改公开内容"),
    "unpublished": _("撤回公开"),
    "deadline.recomputed": _("节假日安排变更，重新计算期限"),
}


class LetterEvent(models.Model):
    """The letter's trail: every step, who, when, from, to, why. Append-only."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=40)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.letter_id} {self.verb}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("letter events are append-only")
        super().save(*args, **kwargs)

    @property
    def verb_label(self) -> str:
        return str(VERB_LABELS.get(self.verb, self.verb))
