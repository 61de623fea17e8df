"""The public portal: the 政府信息公开 column of every agency, and the applicant's own account pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core.pagecache import public_page
from gongkai.core.statute import chinese_numeral
from gongkai.orgs import policy, services, throttle
from gongkai.orgs.forms import ApplicantAuthenticationForm, ApplicantForm, RegisterForm, VerifyForm
from gongkai.orgs.models import Agency, Applicant, Level, Unit, User, UserKind


def _agency(code: str) -> Agency:
    return get_object_or_404(Agency, code=code, is_active=True)


def _column(request: HttpRequest, code: str, section: str, template: str, **context: object) -> HttpResponse:
    agency = _agency(code)
    return render(
        request,
        template,
        {"agency": agency, "section": section, "ancestors": agency.ancestors().order_by("path"), **context},
    )


def switch(request: HttpRequest) -> HttpResponse:
    agency = get_object_or_404(Agency, code=request.GET.get("code", ""), is_active=True)
    return redirect("portal:column", code=agency.code)


@public_page
def home(request: HttpRequest) -> HttpResponse:
    agencies = list(Agency.objects.filter(is_active=True).order_by("path", "sort_order"))
    provinces = [a for a in agencies if a.level == Level.PROVINCE]
    children: dict[int, list[Agency]] = {}
    for a in agencies:
        if a.parent_id:
            children.setdefault(a.parent_id, []).append(a)
    for a in agencies:  # the template walks these lists: one query for the whole tree, not one per agency
        a.active_children = children.get(a.id, [])  # type: ignore[attr-defined]
    return render(request, "portal/home.html", {"provinces": provinces, "children": children})


@public_page
def column(request: HttpRequest, code: str) -> HttpResponse:
    return _column(request, code, "column", "portal/column.html")


@public_page
def guide(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency(code)
    office = Unit.objects.filter(agency=agency, is_disclosure_office=True).first()
    from gongkai.publishing.models import Guide

    guide = Guide.objects.filter(agency=agency).first()
    return _column(request, code, "guide", "portal/guide.html", office=office, guide=guide)


@public_page
def rules(request: HttpRequest, code: str) -> HttpResponse:
    return _column(request, code, "rules", "portal/rules.html")


@public_page
def proactive(request: HttpRequest, code: str) -> HttpResponse:
    from gongkai.publishing import catalogue
    from gongkai.publishing.selectors import public_items

    agency = _agency(code)
    # The whole tree in reading order (one query), each entry with its standard catalogue fields.
    nodes = [
        (chinese_numeral(n.art20_item) if n.art20_item else "", n)
        for n in catalogue.flatten(catalogue.tree(agency))
    ]
    latest = public_items(agency).order_by("-first_published_at")[:10]
    return _column(request, code, "proactive", "portal/proactive.html", nodes=nodes, latest=latest)


@public_page
def reports(request: HttpRequest, code: str) -> HttpResponse:
    from gongkai.reports.views_public import published_reports

    return _column(request, code, "reports", "portal/reports.html", reports=published_reports(_agency(code)))


@public_page
def apply(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency(code)
    office = Unit.objects.filter(agency=agency, is_disclosure_office=True).first()
    return _column(request, code, "apply", "portal/apply.html", office=office)


class ApplicantLoginView(LoginView):
    """The public login: throttled per (client address, account) and per address (see the form)."""

    template_name = "portal/login.html"
    authentication_form = ApplicantAuthenticationForm
    redirect_authenticated_user = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_login(self.request, form.get_user(), via="password")
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


def _require_applicant(request: HttpRequest) -> None:
    if getattr(request.user, "kind", None) != UserKind.APPLICANT:
        policy.deny(request.user, "view", None, note="not an applicant account")
        raise Http404


@login_required
def account(request: HttpRequest) -> HttpResponse:
    _require_applicant(request)
    applicants = policy.scope(request.user, Applicant.objects.all())
    return render(request, "portal/account.html", {"applicants": applicants})


@login_required
def applicant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = policy.get_for(request.user, policy.Action.VIEW, Applicant.objects.all(), pk=pk)
    return render(request, "portal/applicant_detail.html", {"applicant": applicant})


@login_required
def applicant_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_applicant(request)
    applicant = None
    if pk is not None:
        applicant = policy.get_for(request.user, policy.Action.CHANGE, Applicant.objects.all(), pk=pk)
    form = ApplicantForm(request.POST or None, instance=applicant)
    if request.method == "POST" and form.is_valid():
        saved = services.applicant_save(account=request.user, data=form.cleaned_data, applicant=applicant)  # type: ignore[arg-type]
        messages.success(request, _("申请人信息已保存。"))
        return redirect("portal:applicant_detail", pk=saved.pk)
    if request.method == "POST":
        messages.error(request, _("请按提示修改标出的项目，您已填写的内容都保留在表单中。"))
    return render(request, "portal/applicant_form.html", {"form": form, "applicant": applicant})


def register(request: HttpRequest) -> HttpResponse:
    """A citizen opens an account with a mobile number or an email address, proved by a code."""
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_register(
                contact=data["contact"], display_name=data["display_name"], password=data["password1"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            request.session["gongkai_verify"] = user.username
            messages.success(request, _("验证码已发送，请查收后输入。"))
            return redirect("portal:verify")
    return render(request, "portal/register.html", {"form": form})


def verify(request: HttpRequest) -> HttpResponse:
    initial = {"username": request.session.get("gongkai_verify", "")}
    form = VerifyForm(request.POST or None, initial=initial)
    if request.method == "POST" and "resend" in request.POST:
        user = User.objects.filter(
            username=request.POST.get("username", ""), is_active=False, kind=UserKind.APPLICANT
        ).first()
        try:
            if user is not None:
                services.send_verification_code(user)
            messages.info(request, _("如该账户尚未验证，新的验证码已发送。"))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        return redirect("portal:verify")
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        until = throttle.blocked_until(request, username, scope="verify")
        try:
            if until is not None:
                raise ValidationError(throttle.message(until))
            try:
                user = services.account_verify(username=username, code=form.cleaned_data["code"])
            except ValidationError:
                reached = throttle.failed(request, username, scope="verify")
                services.record_login_failure(request, username, step="verify", throttled=reached)
                raise
        except ValidationError as exc:
            for field, errors in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
            ):
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            throttle.succeeded(request, username, scope="verify")
            request.session.pop("gongkai_verify", None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("账户已验证。请登记申请人信息后提交申请。"))
            return redirect("portal:applicant_new")
    return render(request, "portal/verify.html", {"form": form})
