"""Staff session timeouts: idle (``GONGKAI_STAFF_SESSION_IDLE_MINUTES``, 30) and absolute
(``GONGKAI_STAFF_SESSION_MAX_HOURS``, 12).

The session keeps when it was first seen logged in and when it was last used (epoch seconds). A staff
request after the idle time, or after the absolute limit, ends the session (logout) and goes to the staff
login with a message; after a page view (GET) ``next`` brings the person back to that page, while a
form posted after the timeout is not carried out. Public accounts keep Django's default session.
The "last used" time is written at most once a minute, so a busy session is not saved on every request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

log = logging.getLogger("gongkai.access")

STARTED = "gongkai_staff_started"
SEEN = "gongkai_staff_seen"
TOUCH_SECONDS = 60


class StaffSessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(user, "kind", None) != "staff":
            return self.get_response(request)
        session = request.session
        now = time.time()
        started = float(session.get(STARTED) or now)
        seen = float(session.get(SEEN) or now)
        idle = settings.GONGKAI_STAFF_SESSION_IDLE_MINUTES * 60
        limit = settings.GONGKAI_STAFF_SESSION_MAX_HOURS * 3600
        expired = ""
        if now - seen > idle:
            expired = "idle"
            text = _("您已超过 %(n)d 分钟未操作，为保护数据安全已自动退出，请重新登录。") % {
                "n": settings.GONGKAI_STAFF_SESSION_IDLE_MINUTES
            }
        elif now - started > limit:
            expired = "absolute"
            text = _("本次登录已超过 %(n)d 小时，为保护数据安全已自动退出，请重新登录。") % {
                "n": settings.GONGKAI_STAFF_SESSION_MAX_HOURS
            }
        if expired:
            log.info("staff session expired: user=%s reason=%s", user.pk, expired)
            logout(request)
            messages.info(request, text)
            target = reverse("staff:login")
            htmx = request.headers.get("HX-Request") == "true"  # django-htmx's middleware runs later
            if request.method == "GET" and not htmx:
                target += "?" + urlencode({"next": request.get_full_path()})
            if htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        if STARTED not in session:
            session[STARTED] = now
        if SEEN not in session or now - seen >= TOUCH_SECONDS:
            session[SEEN] = now
        return self.get_response(request)
