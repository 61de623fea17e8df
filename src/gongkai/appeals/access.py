"""Who may see and change reconsideration and litigation records, built only on the access policy's
public helpers (:func:`gongkai.orgs.policy.visible_agencies`, :func:`~gongkai.orgs.policy.has_role`,
:func:`~gongkai.orgs.policy.agencies_with_role`, :func:`~gongkai.orgs.policy.deny`):

- staff of the respondent agency with the role clerk, head, administrator or handling officer change
  its cases (create, edit, conclude, attach documents);
- staff who can see the agency (its own staff, supervisors of an agency above it) read them and
  download their documents;
- anyone else gets 404, as if the case did not exist; the refusal is logged with ids only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from gongkai.appeals.models import AppealCase, AppealDocument
from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Role

CHANGE_ROLES = (Role.CLERK, Role.HEAD, Role.ADMIN, Role.OFFICER)


def can_change(user: Any, agency: Agency) -> bool:
    return policy.has_role(user, agency, *CHANGE_ROLES)


def can_view(user: Any, agency: Agency) -> bool:
    return policy.visible_agencies(user).filter(pk=agency.pk).exists()


def changeable_agencies(user: Any) -> list[Agency]:
    """The agencies whose cases ``user`` may enter, in tree order."""
    return list(policy.agencies_with_role(user, *CHANGE_ROLES))


def scope(user: Any, queryset: QuerySet[AppealCase]) -> QuerySet[AppealCase]:
    """The cases ``user`` may read."""
    return queryset.filter(agency__in=policy.visible_agencies(user).values("pk"))


def get_case(user: Any, public_id: Any, *, change: bool = False) -> AppealCase:
    """One case for viewing (or changing); 404 when it does not exist or is refused."""
    case = (
        AppealCase.objects.select_related("agency", "application", "related")
        .filter(public_id=public_id)
        .first()
    )
    if case is None:
        raise Http404
    allowed = can_change(user, case.agency) if change else can_view(user, case.agency)
    if not allowed:
        policy.deny(user, "change" if change else "view", case)
        raise Http404
    return case


def get_document(user: Any, public_id: Any, document_id: Any) -> AppealDocument:
    """A document of a case the user may read; 404 otherwise."""
    case = get_case(user, public_id)
    document = case.documents.filter(public_id=document_id).first()
    if document is None:
        raise Http404
    return document
