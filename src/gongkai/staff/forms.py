from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.schedule import ScheduleError, parse_file, parse_lines


class CalendarYearForm(forms.Form):
    """A year's holiday schedule as typed from the State Council notice (or uploaded as a file)."""

    notice = forms.CharField(label=_("依据的通知"), max_length=200)
    notice_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    days = forms.CharField(
        label=_("放假和调休上班日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_("每行一项：日期或日期段、名称、“休”或“班”。例如：2027-10-01..2027-10-07 国庆节 休"),
    )
    file = forms.FileField(
        label=_("或上传文件"), required=False, help_text=_("CSV（日期,休/班,名称）、ICS 或上述格式的文本文件")
    )
    complete = forms.BooleanField(label=_("已按通知完整录入全年安排"), required=False, initial=True)
    reason = forms.CharField(label=_("修改原因"), required=False, max_length=200)

    MAX_UPLOAD = 512 * 1024

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        self.year = year
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        try:
            if upload:
                if upload.size > self.MAX_UPLOAD:
                    raise ScheduleError("文件超过 512 KB。")
                cleaned["schedule"] = parse_file(upload.name, upload.read(), year=self.year)
            else:
                cleaned["schedule"] = parse_lines(cleaned.get("days") or "", year=self.year)
        except ScheduleError as exc:
            self.add_error("file" if upload else "days", str(exc))
            return cleaned
        if not cleaned["schedule"]:
            self.add_error("days", _("请至少填写一个放假或调休上班的日期。"))
        return cleaned
