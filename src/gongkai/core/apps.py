from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongkai.core"
    verbose_name = _("公共")

    def ready(self) -> None:
        from gongkai.core import checks, uploads  # noqa: F401  (registers the system checks)
