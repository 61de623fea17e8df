"""Land panels other apps include without knowing the land models: the applicant's pointers to what is
already disclosed for a linked project (条例第三十六条第一项), and a county's gaps on the staff dashboard."""

from __future__ import annotations

from typing import Any

from django import template

from gongkai.land import selectors
from gongkai.land.models import ProjectLink

register = template.Library()


@register.inclusion_tag("land/_application_pointers.html")
def land_pointers(application: Any) -> dict[str, Any]:
    projects = [
        link.project
        for link in ProjectLink.objects.filter(
            application=application, project__withheld=False
        ).select_related("project")
    ]
    views = selectors.assess_all(selectors.projects_qs().filter(pk__in=[p.pk for p in projects]))
    return {"views": views}


@register.inclusion_tag("land/_dashboard_gaps.html")
def land_gaps(user: Any) -> dict[str, Any]:
    from gongkai.orgs import policy

    return {"gaps": selectors.gaps(policy.visible_agencies(user))}
