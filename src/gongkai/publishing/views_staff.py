"""Staff pages of proactive disclosure: items by state, the edit form, review and publication."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core.text import parse_year
from gongkai.mailbox.services import counts as mailbox_counts
from gongkai.orgs import policy
from gongkai.orgs.models import Role
from gongkai.publishing import forms, selectors, services
from gongkai.publishing.models import Item
from gongkai.publishing.workflow import LABELS, Status, TransitionError
from gongkai.staff.views import staff_required

EDIT_ROLES = {Role.PUBLISHER, Role.CLERK, Role.HEAD, Role.OFFICER, Role.REVIEWER}


def _editable_agencies(user: Any) -> Any:
    return policy.agencies_with_role(user, *EDIT_ROLES)


def _item(request: HttpRequest, pk: int, *, change: bool) -> Item:
    item = get_object_or_404(Item.objects.select_related("agency", "node", "current"), pk=pk)
    allowed = (
        _editable_agencies(request.user).filter(pk=item.agency_id).exists()
        if change
        else (policy.visible_agencies(request.user).filter(pk=item.agency_id).exists())
    )
    if not allowed:
        policy.deny(request.user, "change" if change else "view", item)
        raise Http404
    return item


@staff_required
def item_list(request: HttpRequest) -> HttpResponse:
    visible = policy.visible_agencies(request.user)
    status = request.GET.get("status", "")
    items = Item.objects.filter(agency__in=visible).select_related("agency", "node")
    if status in LABELS:
        items = items.filter(status=status)
    today = timezone.localdate()
    return render(
        request,
        "publishing/staff/list.html",
        {
            "items": items.order_by("-updated_at")[:200],
            "statuses": [(s.value, LABELS[s]) for s in Status],
            "status": status,
            "urgent": selectors.close_to_limit(visible.values("pk"), today),
            "can_create": _editable_agencies(request.user).exists(),
        },
    )


@staff_required
def item_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = _item(request, pk, change=True) if pk else None
    agencies = _editable_agencies(request.user)
    agency = (
        item.agency
        if item
        else agencies.filter(code=request.GET.get("agency", "")).first() or agencies.first()
    )
    if agency is None:
        raise Http404
    form = forms.ItemForm(request.POST or None, instance=item, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                item = services.item_create(agency=agency, data=form.cleaned_data, by=request.user)
            else:
                services.item_update(item=item, data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            for field, errors in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
            ):
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("publishing_staff:detail", pk=item.pk)
    if request.method == "POST" and form.errors:
        messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
    return render(request, "publishing/staff/edit.html", {"form": form, "item": item, "agency": agency})


@staff_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, change=False)
    return render(
        request,
        "publishing/staff/detail.html",
        {
            "item": item,
            "due": services.publication_due(item),
            "late": services.is_late(item),
            "versions": item.versions.order_by("-number"),
            "note_form": forms.NoteForm(),
            "publish_form": forms.PublishForm(),
            "is_reviewer": policy.has_role(request.user, item.agency, Role.REVIEWER),
            "is_publisher": policy.has_role(request.user, item.agency, Role.PUBLISHER),
            "can_edit": _editable_agencies(request.user).filter(pk=item.agency_id).exists(),
            "editable_states": ("draft", "published", "withdrawn"),
        },
    )


@staff_required
@require_POST
def item_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = _item(request, pk, change=True)
    note = request.POST.get("note", "")
    try:
        if action == "submit":
            services.item_submit(item=item, by=request.user)
        elif action in ("approve", "reject"):
            services.item_review(item=item, approve=action == "approve", note=note, by=request.user)
        elif action == "publish":
            form = forms.PublishForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写有效的发布时间。"))
            services.item_publish(item=item, by=request.user, at=form.cleaned_data["at"], note=note)
        elif action == "attach":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError(_("请选择文件。"))
            from gongkai.core.uploads import UploadRejected

            try:
                services.item_attach(item=item, upload=upload, by=request.user)
            except UploadRejected as exc:
                raise ValidationError(str(exc)) from exc
        elif action == "withdraw":
            services.item_withdraw(item=item, reason=note, by=request.user)
        else:
            raise Http404
    except (ValidationError, TransitionError) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        item.refresh_from_db()
        messages.success(request, _("当前状态：%(status)s。") % {"status": item.status_label})
    return redirect("publishing_staff:detail", pk=pk)


@staff_required
def guide_edit(request: HttpRequest, code: str) -> HttpResponse:
    agency = _editable_agencies(request.user).filter(code=code).first()
    if agency is None or not policy.has_role(request.user, agency, Role.PUBLISHER, Role.HEAD, Role.ADMIN):
        policy.deny(request.user, "change", None, note="guide")
        raise Http404
    from gongkai.publishing.models import Guide

    guide = Guide.objects.filter(agency=agency).first()
    form = forms.GuideForm(request.POST or None, initial={"body": guide.body if guide else ""})
    if request.method == "POST" and form.is_valid():
        services.guide_save(agency=agency, body=form.cleaned_data["body"], by=request.user)
        messages.success(request, _("信息公开指南已更新。"))
        return redirect("portal:guide", code=agency.code)
    return render(request, "publishing/staff/guide.html", {"form": form, "agency": agency, "guide": guide})


@staff_required
def stats(request: HttpRequest) -> HttpResponse:
    """Items published per category and per Art. 20 item, and late publications (SQL aggregates)."""
    visible = policy.visible_agencies(request.user).order_by("path")
    agency = visible.filter(code=request.GET.get("agency", "")).first() or visible.first()
    if agency is None:
        raise Http404
    year_text = request.GET.get("year", "")
    year = parse_year(year_text) or timezone.localdate().year
    rows = selectors.published_per_category(agency, year)
    return render(
        request,
        "publishing/staff/stats.html",
        {
            "agencies": visible,
            "agency": agency,
            "year": year,
            "rows": rows,
            "total": sum(r["n"] for r in rows),
            "late": selectors.late_count(agency, year),
            "mailbox": mailbox_counts(agency, year),
        },
    )
