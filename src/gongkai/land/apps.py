from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandConfig(AppConfig):
    name = "gongkai.land"
    verbose_name = _("征地信息公开")
