"""The public side: an agency's boxes and published Q&A, writing a letter, the receipt, lookup by code."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from gongkai.core.pagecache import public_page
from gongkai.mailbox import forms, limits, services
from gongkai.mailbox.models import Box, BoxKind, Letter
from gongkai.orgs.models import Agency, UserKind
from gongkai.orgs.throttle import given_back_on_failure, seconds_until_midnight

RECEIPTS_KEY = "gongkai_mailbox_receipts"
PAGE_SIZE = 10


def _agency(code: str) -> Agency:
    return get_object_or_404(Agency, code=code, is_active=True)


def _column(agency: Agency, **context: Any) -> dict[str, Any]:
    """The context the agency's column (``portal/column_base.html``) needs."""
    return {
        "agency": agency,
        "section": "mailbox",
        "ancestors": agency.ancestors().order_by("path"),
        **context,
    }


@public_page
def index(request: HttpRequest, code: str) -> HttpResponse:
    """The agency's boxes and its published Q&A (search, filter by box, paging)."""
    agency = _agency(code)
    boxes = list(Box.objects.filter(agency=agency, is_active=True).order_by("sort_order", "kind"))
    q = request.GET.get("q", "").strip()[:50]
    kind = request.GET.get("kind", "")
    rows = services.published_qa(agency)
    if kind in BoxKind.values:
        rows = rows.filter(box__kind=kind)
    else:
        kind = ""
    if q:
        rows = rows.filter(
            Q(published_title__icontains=q)
            | Q(published_question__icontains=q)
            | Q(published_answer__icontains=q)
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    year = timezone.localdate().year
    return render(
        request,
        "mailbox/public/index.html",
        _column(
            agency,
            boxes=boxes,
            page=page,
            q=q,
            kind=kind,
            kinds=[(b.kind, b.title) for b in boxes],
            year=year,
            stats=services.counts(agency, year),
        ),
    )


@public_page
def qa(request: HttpRequest, code: str, public_id: Any) -> HttpResponse:
    """One published question and its answer (the edited, published version only)."""
    agency = _agency(code)
    letter = get_object_or_404(services.published_qa(agency), public_id=public_id)
    return render(request, "mailbox/public/qa.html", _column(agency, letter=letter))


@never_cache
def write(request: HttpRequest, code: str, box_id: int) -> HttpResponse:
    """The letter form. On an error (or the daily limit) everything typed is shown again."""
    agency = _agency(code)
    box = get_object_or_404(Box, pk=box_id, agency=agency, is_active=True)
    user: Any = request.user
    is_public_account = user.is_authenticated and getattr(user, "kind", None) == UserKind.APPLICANT
    initial = {"token": services.new_token()}
    if is_public_account:
        initial |= {"writer_name": user.display_name, "email": user.email}
    form = forms.LetterForm(request.POST or None, initial=initial)
    if request.method == "POST":
        token = request.POST.get("token", "")[:64]
        existing = Letter.objects.filter(submission_token=token).first() if token else None
        if existing is not None:  # the same form sent again (a double click, the back button)
            _remember(request, existing)
            return redirect("mailbox_public:receipt", public_id=existing.public_id)
        ip = limits.client_ip(request)
        if limits.reached("submit", ip):
            return _over_the_daily_limit(request, agency, box, form)
        if form.is_valid():
            taken = limits.take("submit", ip)
            if taken is None:  # the last use went to a letter sent at the same instant
                return _over_the_daily_limit(request, agency, box, form)
            data = form.cleaned_data
            try:
                with given_back_on_failure(taken):
                    letter = services.letter_submit(
                        box=box,
                        data=data,
                        account=user if is_public_account else None,
                        token=data.get("token") or None,
                    )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                _remember(request, letter)
                return redirect("mailbox_public:receipt", public_id=letter.public_id)
        messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
    return render(request, "mailbox/public/write.html", _column(agency, box=box, form=form))


def _over_the_daily_limit(request: HttpRequest, agency: Agency, box: Any, form: Any) -> HttpResponse:
    """429 with the letter as typed (the address's letters for today are used up)."""
    messages.error(
        request, _("今天从您的网络提交的来信已达到上限，请明天再提交。您填写的内容保留在下面的表单中。")
    )
    response = render(request, "mailbox/public/write.html", _column(agency, box=box, form=form), status=429)
    response["Retry-After"] = str(seconds_until_midnight())  # the counts start again at Beijing midnight
    return response


def _remember(request: HttpRequest, letter: Letter) -> None:
    """The receipt (with the query code) is shown only in the browser session that wrote the letter."""
    receipts = [r for r in request.session.get(RECEIPTS_KEY, []) if r != str(letter.public_id)]
    request.session[RECEIPTS_KEY] = [*receipts[-9:], str(letter.public_id)]


@never_cache
def receipt(request: HttpRequest, public_id: Any) -> HttpResponse:
    if str(public_id) not in request.session.get(RECEIPTS_KEY, []):
        raise Http404
    letter = get_object_or_404(Letter.objects.select_related("box__agency"), public_id=public_id)
    return render(request, "mailbox/public/receipt.html", {"letter": letter, "agency": letter.box.agency})


@never_cache
def lookup(request: HttpRequest) -> HttpResponse:
    """Query code → status and answer. A malformed, wrong or unknown code gets one and the same answer."""
    form = forms.LookupForm(request.POST or None)
    letter: Letter | None = None
    searched = False
    status = 200
    if request.method == "POST":
        ip = limits.client_ip(request)
        if form.is_valid() and limits.take("lookup", ip) is not None:
            letter = services.letter_by_code(form.cleaned_data["code"])
            searched = True
        elif form.is_valid() or limits.reached("lookup", ip):
            messages.error(request, _("今天从您的网络查询的次数已达到上限，请明天再查询。"))
            status = 429
    return render(
        request,
        "mailbox/public/lookup.html",
        {"form": form, "letter": letter, "searched": searched},
        status=status,
    )
