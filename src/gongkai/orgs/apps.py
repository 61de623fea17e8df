from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "gongkai.orgs"
    verbose_name = _("机关与人员")

    def ready(self) -> None:
        from gongkai.orgs import checks  # noqa: F401  (registers the deployment checks)
