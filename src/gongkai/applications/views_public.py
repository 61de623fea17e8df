"""The applicant's side: file online, follow the case, download the letters."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongkai.applications import forms, services
from gongkai.applications.models import Application
from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Applicant, UserKind


def _require_applicant(request: HttpRequest) -> None:
    if getattr(request.user, "kind", None) != UserKind.APPLICANT:
        policy.deny(request.user, "view", None, note="not an applicant account")
        raise Http404


@login_required
def apply_online(request: HttpRequest, code: str) -> HttpResponse:
    _require_applicant(request)
    agency = get_object_or_404(Agency, code=code, is_active=True)
    identities = policy.scope(request.user, Applicant.objects.all())
    if not identities.exists():
        messages.info(request, _("请先登记申请人信息（姓名或名称、身份证明、联系方式），再提交申请。"))
        return redirect("portal:applicant_new")
    initial = {"token": secrets.token_urlsafe(24)}
    form = forms.OnlineApplicationForm(request.POST or None, account=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        application = services.application_submit_online(
            applicant=data["applicant"],
            agency=agency,
            data={k: data[k] for k in services.REQUEST_FIELDS if k in data},
            token=data["token"],
        )
        return redirect("applications_public:detail", public_id=application.public_id)
    if request.method == "POST":
        messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
    return render(request, "applications/public/apply.html", {"form": form, "agency": agency})


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    _require_applicant(request)
    rows = policy.scope(request.user, Application.objects.select_related("agency")).order_by("-submitted_at")
    return render(request, "applications/public/list.html", {"rows": rows})


@login_required
def my_application(request: HttpRequest, public_id: Any) -> HttpResponse:
    application = policy.get_for(
        request.user, policy.Action.VIEW, Application.objects.select_related("agency"), public_id=public_id
    )
    events = application.events.filter(visible_to_applicant=True)
    return render(request, "applications/public/detail.html", {"app": application, "events": events})
