"""Rebuilding the whole index from the database (``gongkai reindex``, the demo)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.search import documents, engine, outbox
from gongkai.search.index import BULK_HEAP, BULK_THREADS, IndexDoc
from gongkai.search.models import IndexOutbox, SearchEntry


def reindex(*, progress: Callable[[int], None] | None = None, workers: int | None = None) -> int:
    """Every public document into a fresh index (searchers see the old one until the single commit) and
    into the database copy; outbox entries written before the start are then done. Returns the count."""
    engine.forget_dictionary()
    norm = engine.normaliser()
    words, synonyms = engine.dictionary()
    upto = IndexOutbox.objects.order_by("-id").values_list("id", flat=True).first() or 0
    started = timezone.now()
    written = 0

    def batches() -> Iterator[list[IndexDoc]]:
        nonlocal written
        for batch in documents.iterate():
            outbox.save_entries(batch, norm)  # one statement: its own transaction
            written += len(batch)
            yield batch

    index = engine.get_index()
    if index is not None:
        heap = getattr(settings, "GONGKAI_SEARCH_REINDEX_HEAP", None) or BULK_HEAP
        with index.writer(heap=heap, threads=BULK_THREADS) as writer:
            assert writer is not None
            writer.delete_all()
            writer.bulk(
                batches(), words=words, synonyms=synonyms, workers=workers, progress=progress, norm=norm
            )
            writer.commit()
    else:
        for batch in batches():
            if progress:
                progress(len(batch))
    with transaction.atomic():
        # Entries neither this rebuild nor the outbox wrote since the start are no longer public.
        SearchEntry.objects.filter(written_at__lt=started).delete()
        IndexOutbox.objects.filter(id__lte=upto, done_at__isnull=True).update(done_at=timezone.now())
    engine.forget_dictionary()  # the index vocabulary changed
    return written
