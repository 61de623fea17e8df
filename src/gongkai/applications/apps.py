from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "gongkai.applications"
    verbose_name = _("依申请公开")

    def ready(self) -> None:
        from gongkai.applications import services
        from gongkai.core.calendar import register_recompute

        register_recompute("applications", services.recompute_open_deadlines)
