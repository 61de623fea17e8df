"""The staff back office: what a disclosure clerk, officer, head or supervisor works in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView, redirect_to_login
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.orgs import policy
from gongkai.orgs.forms import StaffAuthenticationForm
from gongkai.orgs.models import Agency, Membership, Unit, User, UserKind


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to the staff login; public accounts get 404 (the back office is not theirs)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "staff:login")
        if getattr(request.user, "kind", None) != UserKind.STAFF:
            policy.deny(request.user, "view", None, note="public account in back office")
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class StaffLoginView(LoginView):
    template_name = "staff/login.html"
    authentication_form = StaffAuthenticationForm

    def get_default_redirect_url(self) -> str:
        return "/staff/"


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
    return render(request, "staff/dashboard.html", {"memberships": memberships, "agencies": agencies})


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
