"""Who may see and change land-expropriation records, built only on the policy's public helpers:

- staff who can see the responsible agency (its own staff, supervisors above it) read its projects;
- staff of the responsible agency with the role clerk, officer, publisher, head or administrator change
  them (documents, links to applications) and create that agency's new projects;
- the quarterly check (remarks, the 通报) belongs to the province: head, supervisor, publisher or
  administrator of a top-level agency;
- anyone else gets 404, as if the record did not exist; the refusal is logged with ids only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from gongkai.land.models import ExpropriationProject
from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Role

CHANGE_ROLES = (Role.CLERK, Role.OFFICER, Role.PUBLISHER, Role.HEAD, Role.ADMIN)
CHECK_ROLES = (Role.HEAD, Role.SUPERVISOR, Role.PUBLISHER, Role.ADMIN)


def can_change(user: Any, agency: Agency) -> bool:
    return policy.has_role(user, agency, *CHANGE_ROLES)


def creating_agencies(user: Any) -> list[Agency]:
    """The agencies for which ``user`` may create a project: those where they may change projects."""
    return list(policy.agencies_with_role(user, *CHANGE_ROLES))


def can_view(user: Any, agency: Agency) -> bool:
    return policy.visible_agencies(user).filter(pk=agency.pk).exists()


def scope(user: Any, queryset: QuerySet[ExpropriationProject]) -> QuerySet[ExpropriationProject]:
    return queryset.filter(agency__in=policy.visible_agencies(user).values("pk"))


def get_project(user: Any, pk: int, *, change: bool = False) -> ExpropriationProject:
    project = ExpropriationProject.objects.select_related("agency", "county").filter(pk=pk).first()
    if project is None:
        raise Http404
    allowed = can_change(user, project.agency) if change else can_view(user, project.agency)
    if not allowed:
        policy.deny(user, "change" if change else "view", project)
        raise Http404
    return project


def checking_agencies(user: Any) -> list[Agency]:
    """Top-level agencies whose quarterly check ``user`` may run."""
    return [a for a in policy.agencies_with_role(user, *CHECK_ROLES) if a.parent_id is None]


def checking_agency(user: Any) -> Agency:
    agencies = checking_agencies(user)
    if not agencies:
        policy.deny(user, "change", None, note="land supervision")
        raise Http404
    return agencies[0]
