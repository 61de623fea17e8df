from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.applications import outcomes
from gongkai.applications.models import (
    APPLICANT_COLUMNS,
    ApplicantGroup,
    Application,
    DeliveryForm,
    DeliveryMethod,
    PauseKind,
    Subject,
)
from gongkai.core.clock import Channel
from gongkai.core.identity import InvalidIdentity, validate, validate_phone
from gongkai.orgs.models import ID_TYPE_CHOICES, Applicant, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.Form):
    """What is asked for (Art. 29 item 2 and 3) — shared by the online form and the counter form."""

    description = forms.CharField(
        label=_("所需信息的内容描述"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请写明信息的名称、文号，或者便于查询的其他特征，例如时间、地点、项目名称。"),
    )
    document_title = forms.CharField(label=_("信息名称"), max_length=200, required=False)
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    delivery_form = forms.ChoiceField(
        label=_("提供形式"), choices=DeliveryForm.choices, initial=DeliveryForm.PAPER
    )
    delivery_method = forms.ChoiceField(
        label=_("获取方式"), choices=DeliveryMethod.choices, initial=DeliveryMethod.POST
    )


class OnlineApplicationForm(RequestForm):
    applicant = forms.ModelChoiceField(label=_("申请人"), queryset=Applicant.objects.none(), empty_label=None)
    identity_copy = forms.FileField(
        label=_("身份证明复印件"), required=False, help_text=_("PDF、JPG 或 PNG，不超过 20 MB（可选）。")
    )
    token = forms.CharField(widget=forms.HiddenInput)

    field_order = [
        "applicant",
        "description",
        "document_title",
        "document_number",
        "delivery_form",
        "delivery_method",
    ]

    def __init__(self, *args: Any, account: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        applicant = self.fields["applicant"]
        assert isinstance(applicant, forms.ModelChoiceField)
        applicant.queryset = Applicant.objects.filter(account=account)
        self.account = account

    def clean_identity_copy(self) -> Any:
        """Type, content (PDF active content, image pixels), virus scan and the account's 24-hour quota;
        a refused file is a form error next to the field and is not kept."""
        upload = self.cleaned_data.get("identity_copy")
        if upload:
            from gongkai.applications.quota import check_quota
            from gongkai.core import uploads

            try:
                check_quota(self.account, upload.size or 0)
                uploads.check(upload, {"pdf", "jpg", "jpeg", "png"})
            except uploads.UploadRejected as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload


class CounterApplicationForm(RequestForm):
    """Registration by the disclosure clerk of an application received in person, by post or by fax."""

    channel = forms.ChoiceField(
        label=_("申请方式"), choices=[(c.value, c.label) for c in Channel if c is not Channel.online]
    )
    event_date = forms.DateField(
        label=_("收到日期"),
        widget=DATE,
        help_text=_("当面提交之日；邮件签收之日；平常信函与申请人确认之日；传真双方确认之日。"),
    )
    on_site = forms.BooleanField(label=_("现场资料查询"), required=False)
    applicant_column = forms.ChoiceField(label=_("申请人类型"), choices=APPLICANT_COLUMNS)
    applicant_name = forms.CharField(label=_("申请人姓名或名称"), max_length=100)
    id_type = forms.ChoiceField(
        label=_("证件类型"), choices=[("", _("请选择")), *ID_TYPE_CHOICES], required=False
    )
    id_number = forms.CharField(label=_("证件号码"), max_length=40, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=60, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    address = forms.CharField(label=_("通信地址"), max_length=200, required=False)
    postcode = forms.CharField(label=_("邮政编码"), max_length=6, required=False)
    subject = forms.ModelChoiceField(label=_("涉及领域"), queryset=Subject.objects.all(), required=False)
    region_code = forms.RegexField(
        label=_("涉及地区代码"),
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": _("请填写6位行政区划代码。")},
    )
    info_year_from = forms.IntegerField(label=_("信息年份起"), min_value=1949, required=False)
    info_year_to = forms.IntegerField(label=_("信息年份止"), min_value=1949, required=False)
    applicant_group = forms.ModelChoiceField(
        label=_("申请人群体"), queryset=ApplicantGroup.objects.all(), required=False
    )

    APPLICANT_FIELDS = (
        "applicant_column",
        "applicant_name",
        "id_type",
        "id_number",
        "contact_name",
        "phone",
        "email",
        "address",
        "postcode",
    )
    field_order = ["channel", "event_date", "on_site", *APPLICANT_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("id_number"):
            if not cleaned.get("id_type"):
                self.add_error("id_type", _("请选择证件类型。"))
            else:
                try:
                    cleaned["id_number"] = validate(cleaned["id_type"], cleaned["id_number"])
                except InvalidIdentity as exc:
                    self.add_error("id_number", str(exc))
        if cleaned.get("phone"):
            try:
                cleaned["phone"] = validate_phone(cleaned["phone"])
            except InvalidIdentity as exc:
                self.add_error("phone", str(exc))
        event_date = cleaned.get("event_date")
        if event_date and event_date > timezone.localdate():
            self.add_error("event_date", _("收到日期不能晚于今天。"))
        y1, y2 = cleaned.get("info_year_from"), cleaned.get("info_year_to")
        if y1 and y2 and y1 > y2:
            self.add_error("info_year_to", _("信息年份止不能早于信息年份起。"))
        return cleaned


class ClassifyForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["subject", "region_code", "info_year_from", "info_year_to", "applicant_group"]


class DateReasonForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("承办处室"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)
        units.queryset = Unit.objects.filter(agency=agency)


class ClarifyForm(forms.Form):
    on = forms.DateField(label=_("补正通知日期"), widget=DATE)
    days = forms.IntegerField(label=_("补正期限（工作日）"), min_value=1, max_value=60, initial=15)
    reason = forms.CharField(label=_("需要补正的事项"), widget=forms.Textarea(attrs={"rows": 3}))


class ConsultForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[
            (PauseKind.THIRD_PARTY.value, PauseKind.THIRD_PARTY.label),
            (PauseKind.AGENCY.value, PauseKind.AGENCY.label),
        ],
    )
    party = forms.CharField(label=_("征求意见对象"), max_length=100)
    on = forms.DateField(label=_("发出日期"), widget=DATE)


class FeeForm(forms.Form):
    on = forms.DateField(label=_("申请人收到收费通知日期"), widget=DATE)
    method = forms.ChoiceField(
        label=_("计收方式"), choices=[("per_item", _("按件计收")), ("per_volume", _("按量计收"))]
    )
    pages = forms.IntegerField(label=_("页数（按量计收）"), min_value=0, required=False, initial=0)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延长工作日数"), min_value=1, max_value=20)
    on = forms.DateField(label=_("告知申请人日期"), widget=DATE)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class AttachForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("PDF、DOCX、XLSX、JPG 或 PNG，不超过 20 MB。"))


class DraftReplyForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("办理结果"),
        choices=[(o.key, outcomes.full_label(o.key)) for o in outcomes.OUTCOMES if o.group != "other"],
    )
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 6}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))


class DeliveredForm(forms.Form):
    on = forms.DateField(label=_("送达日期"), widget=DATE)
    note = forms.CharField(
        label=_("送达方式及凭证"), max_length=200, help_text=_("如：EMS 快递单号、当面签收、电子邮件")
    )


class Art35Form(forms.Form):
    reasonable = forms.TypedChoiceField(
        label=_("申请理由"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("理由合理：确定延迟答复的合理期限")), ("no", _("理由不合理：不予处理"))],
        widget=forms.RadioSelect,
    )
    due = forms.DateField(label=_("确定的答复期限"), widget=DATE, required=False)
    text = forms.CharField(label=_("决定理由"), widget=forms.Textarea(attrs={"rows": 2}))
