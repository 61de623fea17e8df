"""The public portal: the 政府信息公开 column of every agency, and the applicant's own account pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core.statute import ART20_ITEMS, chinese_numeral
from gongkai.orgs import policy, services
from gongkai.orgs.forms import ApplicantAuthenticationForm, ApplicantForm
from gongkai.orgs.models import Agency, Applicant, Level, Unit, UserKind


def _agency(code: str) -> Agency:
    return get_object_or_404(Agency, code=code, is_active=True)


def _column(request: HttpRequest, code: str, section: str, template: str, **context: object) -> HttpResponse:
    agency = _agency(code)
    return render(
        request,
        template,
        {"agency": agency, "section": section, "ancestors": agency.ancestors().order_by("path"), **context},
    )


def home(request: HttpRequest) -> HttpResponse:
    agencies = list(Agency.objects.filter(is_active=True).order_by("path", "sort_order"))
    provinces = [a for a in agencies if a.level == Level.PROVINCE]
    children: dict[int, list[Agency]] = {}
    for a in agencies:
        if a.parent_id:
            children.setdefault(a.parent_id, []).append(a)
    return render(request, "portal/home.html", {"provinces": provinces, "children": children})


def column(request: HttpRequest, code: str) -> HttpResponse:
    return _column(request, code, "column", "portal/column.html")


def guide(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency(code)
    office = Unit.objects.filter(agency=agency, is_disclosure_office=True).first()
    return _column(request, code, "guide", "portal/guide.html", office=office)


def rules(request: HttpRequest, code: str) -> HttpResponse:
    return _column(request, code, "rules", "portal/rules.html")


def proactive(request: HttpRequest, code: str) -> HttpResponse:
    items = [(chinese_numeral(n), text) for n, text in ART20_ITEMS]
    return _column(request, code, "proactive", "portal/proactive.html", art20_items=items)


def reports(request: HttpRequest, code: str) -> HttpResponse:
    return _column(request, code, "reports", "portal/reports.html")


def apply(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency(code)
    office = Unit.objects.filter(agency=agency, is_disclosure_office=True).first()
    return _column(request, code, "apply", "portal/apply.html", office=office)


class ApplicantLoginView(LoginView):
    template_name = "portal/login.html"
    authentication_form = ApplicantAuthenticationForm
    redirect_authenticated_user = False


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
