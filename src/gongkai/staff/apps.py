from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "gongkai.staff"
    verbose_name = _("工作台")
