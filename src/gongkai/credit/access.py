"""Who may see and change 双公示 records, built only on the access policy's public helpers
(:func:`gongkai.orgs.policy.visible_agencies`, :func:`~gongkai.orgs.policy.has_role`,
:func:`~gongkai.orgs.policy.deny`):

- staff of the deciding agency with the role publisher, clerk, head or administrator change its records
  (create, correct, publish, withdraw, see the full identifiers, export them in full);
- staff who can see the agency (its own staff, supervisors of an agency above it) read them, with
  identifiers masked, and may export them masked;
- anyone else gets 404, as if the record did not exist; the refusal is logged with ids only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from gongkai.credit.models import Decision
from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Role

CHANGE_ROLES = (Role.PUBLISHER, Role.CLERK, Role.HEAD, Role.ADMIN)


def can_change(user: Any, agency: Agency) -> bool:
    return policy.has_role(user, agency, *CHANGE_ROLES)


def can_view(user: Any, agency: Agency) -> bool:
    return policy.visible_agencies(user).filter(pk=agency.pk).exists()


def changeable_agencies(user: Any) -> list[Agency]:
    """The agencies whose records ``user`` may enter, in tree order."""
    return [a for a in policy.visible_agencies(user).order_by("path") if can_change(user, a)]


def scope(user: Any, queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    """The records ``user`` may read."""
    return queryset.filter(agency__in=policy.visible_agencies(user).values("pk"))


def get_decision(user: Any, public_id: Any, *, change: bool = False) -> Decision:
    """One record for viewing (or changing); 404 when it does not exist or is refused."""
    decision = Decision.objects.select_related("agency").filter(public_id=public_id).first()
    if decision is None:
        raise Http404
    allowed = can_change(user, decision.agency) if change else can_view(user, decision.agency)
    if not allowed:
        policy.deny(user, "change" if change else "view", decision)
        raise Http404
    return decision


def agency_for_view(user: Any, code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not can_view(user, agency):
        policy.deny(user, "view", agency, note="credit")
        raise Http404
    return agency
