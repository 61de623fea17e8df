"""Search: the administrators' dictionary and synonyms, the outbox that keeps the index in step with the
database, and the database copy of every indexed document (the fallback when tantivy is unavailable)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DictionaryWord(models.Model):
    """A word the segmenter must keep whole (a place, a project, a term); also a pinyin and typo candidate.
    Documents indexed before a word was added are segmented the old way until ``gongkai reindex``."""

    word = models.CharField(_("词语"), max_length=40, unique=True)
    weight = models.PositiveIntegerField(
        _("权重"), default=1000, help_text=_("越大越优先作为纠错和联想候选。")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("搜索词典")
        verbose_name_plural = _("搜索词典")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class Synonym(models.Model):
    """Two expressions searched as one (征地 ≈ 征收土地); applied to queries at once, no reindex needed."""

    term = models.CharField(_("词语"), max_length=40)
    equivalent = models.CharField(_("同义词"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")
        ordering = ["term", "equivalent"]
        constraints = [models.UniqueConstraint(fields=["term", "equivalent"], name="search_synonym_unique")]

    def __str__(self) -> str:
        return f"{self.term} = {self.equivalent}"


class Action(models.TextChoices):
    UPSERT = "upsert", _("更新")
    DELETE = "delete", _("删除")


class IndexOutbox(models.Model):
    """A change to index, written in the same transaction as the publication, update or withdrawal.
    ``gongkai search process-outbox`` applies pending entries (idempotently) and sets ``done_at``."""

    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("索引待办")
        verbose_name_plural = _("索引待办")
        ordering = ["id"]
        indexes = [models.Index(fields=["done_at", "id"], name="search_outbox_pending")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.action}"


class SearchEntry(models.Model):
    """The database copy of an indexed document: the fallback search runs LIKE over ``text`` (normalised:
    simplified, half-width, lower case), ``pinyin`` holds the title's pinyin."""

    key = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    agency = models.CharField(max_length=12, blank=True)
    agency_name = models.CharField(max_length=100, blank=True)
    agencies = models.CharField(max_length=200, blank=True)  # "/430S00/4301S0/"
    category = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, blank=True)
    day = models.DateField(null=True, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    pinyin = models.TextField(blank=True)
    # When this copy was last written: a rebuild removes, at its end, every entry it did not write and the
    # outbox has not written since it started (whatever the number of documents).
    written_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")

    def __str__(self) -> str:
        return self.key
