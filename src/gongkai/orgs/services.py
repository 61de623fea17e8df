"""Writes for agencies, units, staff and applicants. Every write records an audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gongkai.core import audit
from gongkai.core.identity import IdType, InvalidIdentity, validate, validate_phone
from gongkai.orgs.models import (
    Agency,
    Applicant,
    ApplicantKind,
    Membership,
    Role,
    Unit,
    User,
    UserKind,
)


@transaction.atomic
def lock_account(account: Any) -> None:
    """Lock an account's row until the end of the current transaction (``SELECT … FOR UPDATE``): checks of
    what the account did in the last day (a daily limit, an upload quota) followed by the new action then
    run one account-request after the other. On SQLite the IMMEDIATE transaction already does."""
    list(User.objects.select_for_update().filter(pk=account.pk).values_list("pk", flat=True))


def membership_grant(
    *, user: User, agency: Agency, role: str, unit: Unit | None = None, by: Any = None
) -> Membership:
    """Give a staff member a role in an agency (an officer's role is held in a unit)."""
    if user.kind != UserKind.STAFF:
        raise ValidationError("只有工作人员账户可以担任岗位角色。")
    if unit is not None and unit.agency_id != agency.pk:
        raise ValidationError("处室不属于该机关。")
    if role == Role.OFFICER and unit is None:
        raise ValidationError("承办人必须属于一个处室。")
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role, unit=unit)
    if created:
        audit.record(by, "membership.grant", membership, agency=agency, data={"user": user.pk, "role": role})
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, by: Any = None, reason: str = "") -> None:
    audit.record(
        by,
        "membership.revoke",
        membership,
        agency=membership.agency,
        reason=reason,
        data={"user": membership.user_id, "role": membership.role},
    )
    membership.delete()


def clean_applicant_data(data: dict[str, Any]) -> dict[str, Any]:
    """Validate an applicant identity; raises ValidationError with Chinese messages per field."""
    errors: dict[str, str] = {}
    cleaned = dict(data)
    kind = cleaned.get("kind")
    if kind == ApplicantKind.NATURAL_PERSON:
        cleaned["organisation_kind"] = ""
        if cleaned.get("id_type") == IdType.USCC:
            errors["id_type"] = "自然人不能使用统一社会信用代码，请选择身份证件。"
    elif kind == ApplicantKind.ORGANISATION:
        if not cleaned.get("organisation_kind"):
            errors["organisation_kind"] = "请选择组织类型。"
    else:
        errors["kind"] = "请选择申请人类型。"
    if not (cleaned.get("name") or "").strip():
        errors["name"] = "请填写姓名或名称。"
    try:
        cleaned["id_number"] = validate(cleaned.get("id_type") or "", cleaned.get("id_number") or "")
    except InvalidIdentity as exc:
        errors["id_number"] = str(exc)
    except ValueError:
        errors["id_type"] = "请选择证件类型。"
    try:
        cleaned["phone"] = validate_phone(cleaned.get("phone") or "")
    except InvalidIdentity as exc:
        errors["phone"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def applicant_save(*, account: User, data: dict[str, Any], applicant: Applicant | None = None) -> Applicant:
    """Create or update an applicant identity of a public account."""
    if account.kind != UserKind.APPLICANT:
        raise ValidationError("工作人员账户不能作为申请人。")
    cleaned = clean_applicant_data(data)
    fields = [f.name for f in Applicant._meta.get_fields() if getattr(f, "editable", False)]
    created = applicant is None
    if applicant is None:
        applicant = Applicant(account=account)
    elif applicant.account_id != account.pk:
        raise ValidationError("不能修改他人的申请人信息。")
    for name in fields:
        if name in cleaned and name not in {"id", "account"}:
            setattr(applicant, name, cleaned[name])
    applicant.full_clean(exclude=["account", "id_number_hash"])
    applicant.save()
    audit.record(account, "applicant.create" if created else "applicant.update", applicant)
    return applicant


# --- public accounts: registration with a verification code ------------------------------------------

CODE_TTL_MINUTES = 15
MAX_CODE_ATTEMPTS = 5
RESEND_SECONDS = 60


def normalise_contact(contact: str) -> tuple[str, str]:
    """An email address (lower-cased) or a mainland mobile number → (kind, value); ValidationError else."""
    from django.core.validators import validate_email

    text = contact.strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError as exc:
            raise ValidationError({"contact": "电子邮箱格式不正确。"}) from exc
        return "email", text.lower()
    try:
        phone = validate_phone(text)
    except InvalidIdentity as exc:
        raise ValidationError({"contact": str(exc)}) from exc
    if not phone.isdigit() or len(phone) != 11:
        raise ValidationError({"contact": "请填写手机号（11 位）或电子邮箱。"})
    return "sms", phone


@transaction.atomic
def account_register(*, contact: str, display_name: str, password: str) -> User:
    """Create an inactive public account and send it a verification code."""
    from django.contrib.auth.password_validation import validate_password

    kind, value = normalise_contact(contact)
    existing = User.objects.filter(username=value).first()
    if existing and existing.is_active:
        raise ValidationError({"contact": "该手机号或电子邮箱已注册，请直接登录。"})
    user = existing or User(username=value, kind=UserKind.APPLICANT)
    if user.kind != UserKind.APPLICANT:
        raise ValidationError({"contact": "该手机号或电子邮箱已注册，请直接登录。"})
    user.display_name = display_name.strip()
    if kind == "email":
        user.email = value
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    user.set_password(password)
    user.is_active = False
    user.save()
    send_verification_code(user)
    return user


def send_verification_code(user: User) -> None:
    """A fresh 6-digit code by email or SMS; earlier codes stop working; at most one per minute."""
    import secrets
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from gongkai.core import sms
    from gongkai.core.mail import send_on_commit
    from gongkai.orgs.models import VerificationCode

    now = timezone.now()
    last = user.verification_codes.first()
    if last and (now - last.created_at).total_seconds() < RESEND_SECONDS:
        raise ValidationError("验证码发送过于频繁，请一分钟后再试。")
    user.verification_codes.filter(used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    channel = "email" if "@" in user.username else "sms"
    VerificationCode.objects.create(
        user=user,
        code_hash=make_password(code),
        sent_to=channel,
        expires_at=now + timedelta(minutes=CODE_TTL_MINUTES),
    )
    text = (
        f"您正在注册政府信息公开平台账户，验证码：{code}，{CODE_TTL_MINUTES} 分钟内有效。"
        "如非本人操作，请忽略。"
    )
    if channel == "email":
        send_on_commit("注册验证码", text, [user.username], about=f"user {user.pk}")
    else:
        transaction.on_commit(lambda: sms.send(user.username, text))


def account_verify(*, username: str, code: str) -> User:
    """Activate the account whose latest unused code matches; a code allows five attempts.

    Not one transaction on purpose: a wrong attempt must be counted even though the call then fails.
    """
    from django.contrib.auth.hashers import check_password
    from django.db.models import F
    from django.utils import timezone

    from gongkai.orgs.models import VerificationCode

    wrong = ValidationError({"code": "验证码不正确或已过期，请重新获取。"})
    user = User.objects.filter(username=username, kind=UserKind.APPLICANT, is_active=False).first()
    if user is None:
        raise wrong
    record = VerificationCode.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
    if record is None or record.attempts >= MAX_CODE_ATTEMPTS:
        raise wrong
    if not check_password(code.strip(), record.code_hash):
        VerificationCode.objects.filter(pk=record.pk).update(attempts=F("attempts") + 1)
        raise wrong
    with transaction.atomic():
        # Only one request can use the code: the row is claimed by this conditional update.
        if not VerificationCode.objects.filter(pk=record.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        ):
            raise wrong
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record(user, "account.verified", user, data={"channel": record.sent_to})
    return user


# --- logins: audit entries (ids only: no passwords, no user names typed, no clear addresses) ----------


def _login_data(request: Any, **extra: Any) -> dict[str, Any]:
    from gongkai.orgs.throttle import client_ip, ip_digest

    return {"ip": ip_digest(client_ip(request)), **extra}


def record_login(request: Any, user: User, *, via: str) -> None:
    """A successful login (``via``: password, totp, recovery)."""
    audit.record(user, "auth.login", user, data=_login_data(request, kind=user.kind, via=via))


def record_login_failure(
    request: Any, username: str, *, step: str, throttled: list[str] | None = None
) -> None:
    """A failed attempt at ``step`` (password, otp, verify). The object is the account when the name is
    one; otherwise the audit chain head (the name typed may be a mistyped password: it is not kept)."""
    user = User.objects.filter(username=username).first() if username else None
    data = _login_data(request, step=step, account=user.pk if user else None)
    audit.record(None, "auth.login_failed", user or audit.chain_head(), data=data)
    if throttled:
        audit.record(
            None, "auth.throttled", user or audit.chain_head(), data={**data, "limits": sorted(throttled)}
        )
