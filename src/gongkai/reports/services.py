"""The annual report's life: draft → reviewed → published (frozen); a correction is a new version.

The figures are always computed from the records (:mod:`gongkai.reports.counts`), then the cells entered
or adjusted by hand (each with a reason) are laid over them, then the cross-checks run
(:func:`gongkai.reports.formats.check`, with last year's report for the carry-over). A check that fails
blocks review and publication until the figures are fixed or the failure is explained. Publishing
freezes the whole report (figures, checks, text) as JSON; the published version never changes.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.text import clean_text
from gongkai.orgs.models import Agency
from gongkai.reports import counts, formats
from gongkai.reports.models import AnnualReport, CellEntry, Stage
from gongkai.search import outbox as search_outbox


def current(agency: Agency, year: int) -> AnnualReport | None:
    """The latest version of the agency's report for ``year``."""
    return AnnualReport.objects.filter(agency=agency, year=year).order_by("-version").first()


def published(agency: Agency, year: int) -> AnnualReport | None:
    return (
        AnnualReport.objects.filter(agency=agency, year=year, stage=Stage.PUBLISHED)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def draft(*, agency: Agency, year: int, by: Any) -> AnnualReport:
    """The report being prepared for ``year`` (created with the format's default sub-headings)."""
    report = current(agency, year)
    if report is not None and report.stage != Stage.PUBLISHED:
        return report
    if report is not None:
        raise ValidationError("该年度报告已发布；如需更正，请生成更正版本。")
    fmt = formats.format_for_year(year)
    subheads = "\n\n".join(f"{h}\n" for h in formats.get_format(fmt).section1_subheadings)
    report = AnnualReport.objects.create(
        agency=agency, year=year, format=fmt, section1=subheads, updated_by=_user(by)
    )
    audit.record(by, "report.create", report, agency=agency)
    return report


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _parts(path: str) -> list[str]:
    """``section3.withheld.state_secret.natural_person`` → section, row, column (row keys of section 三
    contain dots)."""
    section, _, rest = path.partition(".")
    if section == "section3":
        row, _, column = rest.rpartition(".")
        return [section, row, column]
    return path.split(".")


def _set(target: dict[str, Any], path: str, value: Any) -> None:
    parts = _parts(path)
    node = target
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _get(source: dict[str, Any], path: str) -> Any:
    node: Any = source
    for part in _parts(path):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def figures(report: AnnualReport, *, scope: list[Agency] | None = None) -> formats.Report:
    """The tables: computed from the records, with the hand-entered cells laid over them."""
    if report.stage == Stage.PUBLISHED and report.snapshot:
        return formats.report_from_json(report.snapshot)
    data = counts.counts(scope or [report.agency], report.year)
    for entry in report.entries.all():
        _set(data, entry.path, _parse(entry.value, entry.path))
    return formats.build(report.format, data, strict=False)


def _parse(value: str, path: str) -> int | Decimal:
    text = value.strip().replace(",", "")
    try:
        return int(text)
    except ValueError:
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError({"value": f"“{value}”不是数字。"}) from exc


def previous(report: AnnualReport) -> tuple[formats.Report | None, bool]:
    """Last year's report (published, else computed) and whether its figures were entered by hand."""
    if report.year - 1 < 2019:
        return None, False
    last = published(report.agency, report.year - 1) or current(report.agency, report.year - 1)
    if last is not None:
        return figures(last), last.entries.filter(path__startswith="section3.").exists()
    fmt = formats.format_for_year(report.year - 1)
    return formats.build(fmt, counts.counts([report.agency], report.year - 1)), False


def checks(report: AnnualReport) -> list[formats.Check]:
    last, by_hand = previous(report)
    return formats.check(figures(report), last, previous_entered_by_hand=by_hand)


def blocking(report: AnnualReport) -> list[formats.Check]:
    """Failed error checks that have no explanation: these block review and publication."""
    return [
        c
        for c in checks(report)
        if not c.ok and c.severity == "error" and not report.explanations.get(c.rule)
    ]


def to_json(report: AnnualReport) -> dict[str, Any]:
    if report.stage == Stage.PUBLISHED and report.snapshot:
        return dict(report.snapshot)
    data = formats.to_json(
        figures(report),
        year=report.year,
        agency={"code": report.agency.code, "name": report.agency.name},
        text={"section1": report.section1, "section5": report.section5, "section6": report.section6},
        checks=checks(report),
    )
    return data


def extras(report: AnnualReport) -> dict[str, Any]:
    """What the outputs show besides the JSON: hand-entered cells, version, correction note."""
    return {
        "adjusted_cells": list(report.entries.values_list("path", flat=True)),
        "version": report.version,
        "correction_note": report.correction_note,
        "published_at": report.published_at.isoformat() if report.published_at else None,
    }


def _editable(report: AnnualReport) -> AnnualReport:
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.stage == Stage.PUBLISHED:
        raise ValidationError("已发布的年度报告不能修改；如需更正，请生成更正版本。")
    return report


@transaction.atomic
def save_text(*, report: AnnualReport, by: Any, **sections: str) -> AnnualReport:
    report = _editable(report)
    changed = []
    for key in ("section1", "section5", "section6"):
        if key in sections:
            value = clean_text(sections[key] or "")
            if value != getattr(report, key):
                setattr(report, key, value)
                changed.append(key)
    if changed:
        report.stage = Stage.DRAFT
        report.updated_by = _user(by)
        report.save()
        audit.record(by, "report.text", report, agency=report.agency, data={"sections": changed})
    return report


@transaction.atomic
def enter_cell(*, report: AnnualReport, path: str, value: str, reason: str, by: Any) -> CellEntry | None:
    """Enter or adjust one cell by hand, with a reason; an empty value removes the entry (the cell is
    computed again). The cell path must exist in the report's format."""
    report = _editable(report)
    try:
        formats.cell_name(report.format, path)
    except (KeyError, ValueError, StopIteration) as exc:
        raise ValidationError({"path": f"“{path}”不是本报告格式中的单元格。"}) from exc
    computed = _get(to_json_tables(report, without=path), path)
    if not value.strip():
        deleted, _ = CellEntry.objects.filter(report=report, path=path).delete()
        if deleted:
            audit.record(by, "report.cell_reset", report, agency=report.agency, data={"cell": path})
        return None
    parsed = _parse(value, path)
    if not reason.strip():
        raise ValidationError({"reason": "请写明人工填报或调整的理由。"})
    formats.build(report.format, _single(path, parsed), strict=True)  # refuses negatives and bad kinds
    entry, _created = CellEntry.objects.update_or_create(
        report=report,
        path=path,
        defaults={
            "value": str(parsed),
            "computed": "" if computed is None else str(computed),
            "reason": clean_text(reason).strip()[:300],
            "by": _user(by),
        },
    )
    report.stage = Stage.DRAFT
    report.save(update_fields=["stage", "updated_at"])
    audit.record(
        by,
        "report.cell",
        report,
        agency=report.agency,
        reason=entry.reason,
        data={"cell": path, "value": entry.value, "computed": entry.computed},
    )
    return entry


def _single(path: str, value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    _set(data, path, value)
    return data


def to_json_tables(report: AnnualReport, *, without: str | None = None) -> dict[str, Any]:
    data = counts.counts([report.agency], report.year)
    for entry in report.entries.exclude(path=without or ""):
        _set(data, entry.path, _parse(entry.value, entry.path))
    built = formats.build(report.format, data, strict=False)
    return {"section2": built.section2, "section3": built.section3, "section4": built.section4}


@transaction.atomic
def explain(*, report: AnnualReport, rule: str, text: str, by: Any) -> AnnualReport:
    """Explain a failed check (e.g. last year's figures were kept by hand); an empty text removes it."""
    report = _editable(report)
    text = clean_text(text).strip()
    if text:
        report.explanations[rule] = text
    else:
        report.explanations.pop(rule, None)
    report.save(update_fields=["explanations", "updated_at"])
    audit.record(by, "report.explain", report, agency=report.agency, reason=text, data={"rule": rule})
    return report


@transaction.atomic
def review(*, report: AnnualReport, by: Any) -> AnnualReport:
    report = _editable(report)
    if report.stage != Stage.DRAFT:
        raise ValidationError("只有草稿可以审核。")
    failing = blocking(report)
    if failing:
        raise ValidationError("校验未通过，请修正或说明：" + "；".join(c.message for c in failing))
    report.stage = Stage.REVIEWED
    report.reviewed_at = timezone.now()
    report.save(update_fields=["stage", "reviewed_at", "updated_at"])
    audit.record(by, "report.review", report, agency=report.agency)
    return report


@transaction.atomic
def publish(*, report: AnnualReport, by: Any, at: datetime | None = None) -> AnnualReport:
    """Freeze and publish. The figures, the checks and the text are kept as they are now. ``at`` records
    a publication that happened before the report was entered here (e.g. a migrated report)."""
    report = _editable(report)
    if report.stage != Stage.REVIEWED:
        raise ValidationError("年度报告须经审核后发布。")
    failing = blocking(report)
    if failing:
        raise ValidationError("校验未通过，请修正或说明：" + "；".join(c.message for c in failing))
    snapshot = to_json(report)
    report.stage = Stage.PUBLISHED
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError("发布时间不能晚于现在。")
    report.published_at = at or now
    snapshot["extras"] = extras(report)
    report.snapshot = snapshot
    report.save()
    search_outbox.enqueue(report)
    audit.record(
        by,
        "report.publish",
        report,
        agency=report.agency,
        data={"version": report.version, "published_at": report.published_at.isoformat()},
    )
    return report


@transaction.atomic
def correct(*, report: AnnualReport, note: str, by: Any) -> AnnualReport:
    """Start a correction of a published report: a new version (draft) with a visible note; the
    published version stays as it was until the correction is published."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.stage != Stage.PUBLISHED:
        raise ValidationError("只有已发布的年度报告需要更正。")
    if not note.strip():
        raise ValidationError({"note": "请写明更正说明。"})
    if AnnualReport.objects.filter(
        agency=report.agency, year=report.year, version__gt=report.version
    ).exists():
        raise ValidationError("该报告已有更正版本。")
    new = AnnualReport.objects.create(
        agency=report.agency,
        year=report.year,
        version=report.version + 1,
        format=report.format,
        section1=report.section1,
        section5=report.section5,
        section6=report.section6,
        explanations=report.explanations,
        correction_note=clean_text(note).strip()[:300],
        updated_by=_user(by),
    )
    CellEntry.objects.bulk_create(
        [
            CellEntry(report=new, path=e.path, value=e.value, computed=e.computed, reason=e.reason, by=e.by)
            for e in report.entries.all()
        ]
    )
    audit.record(by, "report.correct", new, agency=new.agency, reason=new.correction_note)
    return new
