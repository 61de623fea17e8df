"""The boxes are reference data (name, deadline, open or closed): changed in the admin, scoped like units.

Letters have their own screens (``/staff/mailbox/``); nothing here changes a letter.
"""

from django.contrib import admin

from gongkai.mailbox.models import Box
from gongkai.orgs.admin import ScopedAdmin


@admin.register(Box)
class BoxAdmin(ScopedAdmin):
    list_display = ["__str__", "kind", "reply_days", "is_active", "sort_order"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "agency__name", "agency__code"]
    autocomplete_fields = ["agency"]
