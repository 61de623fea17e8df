"""The tantivy index: schema, writing (one writer under a file lock), searching. No Django here, so that
the benchmark runs exactly this code on its own corpus.

Every field is filled from :mod:`gongkai.search.normalise` (normalised text: OpenCC, widths, lower case):

- ``body``: the head (title, place names, document numbers; ``TITLE_REPEAT`` times, so title words weigh
  more) and the text, cut by tantivy itself (Rust, ``BODY_ANALYZER``) into overlapping 2-character pieces,
  with frequencies, without positions; stored (snippets are cut from the text). Every query word is found
  through its pieces (:func:`normalise.cover`), whatever the dictionary said when the document was indexed.
- ``title``: the head's jieba search-mode words with the domain dictionary, separated by spaces (tantivy's
  ``whitespace`` tokenizer only splits): the vocabulary of "did you mean" and of pinyin.
- ``py``: the pinyin (full and initials) of the head's words.
- filters (``type``, ``agency``, ``agencies`` = the agency and those above it, ``category``, ``status``,
  ``year``): raw terms and fast fields; ``recency`` the weight of the date (a fast field).
- ``data``: what a hit shows (title, url, agency name, date…) as JSON.

Concurrency: any number of processes search (each opens the directory and reloads its reader at most
once a second, so a commit from another process is seen within a second); one process writes at a time
(``writer()`` takes ``.gongkai-writer.lock`` with ``fcntl.flock``; tantivy's own lock backs it up).
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tantivy

from gongkai.search import normalise
from gongkai.search.normalise import Normaliser, ParsedQuery

SCHEMA_VERSION = "v2"
FACET_FIELDS = ("type", "agency", "year", "status", "category")
TEXT_LIMIT = 20_000  # characters of a document's text kept for its snippet
TITLE_REPEAT = 3  # the head is in the body field this many times: title words weigh more, at no query cost
RESCORE_WINDOW = 200  # the first hits by BM25 that the recency weight re-orders
PINYIN_BOOST = 2.0
BODY_ANALYZER = "gk_cjk_bigram"


def body_analyzer() -> Any:
    """Overlapping 2-character pieces of the whole (lower-cased) text — in Rust, no Python per piece.
    :func:`normalise.bigrams` / :func:`normalise.cover` cut query words the same way."""
    # no lower-case filter: it allocates for every piece and doubles the cost; Python lower-cases the text
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(2, 2, False)).build()


def build_schema() -> Any:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", stored=True, tokenizer_name="raw", index_option="basic")
    for name in ("type", "agency", "category", "status"):
        sb.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("agencies", tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("date", indexed=True, fast=True)  # yyyymmdd
    sb.add_float_field("recency", fast=True)
    # title, place names, document numbers: jieba search-mode words with the domain dictionary (the
    # vocabulary of "did you mean" and pinyin; not searched: the body holds the head too)
    sb.add_text_field("title", tokenizer_name="whitespace", index_option="basic")
    # the head (TITLE_REPEAT times) and the text, lower-cased, as 2-character pieces (no positions: the
    # phrases shown are checked on the text); stored: snippets are cut from it
    sb.add_text_field("body", stored=True, tokenizer_name=BODY_ANALYZER, index_option="freq")
    sb.add_text_field("py", tokenizer_name="whitespace", index_option="freq")
    sb.add_bytes_field("data", stored=True)
    return sb.build()


def recency(day: date | None) -> float:
    """The weight tantivy multiplies scores by (as log2(2 + value)): grows with the square of the years
    since 2000, so a document from this year scores ~2 % above one from last year and ~30 % above one
    from ten years ago, other things equal."""
    if day is None:
        return 0.0
    years = max(0.0, (day.toordinal() - 730120) / 365.25)  # 730120 = 2000-01-01
    return years * years / 10


@dataclass
class IndexDoc:
    """One searchable thing as the index sees it (built by ``gongkai.search.documents``)."""

    key: str  # "item:12" — kind and primary key
    type: str  # item / normative / report / qa / land
    title: str
    body: str
    url: str
    agency: str = ""  # agency code
    agency_name: str = ""
    agencies: list[str] = field(default_factory=list)  # the agency's code and those above it
    day: date | None = None
    category: str = ""
    status: str = ""
    keywords: str = ""  # place names, document numbers: indexed with the title and in pinyin


_JSON = json.JSONEncoder(ensure_ascii=False)  # json.dumps(…, ensure_ascii=False) without its set-up per call
Prepared = tuple[str, str, str, str, str, list[str], int, int, float, str, str, str, str, bytes]


def prepare(doc: IndexDoc, norm: Normaliser) -> Prepared:
    """Everything the index stores for one document, as plain values (so workers can compute it).

    Python does only the cheap part: normalising the text (OpenCC, widths) and segmenting the short head
    (title + keywords) with jieba; the long text is cut into pieces by the index's own analyzer."""
    title = normalise.display_text(doc.title)
    text = normalise.display_text(doc.body)[:TEXT_LIMIT]
    head = title + " " + normalise.display_text(doc.keywords) if doc.keywords else title
    head_n, text_n = head.lower(), text.lower()
    shown: dict[str, Any] = {
        "title": title,
        "url": doc.url,
        "agency": doc.agency,
        "agency_name": doc.agency_name,
        "date": doc.day.isoformat() if doc.day else None,
        "status": doc.status,
        "category": doc.category,
    }
    if text_n != text:  # Latin capitals: the snippet shows the text as written (else: the stored body)
        shown["text"] = text
    data = _JSON.encode(shown).encode()
    title_tokens, py = norm.head_fields(head_n, normalised=True)
    return (
        doc.key,
        doc.type,
        doc.agency,
        doc.category,
        doc.status,
        doc.agencies,
        doc.day.year if doc.day else 0,
        doc.day.year * 10000 + doc.day.month * 100 + doc.day.day if doc.day else 0,
        recency(doc.day),
        title_tokens,
        head_n,
        text_n,
        py,
        data,
    )


def _document(p: Prepared) -> Any:
    key, type_, agency, category, status, agencies, year, day, rec, title, head, text, py, data = p
    d = tantivy.Document()
    d.add_text("key", key)
    d.add_text("type", type_)
    d.add_text("agency", agency)
    d.add_text("category", category)
    d.add_text("status", status)
    for code in agencies:
        d.add_text("agencies", code)
    d.add_integer("year", year)
    d.add_integer("date", day)
    d.add_float("recency", rec)
    d.add_text("title", title)
    for _ in range(TITLE_REPEAT):
        d.add_text("body", head)
    d.add_text("body", text)
    d.add_text("py", py)
    d.add_bytes("data", data)
    return d


# --- worker processes for bulk builds -----------------------------------------------------------------

_worker_norm: Normaliser | None = None


def _init_worker(words: list[Any], synonyms: list[tuple[str, str]]) -> None:
    global _worker_norm
    _worker_norm = Normaliser(words, synonyms)


_worker_produce: Callable[[Any], list[IndexDoc]] | None = None


def _prepare_batch(batch: Any) -> list[Prepared]:
    assert _worker_norm is not None
    docs = _worker_produce(batch) if _worker_produce is not None else batch
    return [prepare(d, _worker_norm) for d in docs]


Atom = tuple[tuple[str, str], Any]  # (field, value) and its tantivy query
MAX_EXPANSION = 16  # conjunctions a query may be expanded into (see SearchIndex.build_query)
PHRASE_EXTRA = 20  # candidates beyond a page that a quoted phrase may need (some fail the check)
# A full rebuild on two cores: this process prepares the documents (normalisation, the head's jieba words
# and pinyin) in its Python thread while ONE tantivy thread indexes them; the two cost about the same
# (~0.13 ms per document each at 1M), so each has a core. Measured: worker processes to normalise cost
# ~25 % more CPU in all (the text pickled there and back) and a second tantivy thread ~5-10 % more (two
# segments being built, competing with the Python thread for the cores); both were slower. 400 MB gives
# a handful of segments at 1M and no merges; a larger budget did not use less CPU.
BULK_HEAP = 400_000_000
BULK_THREADS = 1
BULK_WORKERS = 1


def _alternatives(options: Iterable[Iterable[list[str]]]) -> list[list[str]]:
    """The piece sets of a unit's alternatives (each alternative: its words' pieces), without duplicates
    and without those that contain all the pieces of another (征收土地, 土地征收 → one; 宅基地 makes
    农村宅基地 needless: whatever has the longer one has the shorter)."""
    sets: list[frozenset[str]] = []
    order: list[list[str]] = []
    for words in options:
        pieces = [p for w in words for p in w]
        key = frozenset(pieces)
        if key and key not in sets:
            sets.append(key)
            order.append(list(dict.fromkeys(pieces)))
    return [p for p, k in zip(order, sets, strict=True) if not any(o < k for o in sets)]


def _conjunction(atoms: list[Atom]) -> Any:
    unique = list({key: q for key, q in atoms}.values())
    if len(unique) == 1:
        return unique[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in unique])


@dataclass
class Hit:
    key: str
    score: float
    data: dict[str, Any]


@dataclass
class RawResults:
    count: int
    hits: list[Hit]
    facets: dict[str, list[tuple[Any, int]]]


class SearchIndex:
    """A tantivy index in ``directory`` (created on first use)."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory) / SCHEMA_VERSION
        self.directory.mkdir(parents=True, exist_ok=True)
        self.schema = build_schema()
        self.index = tantivy.Index(self.schema, path=str(self.directory))
        self.index.register_tokenizer(BODY_ANALYZER, body_analyzer())
        self._reloaded = 0.0
        self._lock = threading.Lock()

    # --- writing ---

    @contextlib.contextmanager
    def writer(
        self, *, wait: bool = True, heap: int = 200_000_000, threads: int = 0
    ) -> Iterator[Writer | None]:
        """The one writer (yields None when ``wait`` is false and another process is writing)."""
        lock_path = self.directory / ".gongkai-writer.lock"
        with open(lock_path, "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield None
                return
            try:
                w = self.index.writer(heap_size=heap, num_threads=threads)
                try:
                    yield Writer(self, w)
                except BaseException:
                    w.rollback()
                    raise
                finally:
                    del w
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        self.reload(force=True)

    # --- reading ---

    def reload(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._reloaded > 1.0:
            with self._lock:
                self.index.reload()
                self._reloaded = now

    def searcher(self) -> Any:
        self.reload()
        return self.index.searcher()

    def num_docs(self) -> int:
        return int(self.searcher().num_docs)

    def terms(self, field_name: str, prefix: str, limit: int = 10) -> list[tuple[str, int]]:
        return list(self.searcher().terms_with_prefix(field_name, prefix, limit=limit))

    # --- queries ---
    #
    # A word must be in the body field (the head and the text as 2-character pieces: the pieces that
    # cover it must all be there; a title word counts TITLE_REPEAT times). A quoted phrase finds the
    # documents with the pieces that cover it, and the hits are checked against the text before they are
    # shown. Synonyms are alternatives of a unit; alternatives with the same pieces (征收土地, 土地征收)
    # are searched once.

    def _term(self, field_name: str, value: str) -> Any:
        return tantivy.Query.term_query(self.schema, field_name, value)

    def _atoms(self, pieces: Iterable[str]) -> list[Atom]:
        out = []
        for piece in dict.fromkeys(pieces):
            if len(piece) == 1:  # a lone character: any piece that starts with it
                query = tantivy.Query.regex_query(self.schema, "body", re.escape(piece) + ".")
            else:
                query = self._term("body", piece)
            out.append((("body", piece), query))
        return out

    def _unit(self, unit: Any) -> list[list[Atom]]:
        """The alternatives of a unit, each the pieces that must all be there."""
        if unit.phrase:  # the pieces that cover the phrase; the hits are checked against the text
            return [self._atoms(normalise.cover(unit.text))]
        return [
            self._atoms(p) for p in _alternatives([normalise.cover(w) for w in a] for a in unit.alternatives)
        ]

    def _filter(self, name: str, value: Any) -> Atom:
        Q, Occur = tantivy.Query, tantivy.Occur
        if name == "year":
            return (("year", str(value)), Q.term_query(self.schema, "year", int(value)))
        if isinstance(value, (list, tuple)):
            either = Q.boolean_query([(Occur.Should, self._term(name, str(v))) for v in value])
            return ((name, ",".join(map(str, value))), either)
        field_name = "agencies" if name == "agency" else name
        return ((field_name, str(value)), self._term(field_name, str(value)))

    def build_query(
        self, parsed: ParsedQuery, norm: Normaliser | None = None, filters: dict[str, Any] | None = None
    ) -> Any:
        """Every clause must match: a unit of the query (any of its alternatives), the pinyin, a filter.

        A clause with alternatives (synonyms, pinyin) nested in a conjunction makes tantivy walk the whole
        union even when another word is rare; so the query is expanded into a disjunction of flat
        conjunctions ((a ∨ b) ∧ c → (a ∧ c) ∨ (b ∧ c)) while that stays small, each driven by its rarest
        term."""
        Q, Occur = tantivy.Query, tantivy.Occur
        clauses: list[list[list[Atom]]] = []
        if parsed.pinyin:
            py = (("py", parsed.pinyin), Q.boost_query(self._term("py", parsed.pinyin), PINYIN_BOOST))
            words = [normalise.cover(parsed.pinyin)] + [normalise.cover(w) for w in parsed.pinyin_words]
            clauses.append([[py], *(self._atoms(p) for p in _alternatives([w] for w in words))])
        for unit in parsed.units:
            clauses.append(self._unit(unit))
        if not clauses:
            return Q.empty_query()
        for name, value in (filters or {}).items():
            if value not in (None, ""):
                clauses.append([[self._filter(name, value)]])
        if math.prod(len(c) for c in clauses) <= MAX_EXPANSION:
            combos = [
                _conjunction([a for alt in combo for a in alt]) for combo in itertools.product(*clauses)
            ]
            return combos[0] if len(combos) == 1 else Q.boolean_query([(Occur.Should, c) for c in combos])
        nested = [
            alts[0] if len(alts) == 1 else Q.boolean_query([(Occur.Should, a) for a in alts])
            for alts in ([_conjunction(alt) for alt in clause] for clause in clauses)
        ]
        return nested[0] if len(nested) == 1 else Q.boolean_query([(Occur.Must, q) for q in nested])

    def search(
        self,
        parsed: ParsedQuery,
        norm: Normaliser,
        *,
        filters: dict[str, Any] | None = None,
        offset: int = 0,
        limit: int = 20,
        order: str = "relevance",
        facets: bool = False,
        keep: Callable[[list[str]], set[str]] | None = None,
    ) -> RawResults:
        """Search; ``keep`` (keys → the keys still public) filters a page before it is returned."""
        searcher = self.searcher()
        query = self.build_query(parsed, norm, filters)
        extra = PHRASE_EXTRA if parsed.phrases else 0  # candidates that may fail the phrase check
        if order == "newest":
            result = searcher.search(query, limit + extra, count=True, order_by_field="date", offset=offset)
            ranked = result.hits
        elif offset + limit <= RESCORE_WINDOW:
            # relevance with recency: the first RESCORE_WINDOW hits by BM25, re-ordered by BM25 × the
            # recency weight (Elasticsearch's rescore window; weighting every match costs a fast-field
            # read per matching document, as much again as the search itself for frequent words)
            result = searcher.search(query, RESCORE_WINDOW, count=True)
            weights = searcher.fast_field_values("recency", [a for _, a in result.hits])
            ranked = sorted(
                (
                    (score * math.log2(2.0 + max(0.0, w or 0.0)), a)
                    for (score, a), w in zip(result.hits, weights, strict=True)
                ),
                key=lambda sa: -sa[0],
            )[offset:]
        else:  # beyond the window: BM25 order
            result = searcher.search(query, limit + extra, count=True, offset=offset)
            ranked = result.hits
        count = int(result.count)
        hits: list[Hit] = []
        for score, address in ranked:
            doc = searcher.doc(address)
            data = json.loads(doc.get_first("data"))
            if "text" not in data:
                data["text"] = doc.get_all("body")[-1]
            if parsed.phrases:  # the index found the pieces of each phrase: is the phrase itself there?
                text = (data["title"] + data["text"]).lower()
                if not all(p in text for p in parsed.phrases):
                    count -= 1
                    continue
            hits.append(Hit(key=doc.get_first("key"), score=float(score), data=data))
            if len(hits) == limit:
                break
        if keep is not None and hits:
            public = keep([h.key for h in hits])
            gone = [h for h in hits if h.key not in public]
            if gone:
                count = max(0, count - len(gone))
                hits = [h for h in hits if h.key in public]
        found: dict[str, list[tuple[Any, int]]] = {}
        if facets and count:
            aggs = searcher.aggregate(
                query, {name: {"terms": {"field": name, "size": 50}} for name in FACET_FIELDS}
            )
            for name in FACET_FIELDS:
                buckets = aggs.get(name, {}).get("buckets", [])
                found[name] = [(b["key"], int(b["doc_count"])) for b in buckets if b["key"] not in ("", 0)]
        return RawResults(count=count, hits=hits, facets=found)

    def count(self, parsed: ParsedQuery, norm: Normaliser) -> int:
        return int(self.searcher().search(self.build_query(parsed, norm), 1, count=True).count)


class Writer:
    def __init__(self, index: SearchIndex, w: Any) -> None:
        self.index = index
        self.w = w

    def delete(self, key: str) -> None:
        self.w.delete_documents_by_term("key", key)

    def upsert(self, doc: IndexDoc, norm: Normaliser) -> None:
        self.delete(doc.key)
        self.w.add_document(_document(prepare(doc, norm)))

    def delete_all(self) -> None:
        self.w.delete_all_documents()

    def add_prepared(self, prepared: Prepared) -> None:
        self.w.add_document(_document(prepared))

    def commit(self) -> None:
        self.w.commit()

    def bulk(
        self,
        batches: Iterable[list[IndexDoc]],
        *,
        words: list[Any],
        synonyms: list[tuple[str, str]],
        workers: int | None = None,
        progress: Callable[[int], None] | None = None,
        produce: Callable[[Any], list[IndexDoc]] | None = None,
        norm: Normaliser | None = None,
    ) -> int:
        """Add documents in batches, prepared in this process (``workers`` ≤ 1, the default: see
        ``BULK_WORKERS``) or by ``workers`` processes.

        ``produce`` (optional) turns each batch into documents (the benchmark generates its corpus there);
        ``norm``: a normaliser of ``words`` and ``synonyms`` the caller already has (in this process)."""
        global _worker_produce
        _worker_produce = produce
        workers = workers if workers is not None else BULK_WORKERS
        added = 0
        if workers <= 1:
            norm = norm or Normaliser(words, synonyms)
            add, w = _document, self.w
            for batch in batches:
                batch = produce(batch) if produce is not None else batch
                for d in batch:
                    w.add_document(add(prepare(d, norm)))
                added += len(batch)
                if progress:
                    progress(len(batch))
            return added
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers, initializer=_init_worker, initargs=(words, synonyms)) as pool:
            for prepared in pool.imap(_prepare_batch, batches, chunksize=1):
                for p in prepared:
                    self.add_prepared(p)
                added += len(prepared)
                if progress:
                    progress(len(prepared))
        return added
