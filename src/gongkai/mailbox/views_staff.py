"""Staff screens: the queue by due date, the letter page and its actions (route, reply, publish, close)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.core import clock
from gongkai.core.calendar import working_calendar
from gongkai.mailbox import access, forms, services
from gongkai.mailbox.models import Letter
from gongkai.mailbox.rules import OPEN, Status, StepRefused
from gongkai.staff.views import staff_required

FILTERS = [
    ("open", gettext_lazy("未办结")),
    ("overdue", gettext_lazy("已超期")),
    ("replied", gettext_lazy("已答复")),
    ("published", gettext_lazy("已公开")),
    ("closed", gettext_lazy("不予受理")),
    ("all", gettext_lazy("全部")),
]


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """Letters of every agency the user may read, the most urgent first; overdue ones marked."""
    today = timezone.localdate()
    agencies = access.readable_agencies(request.user)
    letters = Letter.objects.filter(box__agency__in=[a.pk for a in agencies])
    agency_code = request.GET.get("agency", "")
    if agency_code:
        letters = letters.filter(box__agency__code=agency_code)
    show = request.GET.get("show", "open")
    if show not in dict(FILTERS):
        show = "open"
    q = request.GET.get("q", "").strip()[:50]
    summary: dict[int, tuple[int, int]] = {
        row["box__agency"]: (row["open"], row["overdue"])
        for row in Letter.objects.filter(box__agency__in=[a.pk for a in agencies])
        .values("box__agency")
        .annotate(
            open=Count("id", filter=Q(status__in=list(OPEN))),
            overdue=Count("id", filter=Q(status__in=list(OPEN), due_on__lt=today)),
        )
    }
    rows = letters.select_related("box__agency", "routed_unit")
    if show in ("open", "overdue"):
        rows = rows.filter(status__in=list(OPEN)).order_by("due_on", "submitted_at")
        if show == "overdue":
            rows = rows.filter(due_on__lt=today)
    else:
        if show == "replied":
            rows = rows.filter(status=Status.REPLIED)
        elif show == "published":
            rows = rows.filter(published=True)
        elif show == "closed":
            rows = rows.filter(status=Status.CLOSED)
        rows = rows.order_by("-submitted_at")
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(body__icontains=q) | Q(writer_name__icontains=q))
    cal = working_calendar()
    listed = list(rows[:200])
    for letter in listed:
        letter.remaining = (  # type: ignore[attr-defined]
            clock.remaining_working_days(cal, today, letter.due_on) if letter.is_open else None
        )
    return render(
        request,
        "mailbox/staff/queue.html",
        {
            "rows": listed,
            "agencies": [(a, *summary.get(a.pk, (0, 0))) for a in agencies],
            "agency_code": agency_code,
            "show": show,
            "filters": FILTERS,
            "q": q,
            "today": today,
        },
    )


def _forms(letter: Letter) -> dict[str, djforms.Form]:
    return {
        "route": forms.RouteForm(
            agency=letter.box.agency, prefix="route", initial={"unit": letter.routed_unit_id}
        ),
        "reply": forms.ReplyForm(prefix="reply"),
        "close": forms.ReasonForm(prefix="close"),
        "publish": forms.PublishForm(
            prefix="publish",
            initial={
                "title": letter.published_title or letter.title,
                "question": letter.published_question or letter.body,
                "answer": letter.published_answer or letter.reply_text,
            },
        ),
        "unpublish": forms.ReasonForm(prefix="unpublish"),
    }


def _bound(action: str, letter: Letter, data: Any) -> djforms.Form:
    if action == "route":
        return forms.RouteForm(data, agency=letter.box.agency, prefix="route")
    return {
        "reply": forms.ReplyForm,
        "close": forms.ReasonForm,
        "publish": forms.PublishForm,
        "unpublish": forms.ReasonForm,
    }[action](data, prefix=action)


def _render(
    request: HttpRequest, letter: Letter, bound: dict[str, djforms.Form] | None = None
) -> HttpResponse:
    can_handle = access.can_handle(request.user, letter.box.agency)
    today = timezone.localdate()
    context = {
        "letter": letter,
        "today": today,
        "remaining": services.remaining_days(letter, today),
        "events": letter.events.select_related("actor"),
        "can_handle": can_handle,
        "forms": {**_forms(letter), **(bound or {})} if can_handle else {},
    }
    response = render(request, "mailbox/staff/detail.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render(request, access.letter_for(request.user, public_id))


Handler = Callable[[Letter, dict[str, Any], Any], Letter]

ACTIONS: dict[str, tuple[Handler, Any]] = {
    "route": (
        lambda letter, d, by: services.letter_route(letter=letter, unit=d["unit"], note=d["note"], by=by),
        gettext_lazy("已分办给 %(unit)s。"),
    ),
    "reply": (
        lambda letter, d, by: services.letter_reply(letter=letter, text=d["text"], by=by),
        gettext_lazy("已答复。"),
    ),
    "close": (
        lambda letter, d, by: services.letter_close(letter=letter, reason=d["reason"], by=by),
        gettext_lazy("已作不予受理处理。"),
    ),
    "publish": (
        lambda letter, d, by: services.letter_publish(
            letter=letter, title=d["title"], question=d["question"], answer=d["answer"], by=by
        ),
        gettext_lazy("已公开为问答。"),
    ),
    "unpublish": (
        lambda letter, d, by: services.letter_unpublish(letter=letter, reason=d["reason"], by=by),
        gettext_lazy("已撤回公开。"),
    ),
}


@staff_required
@require_POST
def act(request: HttpRequest, public_id: Any, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    letter = access.letter_for(request.user, public_id, handle=True)
    handler, done = ACTIONS[action]
    form = _bound(action, letter, request.POST)
    if form.is_valid():
        try:
            letter = handler(letter, form.cleaned_data, request.user)
        except (ValidationError, StepRefused, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                form.add_error(None, message)
        else:
            unit = letter.routed_unit.name if letter.routed_unit else ""
            messages.success(request, str(done) % {"unit": unit})
            return redirect("mailbox_staff:detail", public_id=letter.public_id)
    messages.error(request, _("未能完成操作，请按提示修改，您填写的内容都保留在表单中。"))
    letter.refresh_from_db()
    return _render(request, letter, {action: form})
