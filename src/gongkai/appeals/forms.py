"""Staff forms for cases. They only read input; the rules are in :func:`gongkai.appeals.services.check`,
whose errors the views put back on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.appeals.models import AppealCase, DocumentKind, Kind, Result

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(forms.Form):
    number = forms.CharField(
        label=_("案件编号"), max_length=60, help_text=_("如 湘政复〔2020〕123号、（2020）湘0102行初45号")
    )
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    body = forms.CharField(label=_("复议机关或人民法院"), max_length=100)
    filed_on = forms.DateField(label=_("立案日期"), widget=DATE)
    application_number = forms.CharField(
        label=_("关联申请编号"),
        max_length=40,
        required=False,
        help_text=_("本机关的依申请公开申请编号，可不填。"),
    )
    related_number = forms.CharField(
        label=_("此前的行政复议案件编号"),
        max_length=60,
        required=False,
        help_text=_("仅“复议后起诉”的案件填写。"),
    )
    extended = forms.BooleanField(
        label=_("审理期限已依法延长"),
        required=False,
        help_text=_("行政复议经批准延长（至多三十日），或行政诉讼经上级人民法院批准延长。"),
    )
    summary = forms.CharField(label=_("案情摘要"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, case: AppealCase | None = None, **kwargs: Any) -> None:
        if case is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(case)
        super().__init__(*args, **kwargs)


class CreateForm(CaseForm):
    result = forms.ChoiceField(label=_("结果"), choices=Result.choices, initial=Result.PENDING)
    concluded_on = forms.DateField(
        label=_("结案日期"), widget=DATE, required=False, help_text=_("已审结的填写。")
    )


class EditForm(CaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("修改原因"), max_length=500)


class ConcludeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    result = forms.ChoiceField(label=_("结果"), choices=Result.choices)
    concluded_on = forms.DateField(label=_("结案日期"), widget=DATE, required=False)
    reason = forms.CharField(
        label=_("说明"), max_length=500, required=False, help_text=_("更正已登记的结果时必须填写。")
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、DOCX、XLSX、JPG 或 PNG，不超过 20 MB。"))


def initial_for(case: AppealCase) -> dict[str, Any]:
    return {
        "number": case.number,
        "kind": case.kind,
        "body": case.body,
        "filed_on": case.filed_on,
        "application_number": case.application.number if case.application else "",
        "related_number": case.related.number if case.related else "",
        "extended": case.extended,
        "summary": case.summary,
        "note": case.note,
        "version": case.version,
    }
