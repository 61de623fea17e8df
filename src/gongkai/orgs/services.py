"""Writes for agencies, units, staff and applicants. Every write records an audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gongkai.core import audit
from gongkai.core.identity import IdType, InvalidIdentity, validate
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
    if not (cleaned.get("phone") or "").strip():
        errors["phone"] = "请填写联系电话。"
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
