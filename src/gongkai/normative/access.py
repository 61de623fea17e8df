"""Who may see and change the normative-document library in the back office, built only on the access
policy's public helpers (:func:`gongkai.orgs.policy.visible_agencies`, :func:`~gongkai.orgs.policy.has_role`,
:func:`~gongkai.orgs.policy.deny`):

- staff of the document's (lead) agency with the role clerk, publisher, head or administrator change
  its documents and clean-ups (draft, correct, register, publish, attach, relate, clean up);
- staff who can see the agency (its own staff, supervisors of an agency above it) read them;
- anyone else gets 404, as if the document did not exist; the refusal is logged with ids only.

The public library needs no policy: a published document is public, anything else is 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from gongkai.normative.models import Cleanup, Document
from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Role

CHANGE_ROLES = (Role.CLERK, Role.PUBLISHER, Role.HEAD, Role.ADMIN)


def can_change(user: Any, agency: Agency) -> bool:
    return policy.has_role(user, agency, *CHANGE_ROLES)


def can_view(user: Any, agency: Agency) -> bool:
    return policy.visible_agencies(user).filter(pk=agency.pk).exists()


def changeable_agencies(user: Any) -> list[Agency]:
    """The agencies whose documents ``user`` may enter, in tree order."""
    return [a for a in policy.visible_agencies(user).order_by("path") if can_change(user, a)]


def scope(user: Any, queryset: QuerySet[Document]) -> QuerySet[Document]:
    """The documents ``user`` may read."""
    return queryset.filter(agency__in=policy.visible_agencies(user).values("pk"))


def scope_cleanups(user: Any, queryset: QuerySet[Cleanup]) -> QuerySet[Cleanup]:
    return queryset.filter(agency__in=policy.visible_agencies(user).values("pk"))


def get_document(user: Any, pk: int, *, change: bool = False) -> Document:
    """One document for viewing (or changing); 404 when it does not exist or is refused."""
    document = Document.objects.select_related("agency", "unit").filter(pk=pk).first()
    if document is None:
        raise Http404
    allowed = can_change(user, document.agency) if change else can_view(user, document.agency)
    if not allowed:
        policy.deny(user, "change" if change else "view", document)
        raise Http404
    return document


def get_cleanup(user: Any, pk: int, *, change: bool = False) -> Cleanup:
    cleanup = Cleanup.objects.select_related("agency").filter(pk=pk).first()
    if cleanup is None:
        raise Http404
    allowed = can_change(user, cleanup.agency) if change else can_view(user, cleanup.agency)
    if not allowed:
        policy.deny(user, "change" if change else "view", cleanup)
        raise Http404
    return cleanup
