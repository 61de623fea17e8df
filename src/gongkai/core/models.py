"""What every area shares: the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.backends.signals import connection_created
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64  # the ``prev_hash`` of the first entry of a chain that was never pruned


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Bulk changes are refused like single ones; ``gongkai audit prune`` is the one deletion path."""

    def update(self, **kwargs: Any) -> int:
        raise ValueError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("audit events are append-only (see gongkai audit prune)")


class AuditEvent(models.Model):
    """One recorded change: who did what to which object, when and why. Append-only.

    Written by service functions inside the same transaction as the change they record, so a change
    and its record are saved together or not at all. ``data`` never holds clear-text personal data.

    The entries form a hash chain (``seq`` gap-free, ``hash`` = SHA-256 over the canonical form of
    the entry including ``prev_hash``; see :mod:`gongkai.core.audit`), and database triggers refuse
    UPDATE and DELETE (migration 0006). A later migration that rebuilds this table on SQLite drops
    the triggers: ``gongkai audit verify`` reports them missing.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True, editable=False)
    at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verb = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=64)
    agency = models.ForeignKey(
        "orgs.Agency",
        verbose_name=_("机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("理由"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条的校验值"), max_length=64, editable=False)
    hash = models.CharField(_("校验值"), max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        if not self.hash:
            raise ValueError("audit events are written by gongkai.core.audit.record()")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("audit events are append-only")


class AuditChain(models.Model):
    """The head of the audit hash chain: a single row (pk 1).

    :func:`gongkai.core.audit.record` locks it (``select_for_update``) inside the caller's transaction,
    so appends are serialised and the chain never forks; it holds the last ``seq`` and ``hash`` (so a
    deleted tail is detected) and the anchor left by ``gongkai audit prune``: the ``seq`` and ``hash`` of
    the last pruned entry, where verification starts.
    """

    last_seq = models.PositiveBigIntegerField(_("最后序号"), default=0)
    last_hash = models.CharField(_("最后校验值"), max_length=64, default=GENESIS_HASH)
    anchor_seq = models.PositiveBigIntegerField(_("已清理至序号"), default=0)
    anchor_hash = models.CharField(_("已清理的最后一条的校验值"), max_length=64, default=GENESIS_HASH)
    anchor_at = models.DateTimeField(_("已清理的最后一条的时间"), null=True, blank=True)
    pruned_at = models.DateTimeField(_("清理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("操作记录链")
        verbose_name_plural = _("操作记录链")

    def __str__(self) -> str:
        return f"audit chain: {self.anchor_seq + 1}..{self.last_seq}"


def _sqlite_audit_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite: give the append-only trigger the function it asks whether a deletion is allowed.

    The function answers from a flag of this connection, set only by ``gongkai audit prune`` (through
    ``audit._deletion_allowed``) and while Django flushes the whole database (what a test run does after
    a transactional test; PostgreSQL's flush is a TRUNCATE, which row triggers do not see either). A
    connection that lacks the function (the ``sqlite3`` shell) cannot delete entries at all.
    """
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "gongkai_audit_unlocked", 0, lambda: int(bool(getattr(connection, "gongkai_audit_unlocked", False)))
    )
    ops = connection.ops
    if getattr(ops, "_gongkai_flush_wrapped", False):
        return
    flush = ops.execute_sql_flush

    def execute_sql_flush(sql_list: list[str]) -> None:
        connection.gongkai_audit_unlocked = True
        try:
            flush(sql_list)
        finally:
            connection.gongkai_audit_unlocked = False

    ops.execute_sql_flush = execute_sql_flush
    ops._gongkai_flush_wrapped = True


connection_created.connect(_sqlite_audit_guard, dispatch_uid="gongkai.core.audit_guard")


class CalendarYear(models.Model):
    """A year's holiday schedule as entered by an administrator, with the notice it comes from.

    Its days override the ``chinese_calendar`` package. ``complete`` declares that the whole published
    schedule has been entered; only then does the clock treat the year as known (clock.md).
    """

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    notice = models.CharField(
        _("依据的通知"), max_length=200, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知")
    )
    notice_number = models.CharField(_("文号"), max_length=60, blank=True)
    complete = models.BooleanField(_("已完整录入"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="calendar_year_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.notice}"


class CalendarDay(models.Model):
    """One day of an entered schedule: a holiday (休) or a make-up working day (班)."""

    schedule = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("日期"), unique=True)
    is_working = models.BooleanField(_("上班"))
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("节假日安排日期")
        verbose_name_plural = _("节假日安排日期")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name} {'班' if self.is_working else '休'}"


class Sequence(models.Model):
    """Gap-free numbering per scope and year (application numbers, 索引号 serials, 登记号 …).

    :func:`gongkai.core.sequences.next_value` takes the row with ``select_for_update`` inside the
    caller's transaction, so two concurrent registrations never get the same number and a rolled-back
    one leaves no gap.
    """

    scope = models.CharField(_("编号范围"), max_length=60)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("最后编号"), default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")
        constraints = [models.UniqueConstraint(fields=["scope", "year"], name="sequence_unique_scope_year")]

    def __str__(self) -> str:
        return f"{self.scope}/{self.year}: {self.last}"
