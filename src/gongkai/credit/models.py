"""双公示: licensing, penalty and coercion decisions as structured records (``credit-publicity.md`` §3, §6).

One table for the three kinds: the subject block is shared, each kind fills its own fields (the others
stay empty). Identity numbers, the party's phone and a frozen account are encrypted at rest
(:class:`~gongkai.core.crypto.EncryptedTextField`); the party's ID number is found by keyed hash.
The status changes only through :mod:`gongkai.credit.services`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.crypto import EncryptedTextField, lookup_hash
from gongkai.core.identity import mask_phone
from gongkai.credit import records
from gongkai.orgs.models import Agency


class Kind(models.TextChoices):
    LICENSING = records.Kind.LICENSING.value, _("行政许可")
    PENALTY = records.Kind.PENALTY.value, _("行政处罚")
    COERCION = records.Kind.COERCION.value, _("行政强制")


class Status(models.TextChoices):
    DRAFT = "draft", _("待公示")
    PUBLISHED = "published", _("已公示")
    WITHDRAWN = "withdrawn", _("已撤销公示")


class PartyType(models.TextChoices):
    LEGAL = records.PartyType.LEGAL.value, _("法人及非法人组织")
    NATURAL = records.PartyType.NATURAL.value, _("自然人")
    INDIVIDUAL = records.PartyType.INDIVIDUAL.value, _("个体工商户")


ID_TYPE_CHOICES = [
    ("resident_id", _("身份证")),
    ("passport", _("护照号")),
    ("hk_macao_permit", _("港澳居民来往内地通行证")),
    ("taiwan_permit", _("台湾居民来往大陆通行证")),
    ("foreign_permanent", _("外国人永久居留身份证")),
    ("other", _("其他")),
]
LICENCE_CATEGORY_CHOICES = [
    ("ordinary", _("普通")),
    ("franchise", _("特许")),
    ("approval", _("认可")),
    ("verification", _("核准")),
    ("registration", _("登记")),
    ("other", _("其他")),
]
LICENSING_ACTION_CHOICES = [
    ("grant", _("准予")),
    ("change", _("变更")),
    ("renew", _("延续")),
    ("refuse", _("不予许可")),
    ("withdraw", _("撤回")),
    ("revoke", _("撤销")),
    ("cancel", _("注销")),
]
LICENCE_STATE_CHOICES = [("valid", _("有效")), ("invalid", _("无效"))]
PENALTY_TYPE_CHOICES = [
    ("warning", _("警告")),
    ("circulated_criticism", _("通报批评")),
    ("fine", _("罚款")),
    ("confiscate_gains", _("没收违法所得")),
    ("confiscate_property", _("没收非法财物")),
    ("suspend_licence", _("暂扣许可证件")),
    ("lower_qualification", _("降低资质等级")),
    ("revoke_licence", _("吊销许可证件")),
    ("restrict_business", _("限制开展生产经营活动")),
    ("suspend_business", _("责令停产停业")),
    ("close", _("责令关闭")),
    ("restrict_practice", _("限制从业")),
    ("detention", _("行政拘留")),
    ("confiscate_buildings", _("没收违法用地上的建筑物和设施")),
    ("demolish", _("限期拆除")),
    ("other", _("其他（注明）")),
]
CREDIT_CLASS_CHOICES = [("minor", _("轻微")), ("general", _("一般")), ("serious", _("严重"))]
COERCION_CATEGORY_CHOICES = [("measure", _("行政强制措施")), ("execution", _("行政强制执行"))]
COERCION_TYPE_CHOICES = [
    ("seal", _("查封")),
    ("seize", _("扣押")),
    ("freeze", _("冻结")),
    ("measure_other", _("其他行政强制措施")),
    ("additional_fine", _("加处罚款或者滞纳金")),
    ("transfer_deposit", _("划拨存款、汇款")),
    ("auction", _("拍卖或者依法处理查封、扣押的场所、设施或者财物")),
    ("restore", _("排除妨碍、恢复原状")),
    ("substitute", _("代履行")),
    ("execution_other", _("其他强制执行方式")),
]
COERCION_STATE_CHOICES = [
    ("active", _("实施中")),
    ("lifted", _("已解除")),
    ("done", _("已执行完毕")),
    ("revoked", _("已撤销")),
]

VALUE_FIELDS: tuple[str, ...] = (
    *(k for k in records.KEYS if k not in ("fine", "confiscation")),
    "id_type_note",
    "legal_rep_id_type_note",
)
"""Model fields that hold a value of :mod:`records` under the same name (money is ``*_yuan``)."""


class Decision(models.Model):
    """One 双公示 record: a licensing, penalty or coercion decision about one party."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        Agency, verbose_name=_("决定机关"), on_delete=models.PROTECT, related_name="credit_decisions"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("公示状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1, editable=False)

    # §3.2 the subject block
    party_name = models.CharField(_("行政相对人名称"), max_length=200)
    party_type = models.CharField(_("行政相对人类别"), max_length=12, choices=PartyType.choices)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    reg_no = models.CharField(_("工商注册号"), max_length=15, blank=True)
    org_code = models.CharField(_("组织机构代码"), max_length=9, blank=True)
    tax_no = models.CharField(_("税务登记号"), max_length=20, blank=True)
    institution_no = models.CharField(_("事业单位证书号"), max_length=12, blank=True)
    social_org_no = models.CharField(_("社会组织登记证号"), max_length=40, blank=True)
    legal_rep = models.CharField(_("法定代表人"), max_length=60, blank=True)
    legal_rep_id_type = models.CharField(
        _("法定代表人证件类型"), max_length=20, choices=ID_TYPE_CHOICES, blank=True
    )
    legal_rep_id_type_note = models.CharField(_("法定代表人证件名称"), max_length=20, blank=True)
    legal_rep_id_number = EncryptedTextField(_("法定代表人身份证号"), blank=True)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=ID_TYPE_CHOICES, blank=True)
    id_type_note = models.CharField(_("证件名称"), max_length=20, blank=True)
    id_number = EncryptedTextField(_("证件号码"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    involves_minor = models.BooleanField(
        _("涉及未成年人"), default=False, help_text=_("涉及未成年人的决定不予公示。")
    )

    # The decision (shared by the kinds; the national name depends on the kind, see records.FIELDS)
    number = models.CharField(_("决定书文号"), max_length=100)
    decision_date = models.DateField(_("决定日期"))
    content = models.TextField(_("内容"))
    facts = models.TextField(_("违法事实或强制理由"), blank=True)
    basis = models.TextField(_("依据"), blank=True)
    authority_name = models.CharField(_("决定机关名称"), max_length=100)
    authority_code = models.CharField(_("决定机关统一社会信用代码"), max_length=18)
    source_name = models.CharField(_("数据来源单位"), max_length=100)
    source_code = models.CharField(_("数据来源单位统一社会信用代码"), max_length=18)
    remarks = models.TextField(_("备注"), blank=True)

    # §3.3 licensing
    document_title = models.CharField(_("行政许可决定文书名称"), max_length=200, blank=True)
    licence_category = models.CharField(
        _("许可类别"), max_length=12, choices=LICENCE_CATEGORY_CHOICES, blank=True
    )
    licence_name = models.CharField(_("许可证书名称"), max_length=100, blank=True)
    licence_number = models.CharField(_("许可编号"), max_length=100, blank=True)
    licensing_action = models.CharField(
        _("许可决定类型"), max_length=12, choices=LICENSING_ACTION_CHOICES, blank=True
    )
    licence_state = models.CharField(_("当前状态"), max_length=8, choices=LICENCE_STATE_CHOICES, blank=True)
    valid_from = models.DateField(_("有效期自"), null=True, blank=True)
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)

    # §3.4 penalty
    violation_type = models.CharField(_("违法行为类型"), max_length=200, blank=True)
    penalty_types = models.JSONField(_("处罚类别"), default=list, blank=True)
    fine_yuan = models.DecimalField(
        _("罚款金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    confiscation_yuan = models.DecimalField(
        _("没收违法所得、没收非法财物的金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    licence_affected = models.CharField(_("暂扣或吊销证照名称及编号"), max_length=200, blank=True)
    effective_until = models.DateField(_("处罚有效期"), null=True, blank=True)
    publicity_until = models.DateField(_("公示截止期"), null=True, blank=True)
    credit_class = models.CharField(_("失信行为等级"), max_length=8, choices=CREDIT_CLASS_CHOICES, blank=True)

    # §6 coercion
    coercion_category = models.CharField(
        _("强制类别"), max_length=12, choices=COERCION_CATEGORY_CHOICES, blank=True
    )
    coercion_type = models.CharField(_("强制种类"), max_length=20, choices=COERCION_TYPE_CHOICES, blank=True)
    term_from = models.DateField(_("强制期限自"), null=True, blank=True)
    term_to = models.DateField(_("强制期限至"), null=True, blank=True)
    execution_date = models.DateField(_("执行日期"), null=True, blank=True)
    coercion_state = models.CharField(
        _("当前状态"), max_length=12, choices=COERCION_STATE_CHOICES, blank=True
    )
    lifted_on = models.DateField(_("解除日期"), null=True, blank=True)
    result = models.TextField(_("处理结果"), blank=True)
    frozen_account = EncryptedTextField(_("冻结账户"), blank=True, help_text=_("存款、汇款账户，不予公开。"))

    # Lifecycle
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤销公示时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(_("撤销公示理由"), blank=True)
    withdrawal_basis = models.CharField(_("撤销依据文书"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("双公示信息")
        verbose_name_plural = _("双公示信息")
        ordering = ["-decision_date", "-id"]
        indexes = [
            models.Index(fields=["agency", "kind", "decision_date"], name="credit_agency_kind_date"),
            models.Index(fields=["agency", "status", "decision_date"], name="credit_agency_status_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "number", "party_name"], name="credit_unique_number_party"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="credit_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="credit_status_valid"),
            models.CheckConstraint(
                condition=Q(party_type__in=PartyType.values), name="credit_party_type_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.WITHDRAWN) | ~Q(withdrawal_reason=""),
                name="credit_withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(published_at__isnull=False),
                name="credit_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.party_name_public}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id_number_hash = id_hash(self.id_type, self.id_number) if self.id_number else ""
        super().save(*args, **kwargs)

    # --- values in the terms of records.py --------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """This record as a :mod:`records` value dict (clear text: for checks and the platform export)."""
        out: dict[str, Any] = {key: getattr(self, key) for key in VALUE_FIELDS}
        out["fine"] = self.fine_yuan
        out["confiscation"] = self.confiscation_yuan
        out["penalty_types"] = list(self.penalty_types or [])
        return out

    # --- what screens show ------------------------------------------------------------------------

    @property
    def is_natural_person(self) -> bool:
        return self.party_type == PartyType.NATURAL

    @property
    def party_name_public(self) -> str:
        """The name on public pages: a natural person's name masked (§4 rule 2)."""
        return records.mask_name(self.party_name) if self.is_natural_person else self.party_name

    @property
    def legal_rep_public(self) -> str:
        """An individual business's operator is a natural person: masked like one."""
        if self.party_type == PartyType.INDIVIDUAL:
            return records.mask_name(self.legal_rep)
        return self.legal_rep

    @property
    def id_number_masked(self) -> str:
        return records.mask_id(self.id_number)

    @property
    def legal_rep_id_number_masked(self) -> str:
        return records.mask_id(self.legal_rep_id_number)

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone) if self.contact_phone else ""

    @property
    def frozen_account_masked(self) -> str:
        return records.mask_id(self.frozen_account)

    def public_text(self, text: str) -> str:
        """A free text of this record as a public page shows it (§4 rules 1–3)."""
        names = [self.party_name] if self.is_natural_person else []
        if self.party_type == PartyType.INDIVIDUAL and self.legal_rep:
            names.append(self.legal_rep)
        numbers = [n for n in (self.id_number, self.legal_rep_id_number, self.frozen_account) if n]
        return records.redact_text(text, names=names, numbers=numbers)

    @property
    def public_content(self) -> str:
        return self.public_text(self.content)

    @property
    def public_facts(self) -> str:
        return self.public_text(self.facts)

    @property
    def public_result(self) -> str:
        return self.public_text(self.result)

    @property
    def public_withdrawal_reason(self) -> str:
        return self.public_text(self.withdrawal_reason)

    @property
    def penalty_type_labels(self) -> list[str]:
        labels = dict(PENALTY_TYPE_CHOICES)
        return [str(labels.get(code, code)) for code in self.penalty_types or []]

    @property
    def title(self) -> str:
        """A one-line title for lists: the document title of a licence, or what was decided."""
        if self.kind == Kind.LICENSING:
            return self.document_title or self.content[:40]
        if self.kind == Kind.PENALTY:
            return self.violation_type or self.content[:40]
        return self.get_coercion_type_display() or self.content[:40]

    @property
    def licence_state_now(self) -> str:
        return records.current_licence_state(self.values(), timezone.localdate())

    @property
    def blocks_publication(self) -> str:
        """Why this record may not be published ("" if it may)."""
        if self.kind == Kind.LICENSING and self.licensing_action == "refuse":
            return str(_("不予许可决定不属于双公示信息，不予公示（仍计入年报的行政许可决定数）。"))
        if self.involves_minor or (
            self.is_natural_person
            and self.id_type == "resident_id"
            and self.id_number
            and records.is_minor_on(self.id_number, self.decision_date)
        ):
            return str(_("涉及未成年人的决定不予公示。"))
        return ""


def id_hash(id_type: str, number: str) -> str:
    """Keyed hash of a party's identity number, for equality lookups."""
    return lookup_hash(f"credit:{id_type}:{number}")
