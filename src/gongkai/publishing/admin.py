"""The catalogue is reference data: administrators edit an agency's tree in the admin."""

from django.contrib import admin

from gongkai.orgs.admin import ScopedAdmin
from gongkai.publishing.models import CatalogueNode


@admin.register(CatalogueNode)
class CatalogueNodeAdmin(ScopedAdmin):
    list_display = ["name", "agency", "parent", "art20_item", "time_limit", "mode", "position"]
    list_filter = ["art20_item", "mode"]
    search_fields = ["name", "agency__name"]
    list_editable = ["position"]
    fields = [
        "agency",
        "parent",
        "name",
        "art20_item",
        "content",
        "basis",
        "time_limit",
        "responsible",
        "channels",
        "audience",
        "mode",
        "position",
    ]
