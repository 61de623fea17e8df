"""The Django admin, for reference data only (agencies, units, roles, accounts).

Case work, publishing and reports have their own screens; nothing here changes a case. Non-superuser
administrators see and change only the agencies the access policy gives them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from gongkai.orgs import policy
from gongkai.orgs.models import Agency, Membership, Unit, User


class ScopedAdmin(admin.ModelAdmin):
    agency_field = "agency"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        allowed = policy.administered_agencies(request.user).values("pk")
        lookup = "pk__in" if self.agency_field == "self" else f"{self.agency_field}__in"
        return qs.filter(**{lookup: allowed})


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    agency_field = "self"
    list_display = ["name", "short_name", "code", "level", "division_code", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "short_name", "code", "division_code"]
    readonly_fields = ["path"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["name", "agency", "is_disclosure_office"]
    list_filter = ["is_disclosure_office"]
    search_fields = ["name", "agency__name"]


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "agency", "unit", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "agency__name"]
    autocomplete_fields = ["user", "agency", "unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "kind", "is_active", "last_login"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "display_name"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Gongkai", {"fields": ("kind", "display_name")}))  # type: ignore[misc]
