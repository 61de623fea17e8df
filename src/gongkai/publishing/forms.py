from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Unit
from gongkai.publishing.models import CatalogueNode, Item


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = [
            "node",
            "title",
            "document_number",
            "formed_on",
            "unit",
            "topic",
            "genre",
            "disclosure_mode",
            "withheld_reason",
            "interprets",
            "body",
        ]
        widgets = {
            "formed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "body": forms.Textarea(attrs={"rows": 14}),
        }
        help_texts = {"body": _("可使用段落、标题、列表、表格和链接；脚本和样式会被去除。")}

    def __init__(self, *args: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        node = self.fields["node"]
        unit = self.fields["unit"]
        assert isinstance(node, forms.ModelChoiceField) and isinstance(unit, forms.ModelChoiceField)
        node.queryset = CatalogueNode.objects.filter(agency=agency)
        unit.queryset = Unit.objects.filter(agency=agency)
        interprets = self.fields["interprets"]
        assert isinstance(interprets, forms.ModelChoiceField)
        interprets.queryset = Item.objects.filter(agency=agency, current__isnull=False)
        interprets.label = _("解读的文件（本信息是政策解读时选择）")

    def _post_clean(self) -> None:
        pass  # the service validates and saves


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见或理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(forms.Form):
    at = forms.DateTimeField(
        label=_("定时发布（留空为立即发布）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("发布说明"), required=False)


class GuideForm(forms.Form):
    body = forms.CharField(
        label=_("指南正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "机关的联系方式、办公时间和申请渠道会自动列出；这里写本机关的补充说明，如信息分类和编排体系。"
        ),
    )
