"""Who may read and handle letters, built on the access policy (``gongkai.orgs.policy``).

- Staff of the letter's agency with the role clerk, head, officer, publisher or admin handle it
  (route, reply, publish, close).
- A supervisor of that agency or of an agency above it reads it, and does nothing else.
- Everyone else gets "not found" (404), and the refusal is logged with ids only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from gongkai.mailbox.models import Letter
from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Role

HANDLING_ROLES: tuple[str, ...] = (Role.CLERK, Role.HEAD, Role.OFFICER, Role.PUBLISHER, Role.ADMIN)


def can_handle(user: Any, agency: Agency) -> bool:
    return policy.has_role(user, agency, *HANDLING_ROLES)


def _supervises(user: Any, agency: Agency) -> bool:
    return any(policy.has_role(user, a, Role.SUPERVISOR) for a in [agency, *agency.ancestors()])


def can_read(user: Any, agency: Agency) -> bool:
    return can_handle(user, agency) or _supervises(user, agency)


def readable_agencies(user: Any) -> list[Agency]:
    """The agencies whose letters ``user`` may read, in tree order."""
    return [a for a in policy.visible_agencies(user).order_by("path") if can_read(user, a)]


def scope(user: Any, queryset: QuerySet[Letter]) -> QuerySet[Letter]:
    return queryset.filter(box__agency__in=[a.pk for a in readable_agencies(user)])


def letter_for(user: Any, public_id: Any, *, handle: bool = False) -> Letter:
    """The letter if ``user`` may read it (or handle it, with ``handle``); 404 otherwise."""
    letter = (
        Letter.objects.select_related("box__agency", "routed_unit", "account", "replied_by")
        .filter(public_id=public_id)
        .first()
    )
    if letter is None:
        raise Http404
    allowed = can_handle(user, letter.box.agency) if handle else can_read(user, letter.box.agency)
    if not allowed:
        policy.deny(user, "handle" if handle else "view", letter)
        raise Http404
    return letter
