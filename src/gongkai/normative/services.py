"""Writes for the normative-document library. Each is one transaction that records its history entry
(:class:`StatusChange`) and an audit event together with the change.

三统一: a drafted document is *registered* (登记: it gets its 登记号 and 文号 from the agency's gap-free
sequences, after its legality review), then *published* (公布: it gets its 索引号 from the same sequence
as every other publication of the agency, and its validity dates). From then on its validity changes by
date (:func:`apply_dates`, the daily job) or by decision (:func:`relate`, :func:`cleanup_apply`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.core import audit, sequences
from gongkai.core.text import clean_text
from gongkai.normative import lifecycle
from gongkai.normative.lifecycle import Decision, Relation, Status
from gongkai.normative.models import (
    Cleanup,
    CleanupEntry,
    Document,
    DocumentFile,
    DocumentRelation,
    Kind,
    NumberingScheme,
    Stage,
    StatusChange,
)
from gongkai.orgs.models import Agency
from gongkai.search import outbox as search_outbox

EDITABLE_FIELDS = (
    "kind",
    "unit",
    "title",
    "co_issuers",
    "formed_on",
    "effective_on",
    "expires_on",
    "topic",
    "keywords",
    "summary",
    "body",
    "legality_reviewed_on",
    "legality_review_note",
    "filed_on",
    "filed_with",
    "filing_number",
)


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _history(
    document: Document,
    before: str,
    after: str,
    *,
    on: date,
    by: Any,
    reason: str = "",
    related: Document | None = None,
    cleanup: Cleanup | None = None,
) -> StatusChange:
    return StatusChange.objects.create(
        document=document,
        on=on,
        before=before,
        after=after,
        by=_user(by),
        reason=reason[:300],
        related=related,
        cleanup=cleanup,
    )


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    from gongkai.publishing.services import sanitise

    out: dict[str, Any] = {}
    for key in EDITABLE_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key == "body":
            value = sanitise(value or "")
        elif isinstance(value, str):
            value = clean_text(value).strip()
        out[key] = value
    if "title" in out and not out["title"]:
        raise ValidationError({"title": "请填写标题。"})
    return out


def _check_dates(document: Document) -> None:
    errors: dict[str, str] = {}
    if document.effective_on and document.formed_on and document.effective_on < document.formed_on:
        errors["effective_on"] = "施行日期不能早于成文日期。"
    if document.expires_on and document.effective_on and document.expires_on < document.effective_on:
        errors["expires_on"] = "有效期至不能早于施行日期。"
    if document.legality_reviewed_on and document.legality_reviewed_on > timezone.localdate():
        errors["legality_reviewed_on"] = "合法性审核日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)


# --- drafting and 三统一 ---------------------------------------------------------------------------


@transaction.atomic
def create(*, agency: Agency, data: dict[str, Any], by: Any) -> Document:
    document = Document(agency=agency, created_by=_user(by), stage=Stage.DRAFT, **_clean(data))
    _check_dates(document)
    document.save()
    _history(document, "", Stage.DRAFT, on=timezone.localdate(), by=by, reason="起草登记")
    audit.record(by, "normative.create", document, agency=agency)
    return document


@transaction.atomic
def update(*, document: Document, data: dict[str, Any], by: Any, reason: str = "") -> Document:
    """Change a document's particulars. A published document's text is the law in force: only its
    descriptive fields may be corrected, with a reason; a different text is a new (amending) document."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    changes = _clean(data)
    if document.stage == Stage.PUBLISHED:
        locked = {"title", "body", "formed_on", "effective_on", "kind"}
        changed_locked = [k for k in locked & changes.keys() if changes[k] != getattr(document, k)]
        if changed_locked:
            raise ValidationError("已发布文件的标题、正文和日期不能直接修改；如需修改，请起草修改文件。")
        if not reason.strip():
            raise ValidationError({"reason": "请写明更正理由。"})
    before = {k: str(getattr(document, k)) for k in changes}
    for key, value in changes.items():
        setattr(document, key, value)
    _check_dates(document)
    document.save()
    if document.stage == Stage.PUBLISHED:
        refresh_status(document, by=by, reason="有效期调整")
        search_outbox.enqueue(document)
    diff = sorted(k for k in changes if before[k] != str(getattr(document, k)))
    audit.record(
        by, "normative.update", document, agency=document.agency, reason=reason, data={"fields": diff}
    )
    return document


def scheme_for(agency: Agency, kind: str) -> NumberingScheme:
    scheme = NumberingScheme.objects.filter(agency=agency, kind=kind).first()
    if scheme is None:
        raise ValidationError(
            f"{agency.name}尚未设置{Kind(kind).label}的编号规则（发文机关代字和登记号前缀）。"
        )
    return scheme


@transaction.atomic
def register(*, document: Document, by: Any, year: int | None = None) -> Document:
    """统一登记、统一编号: after the legality review, give the 登记号 and 文号 (gap-free per agency, kind
    and year, taken under a row lock so that concurrent registrations never share or skip a number)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.stage != Stage.DRAFT:
        raise ValidationError("该文件已登记。")
    if document.legality_reviewed_on is None:
        raise ValidationError({"legality_reviewed_on": "登记前须经合法性审核，请填写审核日期和意见。"})
    year = year or timezone.localdate().year
    scheme = scheme_for(document.agency, document.kind)
    code = document.agency.code
    reg = sequences.next_value(f"normative-reg:{code}:{document.kind}", year)
    num = sequences.next_value(f"normative-num:{code}:{document.kind}", year)
    document.registration_number = lifecycle.registration_number(scheme.registration_prefix, year, reg)
    document.document_number = lifecycle.document_number(scheme.document_prefix, year, num)
    document.stage = Stage.REGISTERED
    document.save(update_fields=["registration_number", "document_number", "stage", "updated_at"])
    _history(
        document,
        Stage.DRAFT,
        Stage.REGISTERED,
        on=timezone.localdate(),
        by=by,
        reason=f"统一登记 {document.registration_number}，统一编号 {document.document_number}",
    )
    audit.record(
        by,
        "normative.register",
        document,
        agency=document.agency,
        data={
            "registration_number": document.registration_number,
            "document_number": document.document_number,
        },
    )
    return document


@transaction.atomic
def publish(
    *, document: Document, by: Any, published_on: date | None = None, as_of: date | None = None
) -> Document:
    """统一公布: the 索引号 (from the agency's publication sequence), the publication date, and the
    validity period (5 years, 暂行/试行 2 years, unless one was entered)."""
    from gongkai.publishing.services import next_index_number

    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.stage != Stage.REGISTERED:
        raise ValidationError("只有已登记的文件可以发布。")
    today = as_of or timezone.localdate()  # as_of: entering history in order (the demo, migrations)
    published_on = published_on or today
    if published_on < document.formed_on:
        raise ValidationError("发布日期不能早于成文日期。")
    if document.effective_on is None:
        # 施行日期 defaults to 30 days after publication (a common local rule, regulation.md §6.1)
        document.effective_on = published_on + timedelta(days=30)
    if document.expires_on is None:
        document.expires_on = lifecycle.default_expiry(
            document.effective_on, document.title, is_rule=document.kind == Kind.RULE
        )
    _check_dates(document)
    document.index_number = next_index_number(document.agency, published_on.year)
    document.published_on = published_on
    document.stage = Stage.PUBLISHED
    document.status = document.validity().status_on(published_on)
    document.save()
    search_outbox.enqueue(document)
    _history(
        document,
        Stage.REGISTERED,
        document.status,
        on=published_on,
        by=by,
        reason=f"统一公布，索引号 {document.index_number}",
    )
    audit.record(
        by,
        "normative.publish",
        document,
        agency=document.agency,
        data={"index_number": document.index_number},
    )
    if published_on < today:  # entered after the fact: bring the state up to today, with its history
        refresh_status(document, today=today)
    return document


# --- validity: by date and by decision ----------------------------------------------------------------


def refresh_status(
    document: Document, *, by: Any = None, reason: str = "", today: date | None = None
) -> bool:
    """Bring ``status`` in line with the dates; record the change. True if it changed."""
    if document.stage != Stage.PUBLISHED:
        return False
    today = today or timezone.localdate()
    validity = document.validity()
    new = validity.status_on(today)
    if new == document.status:
        return False
    before = document.status
    on = today
    if new == Status.EXPIRED and document.ended_on is None and validity.end() is not None:
        on = validity.end() or today
        document.ended_on, document.ended_as = on, Status.EXPIRED
    elif new == Status.IN_FORCE and before == Status.NOT_YET_IN_FORCE:
        on = document.effective_on or today
    document.status = new
    document.save(update_fields=["status", "ended_on", "ended_as", "updated_at"])
    search_outbox.enqueue(document)
    why = reason or {
        Status.IN_FORCE: "施行日期已到，文件生效",
        Status.EXPIRED: "有效期届满，文件失效",
    }.get(new, "按日期更新效力状态")
    _history(document, before, new, on=on, by=by, reason=why)
    audit.record(
        by, "normative.status", document, agency=document.agency, reason=why, data={"from": before, "to": new}
    )
    return True


@transaction.atomic
def apply_dates(today: date | None = None) -> int:
    """The daily job: documents whose 施行日期 came or whose 有效期 ran out change state. Idempotent —
    a second run on the same day finds nothing to change. Returns how many documents changed."""
    today = today or timezone.localdate()
    due = (
        Document.objects.select_for_update()
        .filter(stage=Stage.PUBLISHED)
        .filter(
            Q(status=Status.NOT_YET_IN_FORCE, effective_on__lte=today)
            | Q(status__in=[Status.IN_FORCE, Status.AMENDED], expires_on__lt=today)
        )
    )
    return sum(refresh_status(d, today=today) for d in due)


@transaction.atomic
def relate(
    *,
    source: Document,
    target: Document,
    kind: Relation | str,
    by: Any,
    on: date | None = None,
    reason: str = "",
    as_of: date | None = None,
) -> DocumentRelation:
    """A later document amends, repeals, replaces or interprets an earlier one; both are linked, and the
    earlier one's state changes on the decision's date (默认为后一文件的施行日期)."""
    kind = Relation(kind)
    target = Document.objects.select_for_update().get(pk=target.pk)
    if source.pk == target.pk:
        raise ValidationError("文件不能与自身建立关系。")
    if target.stage != Stage.PUBLISHED:
        raise ValidationError("只能对已发布的文件作出修改、废止或代替决定。")
    on = on or source.effective_on or source.published_on or timezone.localdate()
    effect = lifecycle.RELATION_EFFECT[kind]
    state = target.validity().status_on(on)
    if effect is not None and not lifecycle.can_decide(state):
        raise ValidationError(
            f"该文件在{on:%Y-%m-%d}已{lifecycle.LABELS[state]}，不能再{lifecycle.RELATION_LABELS[kind][0]}。"
        )
    if DocumentRelation.objects.filter(source=source, target=target, kind=kind).exists():
        raise ValidationError("这两个文件之间已有相同的关系。")
    relation = DocumentRelation.objects.create(
        source=source, target=target, kind=kind, on=on, created_by=_user(by)
    )
    why = reason or f"{source}{lifecycle.RELATION_LABELS[kind][0]}本文件"
    if effect is not None:
        _end_or_amend(target, effect, on=on, by=by, reason=why, related=source, as_of=as_of)
    audit.record(
        by, f"normative.{kind.value}", target, agency=target.agency, reason=why, data={"source": source.pk}
    )
    return relation


_RANK = {
    Status.NOT_YET_IN_FORCE: 0,
    Status.IN_FORCE: 1,
    Status.AMENDED: 1,
    Status.EXPIRED: 2,
    Status.REPEALED: 2,
}


def _end_or_amend(
    document: Document,
    effect: Status,
    *,
    on: date,
    by: Any,
    reason: str,
    related: Document | None = None,
    cleanup: Cleanup | None = None,
    as_of: date | None = None,
) -> None:
    # First the changes by date up to the decision (so the history reads in order), unless the history
    # already runs past it (a decision entered late: the later entries stay, as they were recorded).
    state_at = document.validity().status_on(on)
    if _RANK[state_at] > _RANK[Status(document.status)] and not document.history.filter(on__gt=on).exists():
        refresh_status(document, today=on)
    before = state_at  # the state the decision found (the recorded one may run ahead, e.g. on import)
    if effect == Status.AMENDED:
        if document.amended_on is None or on < document.amended_on:
            document.amended_on = on
    else:
        document.ended_on, document.ended_as = on, effect
    document.status = document.validity().status_on(on)
    document.save(update_fields=["status", "ended_on", "ended_as", "amended_on", "updated_at"])
    search_outbox.enqueue(document)
    _history(document, before, effect, on=on, by=by, reason=reason, related=related, cleanup=cleanup)
    refresh_status(document, today=as_of)  # and on to today (an amended document may have expired since)


# --- clean-up campaigns (清理) -----------------------------------------------------------------------


@transaction.atomic
def cleanup_start(*, agency: Agency, name: str, documents: list[Document] | None, by: Any) -> Cleanup:
    """Open a clean-up with the documents to review (by default every document of the agency that is in
    force or not yet in force)."""
    cleanup = Cleanup.objects.create(agency=agency, name=clean_text(name).strip() or "规范性文件清理")
    if documents is None:
        documents = list(
            Document.objects.filter(
                agency=agency,
                stage=Stage.PUBLISHED,
                status__in=[Status.IN_FORCE, Status.AMENDED, Status.NOT_YET_IN_FORCE],
            ).order_by("published_on", "id")
        )
    CleanupEntry.objects.bulk_create([CleanupEntry(cleanup=cleanup, document=d) for d in documents])
    audit.record(by, "normative.cleanup_start", cleanup, agency=agency, data={"documents": len(documents)})
    return cleanup


@transaction.atomic
def cleanup_decide(*, cleanup: Cleanup, decisions: dict[int, tuple[str, str]], by: Any) -> int:
    """Record the review's opinion per document: {document id: (decision, reason)}."""
    if cleanup.applied_at is not None:
        raise ValidationError("该清理决定已执行，不能再修改。")
    changed = 0
    for entry in cleanup.entries.select_for_update().filter(document_id__in=decisions):
        decision, reason = decisions[entry.document_id]
        Decision(decision)
        if (entry.decision, entry.reason) != (decision, reason):
            entry.decision, entry.reason = decision, clean_text(reason).strip()[:200]
            entry.save(update_fields=["decision", "reason"])
            changed += 1
    audit.record(by, "normative.cleanup_decide", cleanup, agency=cleanup.agency, data={"changed": changed})
    return changed


@dataclass
class CleanupResult:
    repealed: int = 0
    expired: int = 0
    kept: int = 0
    to_amend: int = 0


@transaction.atomic
def cleanup_apply(
    *, cleanup: Cleanup, decision_number: str, decided_on: date, by: Any, as_of: date | None = None
) -> CleanupResult:
    """Apply the 清理决定 to all its documents at once; each change is kept in its document's history
    and linked to the decision. Applying twice is refused."""
    cleanup = Cleanup.objects.select_for_update().get(pk=cleanup.pk)
    if cleanup.applied_at is not None:
        raise ValidationError("该清理决定已执行。")
    if not decision_number.strip():
        raise ValidationError({"decision_number": "请填写清理决定的文号。"})
    cleanup.decision_number = lifecycle.normalise_document_number(clean_text(decision_number))
    cleanup.decided_on = decided_on
    result = CleanupResult()
    for entry in cleanup.entries.select_related("document"):
        decision = Decision(entry.decision)
        effect = lifecycle.DECISION_EFFECT[decision]
        document = Document.objects.select_for_update().get(pk=entry.document_id)
        reason = f"{cleanup.decision_number}：{lifecycle.DECISION_LABELS[decision]}" + (
            f"（{entry.reason}）" if entry.reason else ""
        )
        if effect is None:
            if decision == Decision.KEEP:
                result.kept += 1
            else:
                result.to_amend += 1
            _history(
                document,
                document.status,
                document.status,
                on=decided_on,
                by=by,
                reason=reason,
                cleanup=cleanup,
            )
            continue
        state = document.validity().status_on(decided_on)
        if not lifecycle.can_decide(state):
            raise ValidationError(
                f"《{document.title}》在{decided_on:%Y-%m-%d}已{lifecycle.LABELS[state]}，请调整清理意见。"
            )
        _end_or_amend(document, effect, on=decided_on, by=by, reason=reason, cleanup=cleanup, as_of=as_of)
        if effect == Status.REPEALED:
            result.repealed += 1
        else:
            result.expired += 1
    cleanup.applied_at = timezone.now()
    cleanup.applied_by = _user(by)
    cleanup.save()
    audit.record(
        by,
        "normative.cleanup_apply",
        cleanup,
        agency=cleanup.agency,
        reason=cleanup.decision_number,
        data=result.__dict__,
    )
    return result


# --- files -------------------------------------------------------------------------------------------


@transaction.atomic
def attach(*, document: Document, upload: Any, by: Any) -> DocumentFile:
    """Attach an original file (PDF, DOCX, XLSX, JPEG, PNG), checked by its content."""
    from gongkai.core import uploads

    record = uploads.store(DocumentFile(document=document), upload, f"normative/{document.agency.code}")
    audit.record(by, "normative.attach", document, agency=document.agency, data={"file": record.name})
    return record
