"""Site-wide display preferences."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def elder_mode(request: HttpRequest) -> HttpResponse:
    """适老化: larger text and higher contrast, remembered in a cookie for a year; no script needed."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.GET.get("on") == "1":
        response.set_cookie("gongkai_elder", "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    else:
        response.delete_cookie("gongkai_elder")
    return response
