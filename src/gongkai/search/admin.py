from __future__ import annotations

from typing import Any

from django.contrib import admin

from gongkai.search import engine
from gongkai.search.models import DictionaryWord, IndexOutbox, Synonym


class _Refresh(admin.ModelAdmin):
    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        engine.forget_dictionary()

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)
        engine.forget_dictionary()


@admin.register(DictionaryWord)
class DictionaryWordAdmin(_Refresh):
    list_display = ("word", "weight", "note", "updated_at")
    search_fields = ("word", "note")


@admin.register(Synonym)
class SynonymAdmin(_Refresh):
    list_display = ("term", "equivalent", "updated_at")
    search_fields = ("term", "equivalent")


@admin.register(IndexOutbox)
class IndexOutboxAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "object_id", "action", "created_at", "done_at")
    list_filter = ("kind", "action")
    readonly_fields = ("kind", "object_id", "action", "created_at", "done_at")
