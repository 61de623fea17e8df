"""Write an audit event; called by service functions inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from gongkai.core.models import AuditEvent


def record(
    actor: Any,
    verb: str,
    obj: Model,
    *,
    agency: Any = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        agency=agency,
        reason=reason,
        data=data or {},
    )
