"""Staff pages of the 主动公开目录: the agency's tree (and the same as a table with the standard columns),
add, edit, move up and down, move under another entry, delete.

Publishers, heads and administrators of the agency itself change it; everyone who may see the agency
reads it; anyone else gets 404 (logged by the policy). Writes go through :mod:`.catalogue`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.core.statute import ART20_ITEMS, chinese_numeral
from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Role
from gongkai.publishing import catalogue
from gongkai.publishing.models import CatalogueNode
from gongkai.staff.views import staff_required

CHANGE_ROLES = (Role.PUBLISHER, Role.HEAD, Role.ADMIN)


def can_change(user: Any, agency: Agency) -> bool:
    return policy.has_role(user, agency, *CHANGE_ROLES)


def _agency(request: HttpRequest, code: str, *, change: bool) -> Agency:
    agency = policy.visible_agencies(request.user).filter(code=code).first()
    if agency is None or (change and not can_change(request.user, agency)):
        policy.deny(request.user, "change" if change else "view", agency, note="catalogue")
        raise Http404
    return agency


def _node(agency: Agency, pk: int) -> CatalogueNode:
    return get_object_or_404(CatalogueNode.objects.select_related("parent", "agency"), agency=agency, pk=pk)


class NodeForm(forms.Form):
    """The standard catalogue fields of regulation.md §8 (the service validates and saves)."""

    parent = forms.TypedChoiceField(
        label=gettext_lazy("上级事项"), required=False, coerce=int, empty_value=None
    )
    name = forms.CharField(label=gettext_lazy("公开事项"), max_length=80)
    art20_item = forms.TypedChoiceField(
        label=gettext_lazy("对应条例第二十条的项"), required=False, coerce=int, empty_value=None
    )
    content = forms.CharField(
        label=gettext_lazy("公开内容（要素）"),
        required=False,
        max_length=catalogue.CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    basis = forms.CharField(
        label=gettext_lazy("公开依据"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("例如：《中华人民共和国政府信息公开条例》（国务院令第711号）"),
    )
    time_limit = forms.CharField(
        label=gettext_lazy("公开时限"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("例如：信息形成或者变更之日起20个工作日内；实时公开；永久公开"),
    )
    responsible = forms.CharField(label=gettext_lazy("公开主体"), required=False, max_length=100)
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("公开渠道和载体"), required=False, widget=forms.CheckboxSelectMultiple
    )
    audience = forms.ChoiceField(label=gettext_lazy("公开对象"), required=False)
    mode = forms.ChoiceField(label=gettext_lazy("公开方式"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("修改说明"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("记入审计日志，例如依据的文件或会议。"),
    )

    def __init__(self, *args: Any, agency: Agency, node: CatalogueNode | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roots = catalogue.tree(agency)
        excluded = catalogue.descendants(node) if node is not None else set()
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ChoiceField)
        choices: list[tuple[Any, str]] = [("", _("（第一级）"))]
        for n in catalogue.flatten(roots):
            depth: int = n.depth  # type: ignore[attr-defined]
            if n.pk not in excluded and depth < catalogue.MAX_DEPTH - 1:
                choices.append((n.pk, "　" * depth + f"{n.number} {n.name}"))  # type: ignore[attr-defined]
        parent.choices = choices
        art20 = self.fields["art20_item"]
        assert isinstance(art20, forms.ChoiceField)
        art20.choices = [("", _("（不对应）"))] + [
            (number, f"（{chinese_numeral(number)}）{text}") for number, text in ART20_ITEMS
        ]
        current = node.channels if node is not None else ""
        extra = [c for c in current.split(catalogue.CHANNEL_SEPARATOR) if c and c not in catalogue.CHANNELS]
        channels = self.fields["channels"]
        assert isinstance(channels, forms.ChoiceField)
        channels.choices = [(c, c) for c in (*catalogue.CHANNELS, *extra)]
        for key, values in (("audience", catalogue.AUDIENCES), ("mode", catalogue.MODES)):
            field = self.fields[key]
            assert isinstance(field, forms.ChoiceField)
            value = getattr(node, key) if node is not None else ""
            field.choices = (
                [("", "—")]
                + [(v, v) for v in values]
                + ([(value, value)] if value and value not in values else [])
            )
        if node is not None and not self.is_bound:
            self.initial.update({f: getattr(node, f) for f in catalogue.FIELDS if f != "channels"})
            self.initial["parent"] = node.parent_id
            self.initial["channels"] = [c for c in node.channels.split(catalogue.CHANNEL_SEPARATOR) if c]
        elif node is None and not self.is_bound:
            defaults = CatalogueNode(agency=agency)
            self.initial.update(
                {
                    "time_limit": defaults.time_limit,
                    "channels": [defaults.channels],
                    "audience": defaults.audience,
                    "mode": defaults.mode,
                    "responsible": agency.name,
                }
            )


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    pairs = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    for field, errors in pairs:
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The catalogues this person may see: straight to it when there is one."""
    agencies = policy.visible_agencies(request.user).order_by("path")
    if len(agencies) == 1:
        return redirect("publishing_staff:catalogue", code=agencies[0].code)
    changeable = set(policy.agencies_with_role(request.user, *CHANGE_ROLES).values_list("pk", flat=True))
    return render(
        request,
        "publishing/staff/catalogue_index.html",
        {"agencies": [(a, a.pk in changeable) for a in agencies]},
    )


@staff_required
def tree(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency(request, code, change=False)
    roots = catalogue.tree(agency)
    nodes = list(catalogue.flatten(roots))
    return render(
        request,
        "publishing/staff/catalogue.html",
        {
            "agency": agency,
            "roots": roots,
            "nodes": nodes,
            "can_change": can_change(request.user, agency),
            "published": sum(n.published for n in nodes),  # type: ignore[attr-defined]
        },
    )


@staff_required
def node_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """Edit an entry (``pk``) or add one (``?parent=`` puts it under an entry)."""
    agency = _agency(request, code, change=True)
    node = _node(agency, pk) if pk else None
    form = NodeForm(request.POST or None, agency=agency, node=node)
    if node is None and not form.is_bound and request.GET.get("parent", "").isdigit():
        form.initial["parent"] = int(request.GET["parent"])
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in catalogue.FIELDS}
        reason = form.cleaned_data["reason"]
        parent_id = form.cleaned_data["parent"]
        parent = _node(agency, parent_id) if parent_id else None
        try:
            with transaction.atomic():
                if node is None:
                    node = catalogue.node_create(agency, parent, data, request.user, reason=reason)
                else:
                    if node.parent_id != parent_id:
                        catalogue.node_move(node, parent, None, request.user, reason=reason)
                    catalogue.node_update(node, data, request.user, reason=reason)
        except ValidationError as exc:
            _add_errors(form, exc)
            node = _node(agency, pk) if pk else None
        else:
            messages.success(request, _("已保存“%(name)s”。") % {"name": node.name})
            return redirect(f"{_tree_url(agency)}#node-{node.pk}")
    if request.method == "POST" and form.errors:
        messages.error(request, _("请按提示修改，您填写的内容都保留在表单中。"))
    return render(
        request, "publishing/staff/catalogue_form.html", {"agency": agency, "node": node, "form": form}
    )


def _tree_url(agency: Agency) -> str:
    from django.urls import reverse

    return reverse("publishing_staff:catalogue", args=[agency.code])


@staff_required
@require_POST
def node_shift(request: HttpRequest, code: str, pk: int, direction: str) -> HttpResponse:
    """Move an entry one place up or down among its siblings."""
    agency = _agency(request, code, change=True)
    node = _node(agency, pk)
    siblings = list(
        CatalogueNode.objects.filter(agency=agency, parent=node.parent_id)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    index = siblings.index(node.pk)
    target = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if target is None:
        raise Http404
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        try:
            catalogue.node_reorder(node.parent, siblings, request.user, agency=agency)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    return redirect(f"{_tree_url(agency)}#node-{node.pk}")


@staff_required
def node_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Ask, then delete (refused while information items or lower entries point at it)."""
    agency = _agency(request, code, change=True)
    node = _node(agency, pk)
    items = node.items.count()
    children = node.children.count()
    if request.method == "POST":
        try:
            catalogue.node_delete(node, request.user, reason=request.POST.get("reason", "")[:200])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已删除“%(name)s”。") % {"name": node.name})
            return redirect(_tree_url(agency))
    return render(
        request,
        "publishing/staff/catalogue_delete.html",
        {"agency": agency, "node": node, "items": items, "children": children},
    )
