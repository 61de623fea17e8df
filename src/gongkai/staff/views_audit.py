"""The audit log for administrators: filters, paging, export (CSV, XLSX); every export is recorded.

An administrator sees the entries of the agencies they administer (``policy.administered_agencies``:
their agency and those below it); entries without an agency (logins, the holiday schedule, the log
itself) only an administrator of a top-level agency. Anyone else gets 404. Personal data is masked
(``audit.scrub``) on the page and in exports; export cells never become formulas.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core import audit
from gongkai.core.models import AuditEvent
from gongkai.orgs import policy
from gongkai.orgs.models import Agency, User
from gongkai.staff.views import staff_required

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AuditFilterForm(forms.Form):
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    verb = forms.CharField(
        label=_("操作"), required=False, max_length=60, help_text=_("前缀匹配，如 application.")
    )
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=60)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    actor = forms.CharField(label=_("操作人用户名"), required=False, max_length=150)
    agency = forms.ChoiceField(label=_("机关"), required=False)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {a.code: a for a in agencies}
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("全部")), *[(a.code, f"{a.code} {a.name}") for a in agencies]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("起始日期晚于截止日期。"))
        return data


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _scope(user: Any) -> tuple[QuerySet[AuditEvent], QuerySet[Agency]]:
    """The entries and agencies this administrator may see; 404 for anyone else."""
    agencies = policy.administered_agencies(user).order_by("path")
    if not agencies.exists():
        policy.deny(user, "view", None, note="audit log")
        raise Http404
    cond = Q(agency__in=agencies.values("pk"))
    if agencies.filter(parent__isnull=True).exists():
        cond |= Q(agency__isnull=True)
    return AuditEvent.objects.filter(cond), agencies


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent], dict[str, str]]:
    events, agencies = _scope(request.user)
    form = AuditFilterForm(request.GET or None, agencies=agencies)
    used: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        f = form.cleaned_data
        if f["since"]:
            events = events.filter(at__gte=_start_of(f["since"]))
        if f["until"]:
            events = events.filter(at__lt=_start_of(f["until"] + timedelta(days=1)))
        if f["verb"]:
            events = events.filter(verb__startswith=f["verb"])
        if f["object_type"]:
            events = events.filter(object_type=f["object_type"].lower())
        if f["object_id"]:
            events = events.filter(object_id=f["object_id"])
        if f["actor"]:
            events = events.filter(actor__in=User.objects.filter(username=f["actor"]).values("pk"))
        if f["agency"]:
            events = events.filter(agency=form.agencies[f["agency"]])
        used = {k: str(v) for k, v in f.items() if v}
    elif form.is_bound:
        events = events.none()
    return form, events, used


@staff_required
def audit_list(request: HttpRequest) -> HttpResponse:
    form, events, _used = _filtered(request)
    page = Paginator(events.select_related("actor", "agency").order_by("-seq"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "event": e,
            "actor": audit.actor_label(e),
            "reason": audit.scrub(e.reason),
            "data": audit.scrub(audit.json_text(e.data)),
        }
        for e in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/audit_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


@staff_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, events, used = _filtered(request)
    count = events.count()
    rows = audit.export_rows(events)
    body = audit.to_xlsx(rows) if fmt == "xlsx" else audit.to_csv(rows)
    agency = form.agencies.get(used.get("agency", "")) or next(iter(form.agencies.values()))
    audit.record(
        request.user,
        "audit.export",
        agency,
        agency=agency,
        data={"format": fmt, "rows": count, "filters": used, "via": "staff"},
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(body, content_type=XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
