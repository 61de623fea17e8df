from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NormativeConfig(AppConfig):
    name = "gongkai.normative"
    verbose_name = _("规范性文件库")
