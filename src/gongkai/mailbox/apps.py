from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxConfig(AppConfig):
    name = "gongkai.mailbox"
    verbose_name = _("网上咨询与信箱")
