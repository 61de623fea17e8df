"""The access policy: one place that answers "may this person do this to this object?".

Views, the API and the CLI ask :func:`can` (or :func:`get_for` / :func:`scope`, which are built on the
same rules) and never test roles themselves. The rules:

- Staff see the data of the agencies they are members of; a member with the *supervisor* role also
  sees every agency below that agency. Changing an agency's reference data (its units, its people)
  needs the *administrator* role in that agency or above it.
- The national holiday schedule is entered by administrators of a top-level agency.
- Public accounts (applicants) see and change only what they own.
- Staff and public accounts never cross: a staff login cannot act as an applicant and vice versa.
- Anything not allowed is reported to the caller as "not found" (HTTP 404), so that a refused object
  cannot be told apart from one that does not exist; every refusal is logged (ids only, no personal data).
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from gongkai.orgs.models import Agency, Applicant, Membership, Role, Unit, User, UserKind

log = logging.getLogger("gongkai.access")

M = TypeVar("M", bound=Model)


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    HANDLE = "handle"  # work on a case: register, route, clarify, consult, draft
    APPROVE = "approve"  # the disclosure office head's decisions: extension, reply


def _is_staff(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.kind == UserKind.STAFF)


def _is_applicant(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.kind == UserKind.APPLICANT)


def _role_paths(user: User, roles: set[str] | None = None) -> list[tuple[str, str]]:
    """(agency path, role) pairs of the user's memberships, cached on the user object per request."""
    cache: list[tuple[str, str]] | None = getattr(user, "_gongkai_role_paths", None)
    if cache is None:
        cache = list(Membership.objects.filter(user=user).values_list("agency__path", "role").distinct())
        user._gongkai_role_paths = cache  # type: ignore[attr-defined]
    return [(p, r) for p, r in cache if roles is None or r in roles]


def visible_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies whose data a staff member may read."""
    if not _is_staff(user):
        return Agency.objects.none()
    cond = Q(pk__in=[])
    for path, role in _role_paths(user):
        cond |= Q(path__startswith=path) if role == Role.SUPERVISOR else Q(path=path)
    return Agency.objects.filter(cond)


def administered_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies whose reference data (units, people) a staff member may change."""
    if not _is_staff(user):
        return Agency.objects.none()
    cond = Q(pk__in=[])
    for path, _role in _role_paths(user, {Role.ADMIN}):
        cond |= Q(path__startswith=path)
    return Agency.objects.filter(cond)


def agencies_with_role(user: Any, *roles: str) -> QuerySet[Agency]:
    """The agencies in which the staff member holds one of ``roles`` (the agency itself, not below it)."""
    if not _is_staff(user):
        return Agency.objects.none()
    return Agency.objects.filter(path__in=[p for p, _r in _role_paths(user, set(roles))]).order_by("path")


def has_role(user: Any, agency: Agency, *roles: str) -> bool:
    """True if the staff member holds one of ``roles`` in ``agency`` itself."""
    return _is_staff(user) and any(path == agency.path for path, _r in _role_paths(user, set(roles)))


def can_manage_calendar(user: Any) -> bool:
    """The holiday schedule is national and shared by every agency: only administrators of a top-level
    agency (one with no agency above it in this installation) enter it."""
    if not _is_staff(user):
        return False
    return any(path.count("/") == 2 for path, _r in _role_paths(user, {Role.ADMIN}))


def _agency_allowed(user: Any, action: Action, agency: Agency) -> bool:
    if not _is_staff(user):
        return False
    if action is Action.VIEW:
        return any(
            agency.path.startswith(path) if role == Role.SUPERVISOR else agency.path == path
            for path, role in _role_paths(user)
        )
    return any(agency.path.startswith(path) for path, _r in _role_paths(user, {Role.ADMIN}))


def can(user: Any, action: Action | str, obj: Model) -> bool:
    """May ``user`` do ``action`` to ``obj``? Unknown object types are refused."""
    action = Action(action)
    allowed: bool
    if isinstance(obj, Agency):
        allowed = _agency_allowed(user, action, obj)
    elif isinstance(obj, (Unit, Membership)):
        allowed = _agency_allowed(user, action, obj.agency)
    elif isinstance(obj, Applicant):
        allowed = _is_applicant(user) and obj.account_id == user.pk and action in (Action.VIEW, Action.CHANGE)
    elif _is_application(obj):
        allowed = _application_allowed(user, action, obj)
    else:
        allowed = False
    if not allowed:
        deny(user, action, obj)
    return allowed


def _is_application(obj: Model) -> bool:
    return obj._meta.label == "applications.Application"


HANDLING_ROLES = {Role.CLERK, Role.OFFICER, Role.HEAD}


def _application_allowed(user: Any, action: Action, application: Any) -> bool:
    """Applicants see their own applications; staff of the receiving agency handle them (the head also
    approves); supervisors above read them."""
    if _is_applicant(user):
        return action is Action.VIEW and application.account_id == user.pk
    if not _is_staff(user):
        return False
    agency = application.agency
    if action is Action.VIEW:
        return _agency_allowed(user, Action.VIEW, agency)
    roles: set[str] = {Role.HEAD} if action is Action.APPROVE else set(HANDLING_ROLES)
    return any(path == agency.path for path, _r in _role_paths(user, roles))


def deny(user: Any, action: Action | str, obj: Model | None, *, note: str = "") -> None:
    """Record a refused attempt (ids only: no names, numbers or other personal data)."""
    log.warning(
        "access denied: user=%s action=%s object=%s:%s %s",
        getattr(user, "pk", None),
        action,
        type(obj).__name__ if obj is not None else "-",
        getattr(obj, "pk", "-"),
        note,
    )


def scope[M: Model](user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """Restrict ``queryset`` to the objects ``user`` may view (the list-page form of :func:`can`)."""
    model = queryset.model
    if model is Agency:
        return queryset.filter(pk__in=visible_agencies(user).values("pk"))
    if model in (Unit, Membership):
        return queryset.filter(agency__in=visible_agencies(user).values("pk"))
    if model is Applicant:
        return queryset.filter(account=user) if _is_applicant(user) else queryset.none()
    if model._meta.label == "applications.Application":
        if _is_applicant(user):
            return queryset.filter(account=user)
        return queryset.filter(agency__in=visible_agencies(user).values("pk"))
    return queryset.none()


def get_for[M: Model](user: Any, action: Action | str, queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object and check the policy; 404 both when it does not exist and when it is refused."""
    try:
        obj = queryset.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    if not can(user, action, obj):
        raise Http404
    return obj
