from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "gongkai.publishing"
    verbose_name = _("主动公开")

    def ready(self) -> None:
        from gongkai.core.calendar import register_recompute
        from gongkai.publishing import services

        register_recompute("publications", services.recompute_publication_dues)
