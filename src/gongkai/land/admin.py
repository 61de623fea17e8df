"""The required-disclosure table is reference data: administrators edit it here (limits, basis, active)."""

from django.contrib import admin

from gongkai.land.models import Place, RequiredDisclosure


@admin.register(RequiredDisclosure)
class RequiredDisclosureAdmin(admin.ModelAdmin):
    list_display = (
        "position",
        "name",
        "key",
        "anchor",
        "limit_days",
        "posting_min_days",
        "source_tag",
        "active",
    )
    list_display_links = ("name",)
    list_editable = ("active",)
    ordering = ("position",)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "is_local_code")
    search_fields = ("code", "name", "pinyin", "initials")
    list_filter = ("level", "is_local_code")
    raw_id_fields = ("parent",)
