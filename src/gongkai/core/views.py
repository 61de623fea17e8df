"""Site-wide display preferences."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return HttpResponseRedirect(target)


def language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language with a plain link, like the elder mode.

    A display preference, not a change of anyone's data; a link (rather than Django's ``set_language``
    form, which needs a CSRF token on every page) keeps public pages free of per-visitor tokens, so
    they can be cached whole (core/pagecache.py). Unknown languages are ignored.
    """
    response = _back(request)
    code = request.GET.get("language", "")
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # "Lax" in settings
        )
    return response


def elder_mode(request: HttpRequest) -> HttpResponse:
    """适老化: larger text and higher contrast, remembered in a cookie for a year; no script needed."""
    response = _back(request)
    if request.GET.get("on") == "1":
        response.set_cookie("gongkai_elder", "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    else:
        response.delete_cookie("gongkai_elder")
    return response
