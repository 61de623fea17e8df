"""Who may see and change annual reports, on the access policy's public helpers:

- staff of the agency with the role clerk, head or administrator prepare its report (text, hand-entered
  cells, explanations); the head reviews and publishes it (and starts a correction);
- staff who can see the agency (its own staff, supervisors above it) read it and its provenance;
- a supervisor sees the roll-up of the agencies below it;
- anyone else gets 404, as if the report did not exist (the refusal is logged with ids only).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Role
from gongkai.reports.models import AnnualReport

EDIT_ROLES = (Role.CLERK, Role.HEAD, Role.ADMIN)
APPROVE_ROLES = (Role.HEAD,)


def can_view(user: Any, agency: Agency) -> bool:
    return policy.visible_agencies(user).filter(pk=agency.pk).exists()


def can_edit(user: Any, agency: Agency) -> bool:
    return policy.has_role(user, agency, *EDIT_ROLES)


def can_approve(user: Any, agency: Agency) -> bool:
    return policy.has_role(user, agency, *APPROVE_ROLES)


def get_report(user: Any, pk: int) -> AnnualReport:
    report = AnnualReport.objects.select_related("agency").filter(pk=pk).first()
    if report is None or not can_view(user, report.agency):
        policy.deny(user, "view", report)
        raise Http404
    return report


def rollup_agencies(user: Any) -> list[Agency]:
    """Agencies whose subtree the user supervises (the roll-up is offered for these)."""
    return list(policy.agencies_with_role(user, Role.SUPERVISOR))
