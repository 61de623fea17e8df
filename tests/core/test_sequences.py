"""Gap-free numbering under concurrency (PostgreSQL: SQLite serialises writers anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from gongkai.core.models import Sequence
from gongkai.core.sequences import next_value


@pytest.mark.django_db
def test_numbers_are_consecutive():
    with transaction.atomic():
        assert [next_value("t", 2026) for _ in range(3)] == [1, 2, 3]
    with transaction.atomic():
        assert next_value("t", 2027) == 1


@pytest.mark.django_db
def test_a_rolled_back_number_is_reused_so_there_is_no_gap():
    with transaction.atomic():
        next_value("t", 2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        next_value("t", 2026)
        raise RuntimeError("registration failed")
    with transaction.atomic():
        assert next_value("t", 2026) == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        next_value("t", 2026)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_never_share_a_number():
    results: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(10):
                with transaction.atomic():
                    value = next_value("concurrent", 2026)
                with lock:
                    results.append(value)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(1, 81))
    assert Sequence.objects.get(scope="concurrent", year=2026).last == 80
