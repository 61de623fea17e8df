"""The applicant's side: file online, follow the case, download the letters."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongkai.applications import forms, limits, services
from gongkai.applications.models import Application
from gongkai.core.uploads import UploadRejected
from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Applicant, UserKind
from gongkai.orgs.throttle import given_back_on_failure


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
    form = forms.OnlineApplicationForm(
        request.POST or None, request.FILES or None, account=request.user, initial=initial
    )
    again = request.method == "POST" and _resubmission(request)
    if request.method == "POST" and not again:
        refused = _over_limits(request)
        if refused is not None:
            return _refused(request, form, agency, *refused)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kept = data.get("identity_copy") is None and request.session.get(PENDING_KEY) is not None
        upload = data.get("identity_copy") or _pending_upload(request)
        taken = None
        if not again:
            taken = limits.take(request)
            if taken is None:  # the last use went to a form sent at the same instant
                return _refused(request, form, agency, *limits.address_refusal())
        try:
            with given_back_on_failure(taken), transaction.atomic():
                if not again:
                    limits.check_account_locked(request.user)
                application = services.application_submit_online(
                    applicant=data["applicant"],
                    agency=agency,
                    data={k: data[k] for k in services.REQUEST_FIELDS if k in data},
                    token=data["token"],
                )
                if upload and not application.attachments.exists():
                    services.attach(application=application, upload=upload, kind="identity", by=request.user)
        except limits.AccountLimitReached:
            return _refused(request, form, agency, *limits.account_refusal())
        except UploadRejected as exc:  # the account's quota, checked again under its lock
            if kept:  # the copy kept from an earlier try: dropped, so the next try files without it
                _drop_pending_upload(request)
                text = _(
                    "此前保留的身份证明文件未被接收，已删除：%(reason)s您可以重新选择文件，或不附文件提交。"
                )
                form.add_error("identity_copy", text % {"reason": exc})
            else:
                form.add_error("identity_copy", str(exc))
            messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
            pending = request.session.get(PENDING_KEY)
            return render(
                request,
                "applications/public/apply.html",
                {"form": form, "agency": agency, "pending": pending},
            )
        _drop_pending_upload(request)
        return redirect("applications_public:detail", public_id=application.public_id)
    if request.method == "POST":
        if request.FILES.get("identity_copy") and "identity_copy" not in form.errors:
            _keep_pending_upload(request, request.FILES["identity_copy"])
        messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
    pending = request.session.get(PENDING_KEY)
    return render(
        request, "applications/public/apply.html", {"form": form, "agency": agency, "pending": pending}
    )


PENDING_KEY = "gongkai_pending_identity_copy"


def _refused(request: HttpRequest, form: Any, agency: Agency, text: str, retry_after: int) -> HttpResponse:
    """429 with the form as typed (and a checked identity copy kept for the next try)."""
    messages.error(request, text)
    if request.FILES.get("identity_copy") and "identity_copy" not in form.errors:  # kept too
        _keep_pending_upload(request, request.FILES["identity_copy"])
    response = render(
        request,
        "applications/public/apply.html",
        {"form": form, "agency": agency, "pending": request.session.get(PENDING_KEY)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _keep_pending_upload(request: HttpRequest, upload: Any) -> None:
    """A checked file survives a form error: kept under a random name until the form is sent again."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from gongkai.core import uploads

    _drop_pending_upload(request)
    upload.seek(0)
    ext = (upload.name or "").rsplit(".", 1)[-1].lower()
    path = default_storage.save(uploads.storage_name("private/pending", ext), ContentFile(upload.read()))
    request.session[PENDING_KEY] = {
        "path": path,
        "name": uploads.display_name(upload.name or ""),
        "size": upload.size,
    }


def _pending_upload(request: HttpRequest) -> Any:
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    pending = request.session.get(PENDING_KEY)
    if not pending or not default_storage.exists(pending["path"]):
        return None
    with default_storage.open(pending["path"], "rb") as fh:
        return SimpleUploadedFile(pending["name"], fh.read())


def _drop_pending_upload(request: HttpRequest) -> None:
    from django.core.files.storage import default_storage

    pending = request.session.pop(PENDING_KEY, None)
    if pending and default_storage.exists(pending["path"]):
        default_storage.delete(pending["path"])


def _resubmission(request: HttpRequest) -> bool:
    """The same form sent again (its one-time token already filed): answered with that application."""
    token = request.POST.get("token", "")
    filed = Application.objects.filter(submission_token=token, account_id=request.user.pk)
    return bool(token) and filed.exists()


def _over_limits(request: HttpRequest) -> tuple[str, int] | None:
    """The refusal (message, seconds to wait) when a daily limit is reached (bad-inputs 16), else None:
    per account (a rolling 24 hours; staff see the count for Art. 35), then per client address (a
    Beijing calendar day, :mod:`gongkai.applications.limits`). An early answer: both are checked again
    when filing (the account's under a lock on its row, the address's by taking a use atomically)."""
    if limits.account_limit_reached(request.user):
        return limits.account_refusal()
    if limits.reached(request):
        return limits.address_refusal()
    return None


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
    files = [a for a in application.attachments.all() if a.visible_to_applicant]
    from gongkai.applications.letters import applicant_letters

    letters = applicant_letters(application)
    return render(
        request,
        "applications/public/detail.html",
        {"app": application, "events": events, "files": files, "letters": letters},
    )


@login_required
def my_file(request: HttpRequest, public_id: Any, file_id: Any) -> FileResponse:
    application = policy.get_for(
        request.user, policy.Action.VIEW, Application.objects.all(), public_id=public_id
    )
    attachment = get_object_or_404(application.attachments, public_id=file_id)
    if not attachment.visible_to_applicant:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@login_required
def my_letter(request: HttpRequest, public_id: Any, kind: str, ext: str) -> HttpResponse:
    """The applicant downloads letters addressed to them once final (never drafts or consultation letters)."""
    from gongkai.applications.views_staff import letter_response

    application = policy.get_for(
        request.user, policy.Action.VIEW, Application.objects.all(), public_id=public_id
    )
    from gongkai.applications.letters import applicant_may_download

    if not applicant_may_download(application, kind):
        raise Http404
    return letter_response(application, kind, ext)
