"""The staff form of a 双公示 record. It only reads input; the rules are :func:`records.check`, run by
:func:`gongkai.credit.services.decision_save`, whose errors the view puts back on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongkai.credit import records
from gongkai.credit.models import (
    COERCION_CATEGORY_CHOICES,
    COERCION_STATE_CHOICES,
    COERCION_TYPE_CHOICES,
    CREDIT_CLASS_CHOICES,
    ID_TYPE_CHOICES,
    LICENCE_CATEGORY_CHOICES,
    LICENCE_STATE_CHOICES,
    LICENSING_ACTION_CHOICES,
    PENALTY_TYPE_CHOICES,
    Decision,
    Kind,
    PartyType,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CODE = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "code"})

ORG_ONLY = (
    "uscc",
    "reg_no",
    "org_code",
    "tax_no",
    "institution_no",
    "social_org_no",
    "legal_rep",
    "legal_rep_id_type",
    "legal_rep_id_type_note",
    "legal_rep_id_number",
)
PERSON_ONLY = ("id_type", "id_type_note", "id_number")
MASKED_IDENTIFIERS = ("id_number", "legal_rep_id_number", "contact_phone", "frozen_account")


def _text(max_length: int, *, required: bool = False, rows: int = 0, code: bool = False) -> forms.CharField:
    plain: forms.Widget = CODE if code else forms.TextInput()
    widget: forms.Widget = forms.Textarea(attrs={"rows": rows}) if rows else plain
    return forms.CharField(max_length=max_length, required=required, widget=widget)


def _choice(choices: Any, *, required: bool = False, blank: str = "—") -> forms.ChoiceField:
    return forms.ChoiceField(choices=[("", blank), *choices] if not required else choices, required=required)


def _date(*, required: bool = False) -> forms.DateField:
    return forms.DateField(required=required, widget=DATE)


def _money() -> forms.DecimalField:
    return forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )


SUBJECT_FIELDS: dict[str, Any] = {
    "party_type": lambda: forms.ChoiceField(
        choices=PartyType.choices, widget=forms.RadioSelect, initial=PartyType.LEGAL
    ),
    "party_name": lambda: _text(200, required=True),
    "uscc": lambda: _text(30, code=True),
    "legal_rep": lambda: _text(60),
    "reg_no": lambda: _text(30, code=True),
    "org_code": lambda: _text(20, code=True),
    "tax_no": lambda: _text(30, code=True),
    "institution_no": lambda: _text(20, code=True),
    "social_org_no": lambda: _text(40, code=True),
    "legal_rep_id_type": lambda: _choice(ID_TYPE_CHOICES),
    "legal_rep_id_type_note": lambda: _text(20),
    "legal_rep_id_number": lambda: _text(40, code=True),
    "id_type": lambda: _choice(ID_TYPE_CHOICES),
    "id_type_note": lambda: _text(20),
    "id_number": lambda: _text(40, code=True),
}

KIND_FIELDS: dict[str, dict[str, Any]] = {
    Kind.LICENSING: {
        "document_title": lambda: _text(200, required=True),
        "number": lambda: _text(100, required=True),
        "licensing_action": lambda: _choice(LICENSING_ACTION_CHOICES, required=True),
        "licence_category": lambda: _choice(LICENCE_CATEGORY_CHOICES),
        "licence_name": lambda: _text(100),
        "licence_number": lambda: _text(100),
        "content": lambda: _text(4000, required=True, rows=4),
        "decision_date": lambda: _date(required=True),
        "valid_from": lambda: _date(),
        "valid_to": lambda: _date(),
        "licence_state": lambda: _choice(LICENCE_STATE_CHOICES, blank=gettext("自动（按决定类型和有效期）")),
    },
    Kind.PENALTY: {
        "number": lambda: _text(100, required=True),
        "violation_type": lambda: _text(200, required=True),
        "facts": lambda: _text(4000, required=True, rows=4),
        "basis": lambda: _text(2000, required=True, rows=2),
        "penalty_types": lambda: forms.MultipleChoiceField(
            choices=PENALTY_TYPE_CHOICES, widget=forms.CheckboxSelectMultiple, required=True
        ),
        "content": lambda: _text(4000, required=True, rows=3),
        "fine": _money,
        "confiscation": _money,
        "licence_affected": lambda: _text(200),
        "decision_date": lambda: _date(required=True),
        "credit_class": lambda: _choice(CREDIT_CLASS_CHOICES, blank=gettext("按处罚类别建议")),
        "publicity_until": lambda: _date(),
        "effective_until": lambda: _date(),
    },
    Kind.COERCION: {
        "number": lambda: _text(100, required=True),
        "coercion_category": lambda: _choice(COERCION_CATEGORY_CHOICES, required=True),
        "coercion_type": lambda: _choice(COERCION_TYPE_CHOICES, required=True),
        "facts": lambda: _text(4000, required=True, rows=3),
        "basis": lambda: _text(2000, required=True, rows=2),
        "content": lambda: _text(4000, required=True, rows=3),
        "frozen_account": lambda: _text(60, code=True),
        "decision_date": lambda: _date(required=True),
        "term_from": lambda: _date(),
        "term_to": lambda: _date(),
        "execution_date": lambda: _date(),
        "coercion_state": lambda: _choice(COERCION_STATE_CHOICES, required=True),
        "lifted_on": lambda: _date(),
        "result": lambda: _text(2000, rows=2),
    },
}

AUTHORITY_FIELDS: dict[str, Any] = {
    "authority_name": lambda: _text(100, required=True),
    "authority_code": lambda: _text(30, required=True, code=True),
    "source_name": lambda: _text(100, required=True),
    "source_code": lambda: _text(30, required=True, code=True),
    "remarks": lambda: _text(1000, rows=2),
}
INTERNAL_FIELDS: dict[str, Any] = {
    "contact_phone": lambda: _text(40, code=True),
    "involves_minor": lambda: forms.BooleanField(required=False),
}

EXTRA_LABELS = {
    "id_type_note": _("证件名称（证件类型为“其他”时）"),
    "legal_rep_id_type_note": _("法定代表人证件名称（证件类型为“其他”时）"),
    "fine": _("罚款金额（元）"),
    "confiscation": _("没收违法所得、没收非法财物的金额（元）"),
    "licensing_action": _("许可决定类型"),
    "credit_class": _("失信行为等级"),
    "frozen_account": _("冻结的存款、汇款账户"),
    "contact_phone": _("联系电话"),
    "involves_minor": _("涉及未成年人（不予公示）"),
}
HELP = {
    "party_name": _("法人及非法人组织、个体工商户填写登记的全称；自然人填写姓名（公示时只显示姓氏）。"),
    "uscc": _("18 位，系统按 GB 32100 校验。"),
    "legal_rep": _("个体工商户填写经营者。"),
    "id_number": _("身份证号按 GB 11643 校验；任何公开页面都不显示证件号码。"),
    "legal_rep_id_number": _("不公开。"),
    "document_title": _("只写文书名称，不含文号。"),
    "number": _("没有文号的许可决定填写许可编号。"),
    "valid_to": _("长期有效的填 2099-12-31。"),
    "licence_category": _("选“其他”时请在备注中注明实际类别。"),
    "penalty_types": _("可多选。"),
    "fine": _("以元为单位填写；导出时换算为万元。"),
    "confiscation": _("以元为单位填写；导出时换算为万元。"),
    "licence_affected": _("处罚含暂扣或吊销许可证件时必填。"),
    "credit_class": _("按 2026 年 4 月 1 日起施行的《信用修复管理办法》分为轻微、一般、严重。"),
    "publicity_until": _("留空则按决定日期和失信行为等级推算。"),
    "effective_until": _("留空则与公示截止期相同。"),
    "term_to": _("查封、扣押、冻结的期限不超过 30 日，延长不超过 30 日。"),
    "frozen_account": _("不公开。"),
    "contact_phone": _("仅供内部联系，不公开、不导出。"),
    "authority_code": _("18 位统一社会信用代码。"),
    "source_code": _("18 位统一社会信用代码。"),
}


class DecisionForm(forms.Form):
    """All fields of one kind of record, named by the keys of :mod:`records`."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, kind: str, decision: Decision | None = None, **kwargs: Any) -> None:
        self.kind = Kind(kind)
        self.decision = decision
        if decision is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(decision)
        super().__init__(*args, **kwargs)
        self.section_fields: list[tuple[str, list[str]]] = []
        sections = [
            (_("行政相对人"), SUBJECT_FIELDS),
            (
                gettext("%(kind)s决定") % {"kind": gettext(records.KIND_NAMES[self.kind])},
                KIND_FIELDS[self.kind],
            ),
            (_("决定机关和数据来源"), AUTHORITY_FIELDS),
            (_("内部信息（不公开）"), INTERNAL_FIELDS),
        ]
        self.marked: set[str] = set()
        for title, makers in sections:
            names = []
            for name, make in makers.items():
                f = make()
                f.label = EXTRA_LABELS.get(name) or gettext(records.header(self.kind, name))
                if name in HELP:
                    f.help_text = HELP[name]
                if f.required and name != "party_type":
                    # Required fields are reported by records.check (with the field's name, in the same
                    # pass as every other rule), not by Django: all errors show up at once.
                    f.required = False
                    self.marked.add(name)
                    if not isinstance(f.widget, forms.CheckboxSelectMultiple):
                        f.widget.attrs["aria-required"] = "true"
                self.fields[name] = f
                names.append(name)
            self.section_fields.append((str(title), names))
        if decision is not None:
            for name in MASKED_IDENTIFIERS:
                stored = getattr(decision, name, "")
                if name in self.fields and stored:
                    self.fields[name].help_text = gettext("已存 %(masked)s；留空则保持不变。") % {
                        "masked": records.mask_id(stored)
                    }

    def sections(self) -> list[tuple[str, list[tuple[forms.BoundField, str, bool]]]]:
        """(legend, [(field, css class, required)]) per group of fields."""
        out = []
        for title, names in self.section_fields:
            fields = [(self[n], _css(n), n in self.marked or self.fields[n].required) for n in names]
            out.append((title, fields))
        return out

    def check_rules(self, *, decision: Decision | None = None) -> None:
        """After a failed ``is_valid()``: run the record rules on the fields that could be read, so that
        every problem is shown in one pass (a field Django already refused is not reported twice)."""
        from gongkai.credit import services

        checked = services.check_values(self.kind, dict(self.cleaned_data), decision=decision)
        for key, messages in checked.by_key().items():
            if key in self.fields and key not in self.errors:
                for message in messages:
                    self.add_error(key, message)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        party = data.get("party_type")
        # Fields the chosen party type hides are dropped, so that a value typed before switching the type
        # does not come back as an error on a field the user cannot see.
        if party == PartyType.NATURAL:
            for name in ORG_ONLY:
                data[name] = ""
        elif party in (PartyType.LEGAL, PartyType.INDIVIDUAL):
            for name in PERSON_ONLY:
                data[name] = ""
        return data

    def record_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def _css(name: str) -> str:
    if name in ORG_ONLY:
        return "org-only"
    if name in PERSON_ONLY:
        return "person-only"
    return ""


def initial_for(decision: Decision) -> dict[str, Any]:
    values = decision.values()
    for name in MASKED_IDENTIFIERS:
        values[name] = ""  # never sent to the browser in full: shown masked in the help text
    values["involves_minor"] = decision.involves_minor
    values["version"] = decision.version
    return values


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销公示的理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("公开显示，例如：该处罚决定已被行政复议决定撤销。"),
    )
    basis = forms.CharField(label=_("依据文书"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
