"""The staff back office: what a disclosure clerk, officer, head or supervisor works in."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView, redirect_to_login
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongkai.core import calendar as workcal
from gongkai.core.models import CalendarYear
from gongkai.core.schedule import format_lines
from gongkai.orgs import policy, services, throttle, twofactor
from gongkai.orgs.forms import EnrolForm, SecondStepForm, StaffAuthenticationForm
from gongkai.orgs.models import Agency, Membership, Unit, User, UserKind
from gongkai.staff.forms import CalendarYearForm


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Anonymous visitors go to the staff login; public accounts get 404 (the back office is not theirs)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "staff:login")
        if getattr(request.user, "kind", None) != UserKind.STAFF:
            policy.deny(request.user, "view", None, note="public account in back office")
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class StaffLoginView(LoginView):
    """Step one: user name and password (throttled, see :mod:`gongkai.orgs.throttle`).

    A user with an authenticator app is not logged in yet: the login waits (5 minutes) for the code on
    the second step. A head or administrator without one is logged in and sent to enrolment, where the
    middleware keeps them until enrolled. Everyone else is logged in.
    """

    template_name = "staff/login.html"
    authentication_form = StaffAuthenticationForm

    def get_default_redirect_url(self) -> str:
        return "/staff/"

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if twofactor.device_for(user) is not None:
            self.request.session[twofactor.PENDING] = {
                "user": user.pk,
                "at": time.time(),
                "next": self.get_success_url(),
                "backend": user.backend,
            }
            return redirect("staff:login_otp")
        auth_login(self.request, user)
        if twofactor.required_for(user):
            self.request.session[twofactor.STATE] = "enrol"
            self.request.session[ENROL_NEXT] = self.get_success_url()
            services.record_login(self.request, user, via="password")
            messages.warning(
                self.request, _("您的岗位须启用两步验证。请先绑定身份验证器，完成后即可继续使用。")
            )
            return redirect("staff:enrol")
        services.record_login(self.request, user, via="password")
        return redirect(self.get_success_url())


ENROL_NEXT = "gongkai_2fa_next"


@never_cache
def login_otp(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the authenticator app or a recovery code (throttled like the password)."""
    pending: dict[str, Any] = request.session.get(twofactor.PENDING) or {}
    user = User.objects.filter(pk=int(pending.get("user") or 0), kind=UserKind.STAFF, is_active=True).first()
    if user is None or time.time() - float(pending.get("at", 0)) > twofactor.PENDING_SECONDS:
        request.session.pop(twofactor.PENDING, None)
        if request.method == "POST" or pending:
            messages.info(request, _("登录已超时，请重新输入用户名和密码。"))
        return redirect("staff:login")
    form = SecondStepForm(request.POST or None)
    key = f"user:{user.pk}"
    if request.method == "POST" and form.is_valid():
        until = throttle.blocked_until(request, key, scope="otp")
        if until is not None:
            form.add_error(None, throttle.message(until))
        else:
            via = twofactor.verify_second_step(user, form.cleaned_data["code"])
            if via is None:
                reached = throttle.failed(request, key, scope="otp")
                services.record_login_failure(request, user.username, step="otp", throttled=reached)
                form.add_error("code", _("验证码不正确或已使用，请重新输入。"))
            else:
                throttle.succeeded(request, key, scope="otp")
                request.session.pop(twofactor.PENDING, None)
                auth_login(request, user, backend=pending.get("backend"))
                request.session[twofactor.STATE] = "ok"
                services.record_login(request, user, via=via)
                if via == "recovery":
                    left = user.recovery_codes.filter(used_at__isnull=True).count()
                    messages.warning(
                        request,
                        _("您使用了一个恢复码，还剩 %(n)d 个。如手机已丢失，请联系系统管理员重置两步验证。")
                        % {"n": left},
                    )
                target = str(pending.get("next") or "/staff/")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                    target = "/staff/"
                return redirect(target)
    return render(request, "staff/login_otp.html", {"form": form})


@never_cache
@staff_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app: QR code (SVG made here) and the secret, confirmed by a code."""
    user = cast(User, request.user)
    if twofactor.device_for(user) is not None:
        if request.session.get(twofactor.STATE) != "ok":  # enrolled elsewhere meanwhile: log in again
            logout(request)
            return redirect("staff:login")
        return render(request, "staff/enrol.html", {"enrolled": True})
    device = twofactor.start_enrolment(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(user, form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", _("验证码不正确，请确认手机时间准确后输入应用中最新的验证码。"))
        else:
            request.session[twofactor.STATE] = "ok"
            next_url = request.session.pop(ENROL_NEXT, None) or "/staff/"
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                next_url = "/staff/"
            return render(request, "staff/enrol_done.html", {"codes": codes, "next_url": next_url})
    uri = twofactor.provisioning_uri(device)
    return render(
        request,
        "staff/enrol.html",
        {
            "form": form,
            "qr": mark_safe(twofactor.qr_svg(uri, title=_("两步验证二维码"))),  # noqa: S308 - segno's own SVG
            "secret": twofactor.grouped(device.secret),
            "required": twofactor.required_for(user),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("staff:login")


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=cast(User, request.user))
        .select_related("agency", "unit")
        .order_by("agency__path", "role")
    )
    agencies = (
        policy.visible_agencies(request.user)
        .annotate(
            unit_count=Count("units", distinct=True), staff_count=Count("memberships__user", distinct=True)
        )
        .order_by("path")
    )
    return render(
        request,
        "staff/dashboard.html",
        {
            "memberships": memberships,
            "agencies": agencies,
            "missing_year": workcal.missing_next_year(timezone.localdate()),
            "urgency": _urgency(request),
            "unit_urgency": _unit_urgency(request),
            "publication_due": _publication_due(request),
            "normative_expiring": _normative_expiring(request),
            "reports_due": _reports_due(request),
            "can_manage_calendar": policy.can_manage_calendar(request.user),
        },
    )


def _urgency(request: HttpRequest) -> list[dict[str, object]]:
    """Open applications per visible agency by urgency (one aggregate query)."""
    from gongkai.applications import selectors
    from gongkai.applications.models import Application

    return selectors.urgency_by_agency(
        policy.scope(request.user, Application.objects.all()), timezone.localdate()
    )


def _publication_due(request: HttpRequest) -> Any:
    from gongkai.publishing.selectors import close_to_limit

    return close_to_limit(policy.visible_agencies(request.user).values("pk"), timezone.localdate())[:20]


def _normative_expiring(request: HttpRequest) -> int:
    from gongkai.normative.selectors import expiring

    return expiring(policy.visible_agencies(request.user)).count()


def _reports_due(request: HttpRequest, today: Any = None) -> dict[str, Any] | None:
    """From 1 to 31 January: last year's annual report is due (条例第四十九条) — the agencies the user
    prepares reports for that have not published it yet."""
    from gongkai.reports.selectors import reports_due

    return reports_due(request.user, today or timezone.localdate())


def _unit_urgency(request: HttpRequest) -> list[dict[str, object]]:
    from gongkai.applications import selectors
    from gongkai.applications.models import Application

    return selectors.urgency_by_unit(
        policy.scope(request.user, Application.objects.all()), timezone.localdate()
    )


@staff_required
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = policy.get_for(request.user, policy.Action.VIEW, Agency.objects.all(), code=code)
    units = agency.units.annotate(staff_count=Count("memberships__user", distinct=True))
    memberships = agency.memberships.select_related("user", "unit").order_by("role", "user__username")
    below = policy.scope(request.user, Agency.objects.filter(parent=agency)).order_by("path")
    return render(
        request,
        "staff/agency_detail.html",
        {
            "agency": agency,
            "units": units,
            "memberships": memberships,
            "below": below,
            "can_change": policy.can(request.user, policy.Action.CHANGE, agency),
        },
    )


@staff_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_for(request.user, policy.Action.VIEW, Unit.objects.select_related("agency"), pk=pk)
    memberships = unit.memberships.select_related("user").order_by("role")
    return render(request, "staff/unit_detail.html", {"unit": unit, "memberships": memberships})


@staff_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    cal = workcal.working_calendar()
    today = timezone.localdate()
    entered = {y.year: y for y in CalendarYear.objects.select_related("updated_by")}
    years = []
    for year in range(today.year - 2, today.year + 3):
        years.append(
            {
                "year": year,
                "known": year in cal.known_years,
                "package": year in cal.package_years,
                "entered": entered.get(year),
            }
        )
    return render(
        request,
        "staff/calendar_list.html",
        {"years": years, "can_manage": policy.can_manage_calendar(request.user), "today": today},
    )


@staff_required
def calendar_edit(request: HttpRequest, year: int) -> HttpResponse:
    if not policy.can_manage_calendar(request.user) or not 2000 <= year <= 2100:
        policy.deny(request.user, "change", None, note=f"calendar {year}")
        raise Http404
    existing = CalendarYear.objects.filter(year=year).first()
    initial: dict[str, object] = {"complete": True}
    if existing:
        initial.update(
            notice=existing.notice,
            notice_number=existing.notice_number,
            complete=existing.complete,
            days=format_lines(workcal.year_days(year)),
        )
    form = CalendarYearForm(request.POST or None, request.FILES or None, year=year, initial=initial)
    if request.method == "POST" and form.is_valid():
        result = workcal.calendar_save_year(
            year=year,
            days=form.cleaned_data["schedule"],
            notice=form.cleaned_data["notice"],
            notice_number=form.cleaned_data["notice_number"],
            complete=form.cleaned_data["complete"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
        redated = sum(result.recomputed.values())
        messages.success(
            request,
            _(
                "%(year)s 年节假日安排已保存：新增 %(added)s 项，删除 %(removed)s 项；重新计算了 %(n)s 件的期限。"  # noqa: E501
            )
            % {"year": year, "added": result.added, "removed": result.removed, "n": redated},
        )
        return redirect("staff:calendar")
    if request.method == "POST":
        messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
    return render(request, "staff/calendar_edit.html", {"form": form, "year": year, "existing": existing})
