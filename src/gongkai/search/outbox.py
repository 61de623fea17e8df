"""The outbox: services call :func:`enqueue` inside their transaction; :func:`process` applies what is
pending to the index and to the database copy, idempotently, and marks it done.

Each entry names a kind and an id; processing looks at the database *now* (is it public?) and upserts or
deletes accordingly, so entries may be applied twice, in any order, after a crash: the result is the same.
A crash after the index commit and before the entries are marked done only means they are applied again.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from gongkai.core import pagecache
from gongkai.search import documents
from gongkai.search.models import Action, IndexOutbox, SearchEntry

log = logging.getLogger(__name__)


def enqueue(obj: Model, action: str = Action.UPSERT) -> IndexOutbox:
    """Record that ``obj`` changed (call inside the service's transaction)."""
    entry = IndexOutbox.objects.create(kind=documents.kind_of(obj), object_id=obj.pk, action=action)
    pagecache.invalidate_on_commit()  # what is indexed is shown on public pages too
    if getattr(settings, "GONGKAI_SEARCH_ON_COMMIT", settings.DEBUG):
        transaction.on_commit(_process_soon)
    return entry


def _process_soon() -> None:
    """Development: apply right after the commit, best effort (the timer catches up otherwise)."""
    try:
        process(wait=False)
    except Exception:  # never break the request that published something
        log.exception("search: processing the outbox after commit failed")


def _entry_fields(doc: documents.IndexDoc, norm: Any) -> dict[str, Any]:
    from gongkai.search import normalise

    head = doc.title + (" " + doc.keywords if doc.keywords else "")
    return {
        "type": doc.type,
        "title": normalise.display_text(doc.title)[:300],
        "url": doc.url,
        "agency": doc.agency,
        "agency_name": doc.agency_name,
        "agencies": "/" + "/".join(doc.agencies) + "/" if doc.agencies else "",
        "category": doc.category[:100],
        "status": doc.status,
        "day": doc.day,
        "year": doc.day.year if doc.day else None,
        "text": normalise.search_text(head + "\n" + doc.body),
        "pinyin": norm.pinyin_text(head) if norm is not None else "",
    }


def save_entry(doc: documents.IndexDoc, norm: Any) -> None:
    SearchEntry.objects.update_or_create(
        key=doc.key, defaults={**_entry_fields(doc, norm), "written_at": timezone.now()}
    )


def save_entries(docs: list[documents.IndexDoc], norm: Any) -> None:
    """Write many database copies in one statement (insert, or update the row with the same key): what
    :func:`save_entry` does one row at a time, for ``gongkai reindex``."""
    now = timezone.now()
    latest = {d.key: d for d in docs}  # one row per key (PostgreSQL refuses to update a row twice)
    values = {key: {**_entry_fields(d, norm), "written_at": now} for key, d in latest.items()}
    if not values:
        return
    SearchEntry.objects.bulk_create(
        [SearchEntry(key=key, **fields) for key, fields in values.items()],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=list(next(iter(values.values()))),  # every field _entry_fields fills, never a copy
    )


def process(*, limit: int = 2000, wait: bool = True) -> int:
    """Apply up to ``limit`` pending entries; returns how many were applied (0 if another process is
    writing and ``wait`` is false)."""
    from gongkai.search import engine

    pending = list(IndexOutbox.objects.filter(done_at__isnull=True).order_by("id")[:limit])
    if not pending:
        return 0
    targets = sorted({(e.kind, e.object_id) for e in pending})
    norm = engine.normaliser()
    changes: list[tuple[str, documents.IndexDoc | None]] = []
    for kind, pk in targets:
        if kind not in documents.sources():
            continue
        doc = documents.load(kind, pk)
        changes.append((f"{kind}:{pk}", doc))
        if doc is not None:
            changes.extend((key, None) for key in documents.related_keys(kind, pk))
    index = engine.get_index()
    if index is not None:
        with index.writer(wait=wait) as writer:
            if writer is None:
                return 0
            for key, doc in changes:
                if doc is None:
                    writer.delete(key)
                else:
                    writer.upsert(doc, norm)
            writer.commit()
    with transaction.atomic():
        for key, doc in changes:
            if doc is None:
                SearchEntry.objects.filter(key=key).delete()
            else:
                save_entry(doc, norm)
        IndexOutbox.objects.filter(pk__in=[e.pk for e in pending]).update(done_at=timezone.now())
    # search pages rendered while the index lagged behind the publication must not outlive it
    pagecache.invalidate_on_commit()
    return len(pending)


def process_all(*, wait: bool = True) -> int:
    total = 0
    while True:
        done = process(wait=wait)
        total += done
        if not done:
            return total


def pending() -> int:
    return IndexOutbox.objects.filter(done_at__isnull=True).count()
