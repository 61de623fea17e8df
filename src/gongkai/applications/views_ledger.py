"""The ledger (台账) in the staff UI: check and import a spreadsheet, export one agency's ledger."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongkai.applications import ledger
from gongkai.core import audit, uploads
from gongkai.core.text import parse_year
from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Role
from gongkai.staff.views import staff_required

SESSION_KEY = "gongkai_ledger_upload"


def _agencies(user: Any) -> Any:
    return policy.agencies_with_role(user, Role.CLERK, Role.HEAD, Role.ADMIN)


def _agency(request: HttpRequest, code: str) -> Agency:
    agency = _agencies(request.user).filter(code=code).first()
    if agency is None:
        policy.deny(request.user, "handle", None, note="ledger")
        raise Http404
    return agency


@staff_required
def page(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request.user)
    if not agencies.exists():
        raise Http404
    context: dict[str, Any] = {"agencies": agencies}
    if request.method == "POST":
        agency = _agency(request, request.POST.get("agency", ""))
        context["agency"] = agency
        stored = request.session.get(SESSION_KEY)
        upload = request.FILES.get("file")
        try:
            if upload is not None:
                if (upload.size or 0) > ledger.MAX_BYTES:
                    raise ledger.LedgerError(_("文件超过 10 MB。"))
                data = upload.read()
                name = uploads.display_name(upload.name or "ledger.xlsx")
                path = default_storage.save(f"private/ledger/{uuid.uuid4().hex}", ContentFile(data))
                request.session[SESSION_KEY] = {"path": path, "name": name, "agency": agency.code}
            elif stored and stored["agency"] == agency.code:
                path, name = stored["path"], stored["name"]
                with default_storage.open(path, "rb") as fh:
                    data = fh.read()
            else:
                raise ledger.LedgerError(_("请选择要导入的台账文件（XLSX 或 CSV）。"))
            rows = ledger.read_rows(name, data)
            valid, errors = ledger.validate(rows, agency=agency)
        except ledger.LedgerError as exc:
            messages.error(request, str(exc))
            return render(request, "applications/staff/ledger.html", context)
        action = request.POST.get("action", "check")
        context.update(
            file_name=name,
            valid=valid,
            errors=errors,
            rows=len(rows),
            existing=ledger.count_existing(agency=agency, valid=valid),
            new_lists=ledger.new_list_entries(valid),
        )
        if action in ("import", "import_valid") and (not errors or action == "import_valid"):
            result = ledger.import_rows(agency=agency, valid=valid, by=request.user, source_name=name)
            default_storage.delete(path)
            request.session.pop(SESSION_KEY, None)
            messages.success(
                request,
                _("已导入 %(created)s 件，已存在而跳过 %(skipped)s 件。")
                % {"created": result.created, "skipped": result.skipped_existing},
            )
            return redirect("applications_staff:queue")
        if action != "check" and errors:
            messages.error(
                request, _("台账有错误，未导入任何记录。可以修改文件后重新上传，或选择只导入无误的行。")
            )
    return render(request, "applications/staff/ledger.html", context)


@staff_required
def export(request: HttpRequest) -> HttpResponse:
    agency = _agency(request, request.GET.get("agency", ""))
    year_text = request.GET.get("year", "")
    year = parse_year(year_text)
    data = ledger.export_xlsx(agency=agency, year=year)
    audit.record(request.user, "ledger.export", agency, agency=agency, data={"year": year})
    response = HttpResponse(data, content_type=ledger_content_type())
    response["Content-Disposition"] = f'attachment; filename="ledger-{agency.code}-{year or "all"}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


def ledger_content_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
