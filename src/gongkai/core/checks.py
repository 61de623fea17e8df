"""System checks that `gongkai check --deploy` runs on a production configuration."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_personal_data_keys(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if not settings.GONGKAI_FIELD_KEYS:
        errors.append(
            Error(
                "GONGKAI_FIELD_KEYS is not set: personal data would be encrypted under a key derived "
                "from SECRET_KEY.",
                hint="Set GONGKAI_FIELD_KEYS to one or more Fernet keys (gongkai generate_field_key).",
                id="gongkai.E001",
            )
        )
    for key in settings.GONGKAI_FIELD_KEYS:
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(
                Error("GONGKAI_FIELD_KEYS holds a value that is not a Fernet key.", id="gongkai.E002")
            )
    if not settings.GONGKAI_LOOKUP_KEY or len(settings.GONGKAI_LOOKUP_KEY) < 32:
        errors.append(
            Error(
                "GONGKAI_LOOKUP_KEY is missing or shorter than 32 characters.",
                hint="Set it to a long random string; it keys the hashes used to look up ID numbers.",
                id="gongkai.E003",
            )
        )
    return errors


@register(Tags.security)
def check_audit_retention(app_configs: Any, **kwargs: Any) -> list[Error]:
    """The audit log is kept at least six months (MLPS 2.0); `gongkai audit prune` removes older entries."""
    from gongkai.core.audit import MIN_RETENTION_DAYS

    days = getattr(settings, "GONGKAI_AUDIT_RETENTION_DAYS", 365)
    if not isinstance(days, int) or days < MIN_RETENTION_DAYS:
        return [
            Error(
                f"GONGKAI_AUDIT_RETENTION_DAYS is {days!r}: the audit log must be kept at least "
                f"{MIN_RETENTION_DAYS} days (six months).",
                hint=f"Set GONGKAI_AUDIT_RETENTION_DAYS to {MIN_RETENTION_DAYS} or more (default 365).",
                id="gongkai.E004",
            )
        ]
    return []
