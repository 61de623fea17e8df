"""Agencies, their units, the people who work in them and the applicants who write to them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.core.crypto import EncryptedTextField, lookup_hash
from gongkai.core.identity import IdType, mask, mask_address, mask_phone

division_code_validator = RegexValidator(r"^\d{6}$", _("行政区划代码应为 6 位数字（GB/T 2260）。"))
agency_code_validator = RegexValidator(r"^[0-9A-Z]{4,12}$", _("机关代码应为 4–12 位数字或大写字母。"))


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class AgencyQuerySet(models.QuerySet["Agency"]):
    def subtree_of(self, agency: Agency) -> AgencyQuerySet:
        """The agency and every agency below it."""
        return self.filter(path__startswith=agency.path)


class Agency(models.Model):
    """A government body (机关): the provincial department, a city bureau, a county bureau."""

    code = models.CharField(
        _("机关代码"),
        max_length=12,
        unique=True,
        validators=[agency_code_validator],
        help_text=_("用于编制索引号，如 430S00。"),
    )
    name = models.CharField(_("全称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True)
    division_code = models.CharField(_("行政区划代码"), max_length=6, validators=[division_code_validator])
    division_name = models.CharField(_("行政区划"), max_length=40)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    fax = models.CharField(_("传真"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    website = models.URLField(_("网站"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("机关")
        verbose_name_plural = _("机关")
        ordering = ["path", "sort_order"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        old_path = self.path
        self.path = (self.parent.path if self.parent_id and self.parent else "/") + self.code + "/"
        if self.parent_id and self.parent and self.parent.path.count("/") > 8:
            raise ValueError("agency tree too deep")
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    def ancestors(self) -> models.QuerySet[Agency]:
        codes = [c for c in self.path.strip("/").split("/") if c and c != self.code]
        return Agency.objects.filter(code__in=codes)

    def is_within(self, other: Agency) -> bool:
        """True if this agency is ``other`` or below it."""
        return self.path.startswith(other.path)


class Unit(models.Model):
    """An internal unit (内设机构/处室) of an agency."""

    agency = models.ForeignKey(Agency, verbose_name=_("机关"), on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("名称"), max_length=60)
    is_disclosure_office = models.BooleanField(
        _("政府信息公开工作机构"), default=False, help_text=_("负责登记、分办、审核答复的处室。")
    )
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("内设机构")
        verbose_name_plural = _("内设机构")
        ordering = ["agency__path", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="unit_unique_name_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency.short_name}·{self.name}"


class UserKind(models.TextChoices):
    STAFF = "staff", _("工作人员")
    APPLICANT = "applicant", _("公众用户")


class User(AbstractUser):
    """One login table; staff and public accounts are told apart by ``kind`` and never mix."""

    kind = models.CharField(
        _("账户类型"), max_length=10, choices=UserKind.choices, default=UserKind.APPLICANT
    )
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)

    objects: UserManager[User] = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=UserKind.values), name="user_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == UserKind.STAFF

    @property
    def is_applicant(self) -> bool:
        return self.kind == UserKind.APPLICANT


class Role(models.TextChoices):
    CLERK = "clerk", _("登记分办员")
    OFFICER = "officer", _("承办人")
    HEAD = "head", _("公开工作负责人")
    PUBLISHER = "publisher", _("信息发布员")
    REVIEWER = "reviewer", _("保密审查员")
    SUPERVISOR = "supervisor", _("上级监督员")
    ADMIN = "admin", _("系统管理员")


class Membership(models.Model):
    """A staff member holds a role in an agency, for handling officers within one of its units."""

    user = models.ForeignKey(
        User,
        verbose_name=_("工作人员"),
        on_delete=models.CASCADE,
        related_name="memberships",
        limit_choices_to={"kind": UserKind.STAFF},
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("机关"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("处室"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    created_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("岗位角色")
        verbose_name_plural = _("岗位角色")
        ordering = ["agency__path", "role"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            models.CheckConstraint(
                condition=~Q(role=Role.OFFICER) | Q(unit__isnull=False), name="membership_officer_has_unit"
            ),
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(unit__isnull=True),
                name="membership_unique_agency_role",
            ),
            models.UniqueConstraint(
                fields=["user", "agency", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="membership_unique_unit_role",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.agency.short_name}·{self.unit.name}" if self.unit else self.agency.short_name
        return f"{self.user} — {where} — {self.get_role_display()}"


class ApplicantKind(models.TextChoices):
    NATURAL_PERSON = "natural_person", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")


class OrganisationKind(models.TextChoices):
    """The five organisation columns of the annual report's section 三 table (keys as in the report)."""

    COMMERCIAL = "commercial_enterprise", _("商业企业")
    RESEARCH = "research_institution", _("科研机构")
    PUBLIC_INTEREST = "public_interest_org", _("社会公益组织")
    LEGAL_SERVICE = "legal_service_org", _("法律服务机构")
    OTHER = "other_org", _("其他")


ID_TYPE_LABELS = {
    IdType.RESIDENT_ID: _("居民身份证"),
    IdType.OLD_RESIDENT_ID: _("旧版十五位身份证"),
    IdType.PASSPORT: _("护照"),
    IdType.HK_MACAO_PERMIT: _("港澳居民来往内地通行证"),
    IdType.TAIWAN_PERMIT: _("台湾居民来往大陆通行证"),
    IdType.USCC: _("统一社会信用代码"),
    IdType.OTHER: _("其他证件"),
}
ID_TYPE_CHOICES = [(k.value, v) for k, v in ID_TYPE_LABELS.items()]


class Applicant(models.Model):
    """An applicant identity (申请人) owned by a public account.

    One account may file for the person who holds it and for organisations that person represents
    (a village committee, a law firm, a company); each application names one of these identities.
    Identity number, phone and address are encrypted at rest and masked on screens.
    """

    account = models.ForeignKey(
        User,
        verbose_name=_("账户"),
        on_delete=models.CASCADE,
        related_name="applicants",
        limit_choices_to={"kind": UserKind.APPLICANT},
    )
    kind = models.CharField(_("申请人类型"), max_length=16, choices=ApplicantKind.choices)
    organisation_kind = models.CharField(
        _("组织类型"), max_length=24, choices=OrganisationKind.choices, blank=True
    )
    name = models.CharField(_("姓名或名称"), max_length=100)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=ID_TYPE_CHOICES)
    id_number = EncryptedTextField(_("证件号码"))
    id_number_hash = models.CharField(max_length=64, editable=False, db_index=True)
    legal_representative = models.CharField(_("法定代表人或负责人"), max_length=60, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    phone = EncryptedTextField(_("联系电话"))
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = EncryptedTextField(_("通信地址"), blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")
        ordering = ["account_id", "kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ApplicantKind.values), name="applicant_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind=ApplicantKind.NATURAL_PERSON) & Q(organisation_kind=""))
                | (Q(kind=ApplicantKind.ORGANISATION) & Q(organisation_kind__in=OrganisationKind.values)),
                name="applicant_organisation_kind_matches",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id_number_hash = lookup_hash(f"{self.id_type}:{self.id_number}")
        super().save(*args, **kwargs)

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def address_masked(self) -> str:
        return mask_address(self.address)

    @property
    def report_column(self) -> str:
        """The section 三 column this applicant is counted in."""
        return "natural_person" if self.kind == ApplicantKind.NATURAL_PERSON else self.organisation_kind


class VerificationCode(models.Model):
    """A one-time code that proves a new public account holds its email address or mobile phone."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    code_hash = models.CharField(max_length=128)
    sent_to = models.CharField(max_length=10, choices=[("email", "email"), ("sms", "sms")])
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.sent_to} {self.created_at:%Y-%m-%d %H:%M}"


class TOTPDevice(models.Model):
    """A staff member's authenticator app (RFC 6238 TOTP): the second step of the staff login.

    The shared secret is encrypted at rest like personal data. ``last_step`` is the last 30-second time
    step whose code was accepted, so a code is never accepted twice (replay). Unconfirmed devices are
    enrolments in progress: they count for nothing until a code from the app confirms them.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField(_("密钥"))
    confirmed_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("两步验证设备")
        verbose_name_plural = _("两步验证设备")

    def __str__(self) -> str:
        return f"TOTP {self.user_id}"


class RecoveryCode(models.Model):
    """A single-use code for the second step when the authenticator app is lost (stored as a keyed hash)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")

    def __str__(self) -> str:
        return f"recovery {self.user_id} {'used' if self.used_at else 'unused'}"
