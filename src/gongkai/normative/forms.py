"""Staff forms of the normative-document library. They only read input: the rules (what may change once
published, the order of dates, the legality review before registration, …) are in
:mod:`gongkai.normative.services`, whose ``ValidationError``s the views put back on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.normative import services
from gongkai.normative.lifecycle import Decision, Relation
from gongkai.normative.models import DECISION_UI, RELATION_UI, CleanupEntry, Document, Kind, Stage
from gongkai.orgs.models import Agency, Unit

DATE = {"type": "date"}

LOCKED_WHEN_PUBLISHED = ("kind", "title", "formed_on", "effective_on", "body")
"""The text and dates of a published document are the law in force (services.update refuses them)."""

SECTIONS: list[tuple[Any, tuple[str, ...]]] = [
    (_("基本信息"), ("kind", "unit", "title", "co_issuers", "topic", "keywords", "summary")),
    (_("日期和有效期"), ("formed_on", "effective_on", "expires_on")),
    (_("正文"), ("body",)),
    (
        _("合法性审核和备案"),
        ("legality_reviewed_on", "legality_review_note", "filed_on", "filed_with", "filing_number"),
    ),
]

HELP = {
    "title": _("文件的完整标题，不含文号。标题含“暂行”“试行”的，有效期默认为 2 年。"),
    "co_issuers": _("联合发文时填写其他发文机关，以顿号分隔；本机关为牵头机关。"),
    "topic": _("如：土地管理、矿产资源、国土空间规划。"),
    "keywords": _("以空格或顿号分隔。"),
    "effective_on": _("留空则为发布之日起第 30 日。"),
    "expires_on": _("留空则自施行日期起 5 年（暂行、试行 2 年）；规章不设有效期。"),
    "body": _("可使用段落、标题、列表、表格等基本 HTML 格式，保存时自动清理。"),
    "legality_reviewed_on": _("登记前须经合法性审核。"),
}


def _date(label: Any, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )


def _label(name: str) -> Any:
    return getattr(Document._meta.get_field(name), "verbose_name", name)


class DocumentForm(forms.Form):
    """The particulars of a document (services.EDITABLE_FIELDS); a published document shows only its
    descriptive fields, and a correction needs a reason."""

    def __init__(self, *args: Any, agency: Agency, document: Document | None = None, **kwargs: Any) -> None:
        self.document = document
        self.published = document is not None and document.stage == Stage.PUBLISHED
        if document is not None and "initial" not in kwargs:
            kwargs["initial"] = {k: getattr(document, k) for k in services.EDITABLE_FIELDS}
        super().__init__(*args, **kwargs)
        makers: dict[str, Any] = {
            "kind": lambda: forms.ChoiceField(label=_label("kind"), choices=Kind.choices),
            "unit": lambda: forms.ModelChoiceField(
                label=_label("unit"),
                queryset=Unit.objects.filter(agency=agency).order_by("name"),
                required=False,
                empty_label="—",
            ),
            "title": lambda: forms.CharField(label=_label("title"), max_length=200, required=False),
            "co_issuers": lambda: forms.CharField(label=_label("co_issuers"), max_length=300, required=False),
            "topic": lambda: forms.CharField(label=_label("topic"), max_length=60, required=False),
            "keywords": lambda: forms.CharField(label=_label("keywords"), max_length=200, required=False),
            "summary": lambda: forms.CharField(
                label=_label("summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
            ),
            "formed_on": lambda: _date(_label("formed_on"), required=True),
            "effective_on": lambda: _date(_label("effective_on")),
            "expires_on": lambda: _date(_label("expires_on")),
            "body": lambda: forms.CharField(
                label=_label("body"), required=False, widget=forms.Textarea(attrs={"rows": 14})
            ),
            "legality_reviewed_on": lambda: _date(_label("legality_reviewed_on")),
            "legality_review_note": lambda: forms.CharField(
                label=_label("legality_review_note"), max_length=300, required=False
            ),
            "filed_on": lambda: _date(_label("filed_on")),
            "filed_with": lambda: forms.CharField(label=_label("filed_with"), max_length=100, required=False),
            "filing_number": lambda: forms.CharField(
                label=_label("filing_number"), max_length=60, required=False
            ),
        }
        self.marked = {"title", "formed_on"}
        self.section_fields: list[tuple[Any, list[str]]] = []
        for title, names in SECTIONS:
            shown = [n for n in names if not (self.published and n in LOCKED_WHEN_PUBLISHED)]
            for name in shown:
                field = makers[name]()
                if name in HELP:
                    field.help_text = HELP[name]
                if name in self.marked:
                    field.widget.attrs["aria-required"] = "true"
                self.fields[name] = field
            if shown:
                self.section_fields.append((title, shown))
        if self.published:
            self.fields["reason"] = forms.CharField(
                label=_("更正理由"),
                max_length=300,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "aria-required": "true"}),
                help_text=_("已发布文件的更正记入文件历史和操作记录。"),
            )
            self.marked.add("reason")
            self.section_fields.append((_("更正理由"), ["reason"]))

    def sections(self) -> list[tuple[Any, list[tuple[forms.BoundField, bool]]]]:
        return [(title, [(self[n], n in self.marked) for n in names]) for title, names in self.section_fields]

    def document_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in services.EDITABLE_FIELDS}

    @property
    def reason(self) -> str:
        return str(self.cleaned_data.get("reason") or "")


class PublishForm(forms.Form):
    published_on = _date(_("发布日期"))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("原件文件"),
        help_text=_("PDF、DOCX、XLSX、JPEG 或 PNG，按内容核验文件类型。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )


class RelationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("本文件对对象文件"),
        choices=[(r.value, RELATION_UI[r][0]) for r in Relation],
    )
    target = forms.CharField(
        label=_("对象文件（文号或编号）"),
        max_length=60,
        help_text=_("如：湘自然资规〔2020〕1号，或文件编号。"),
    )
    on = _date(_("生效日期"))
    reason = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].help_text = _("留空则为本文件的施行日期。")


class CleanupStartForm(forms.Form):
    agency = forms.ChoiceField(label=_("清理机关"))
    name = forms.CharField(label=_("清理名称"), max_length=120, required=False)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {a.code: a for a in agencies}
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ChoiceField)
        agency_field.choices = [(a.code, a.name) for a in agencies]
        self.fields["name"].help_text = _("如：2025 年度规范性文件清理。所有有效和尚未施行的文件列入清理。")

    @property
    def chosen(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]


DECISION_CHOICES = [(d.value, DECISION_UI[d]) for d in Decision]


class CleanupDecisionsForm(forms.Form):
    """One decision and one reason per document of the clean-up (fields ``d<id>`` and ``r<id>``)."""

    def __init__(self, *args: Any, entries: list[CleanupEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in entries:
            pk = entry.document_id
            self.fields[f"d{pk}"] = forms.ChoiceField(
                label=_("清理意见"), choices=DECISION_CHOICES, initial=entry.decision
            )
            self.fields[f"r{pk}"] = forms.CharField(
                label=_("理由"), max_length=200, required=False, initial=entry.reason
            )

    def rows(self) -> list[tuple[CleanupEntry, forms.BoundField, forms.BoundField]]:
        return [(e, self[f"d{e.document_id}"], self[f"r{e.document_id}"]) for e in self.entries]

    def decisions(self) -> dict[int, tuple[str, str]]:
        return {
            e.document_id: (self.cleaned_data[f"d{e.document_id}"], self.cleaned_data[f"r{e.document_id}"])
            for e in self.entries
        }


class CleanupApplyForm(forms.Form):
    decision_number = forms.CharField(
        label=_("清理决定文号"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"aria-required": "true"}),
        help_text=_("如：湘自然资规〔2025〕3号。"),
    )
    decided_on = _date(_("决定日期"), required=True)
