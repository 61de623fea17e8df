from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "site_name": settings.GONGKAI_SITE_NAME,
        "elder_mode": request.COOKIES.get("gongkai_elder") == "1",
        "all_agencies": _agencies,
        "administers": lambda: _administers(request),
    }


def _administers(request: HttpRequest) -> bool:
    """Whether the signed-in staff member administers an agency (shows the audit log link); lazy."""
    from gongkai.orgs import policy

    return policy.administered_agencies(request.user).exists()


def _agencies() -> list[object]:
    """Lazily evaluated by templates that show the agency switcher (one query, only where used)."""
    from gongkai.orgs.models import Agency

    return list(Agency.objects.filter(is_active=True).order_by("path").only("code", "name", "level", "path"))
