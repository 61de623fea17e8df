"""Reference lists of the applications area (configurable classification for the report narrative)."""

from django.contrib import admin

from gongkai.applications.models import ApplicantGroup, Subject


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "is_land", "sort_order"]
    list_editable = ["is_land", "sort_order"]


@admin.register(ApplicantGroup)
class ApplicantGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]
