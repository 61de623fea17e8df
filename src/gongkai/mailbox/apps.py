from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxConfig(AppConfig):
    name = "gongkai.mailbox"
    verbose_name = _("网上咨询与信箱")

    def ready(self) -> None:
        from gongkai.core.calendar import register_recompute
        from gongkai.mailbox import services

        register_recompute("mailbox", services.recompute_open_due_dates)
