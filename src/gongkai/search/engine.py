"""The one search interface of Gongkai (portal page, API, suggestions):

    search(q, types=None, agency=None, year=None, status=None, page=1, per_page=20, order="relevance")
      -> Results(count, results[title, url, type, agency, date, snippet], facets, suggestion)

The engine is tantivy (index under ``GONGKAI_SEARCH_INDEX``, default ``DATA_DIR/search-index``); when
tantivy cannot be imported or its index is empty, the same call runs LIKE queries over the normalised
text of :class:`SearchEntry` (slower, no ranking beyond date; fine for small installations). Either way,
a page of hits is checked against the database before it is returned (:func:`documents.public_keys`),
so a withdrawn item never appears, even before the outbox has been processed.

Moving to OpenSearch/Elasticsearch means another implementation of :func:`_engine_search` behind this
function: see docs/search.md.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import and_, or_
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Max, Q

from gongkai.search import documents, normalise
from gongkai.search.models import DictionaryWord, SearchEntry, Synonym
from gongkai.search.normalise import Normaliser, ParsedQuery

try:
    from gongkai.search.index import SearchIndex

    AVAILABLE = True
except ImportError:  # pragma: no cover - tantivy is a dependency; without it the database answers
    AVAILABLE = False

MAX_PAGE = 50
ORDERS = ("relevance", "newest")


@dataclass
class Result:
    title: str
    url: str
    type: str
    type_label: str
    agency: str
    agency_name: str
    date: date | None
    snippet: str
    key: str = ""
    status: str = ""
    category: str = ""

    def as_api(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "url": self.url,
            "type": self.type,
            "agency": self.agency,
            "date": self.date.isoformat() if self.date else None,
            "snippet": self.snippet,
        }


@dataclass
class Results:
    count: int
    results: list[Result]
    facets: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    query: str = ""
    page: int = 1
    per_page: int = 20
    engine: str = "tantivy"

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, -(-self.count // self.per_page)))


# --- the index and the normaliser (one of each per process) -------------------------------------------

_lock = threading.Lock()
_indexes: dict[str, Any] = {}
_norm: dict[str, Any] = {}
CHECK_EVERY = 30.0  # seconds between checks whether administrators changed the dictionary


def index_directory() -> Path:
    configured = getattr(settings, "GONGKAI_SEARCH_INDEX", None) or os.environ.get("GONGKAI_SEARCH_INDEX")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "search-index"


def get_index() -> SearchIndex | None:
    if not AVAILABLE:
        return None
    path = str(index_directory())
    with _lock:
        if path not in _indexes:
            try:
                _indexes[path] = SearchIndex(path)
            except (OSError, ValueError):
                _indexes[path] = None
        return _indexes[path]


def place_names() -> list[str]:
    from gongkai.orgs.models import Agency

    names: set[str] = set()
    for name, short, division in Agency.objects.values_list("name", "short_name", "division_name"):
        names.update(x for x in (name, short, division) if x)
    if apps.is_installed("gongkai.land"):
        from gongkai.land.models import Place

        names.update(Place.objects.values_list("name", flat=True))
    return sorted(names)


def dictionary() -> tuple[list[Any], list[tuple[str, str]]]:
    """The words and synonym pairs of the segmenter: built in, places, administrators' entries."""
    words: list[Any] = [*normalise.builtin_terms(), *place_names()]
    words += [(w, weight) for w, weight in DictionaryWord.objects.values_list("word", "weight")]
    synonyms = normalise.builtin_synonyms() + list(Synonym.objects.values_list("term", "equivalent"))
    return words, synonyms


def _signature() -> tuple[Any, ...]:
    from gongkai.orgs.models import Agency

    w = DictionaryWord.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    s = Synonym.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    return (w["n"], w["at"], s["n"], s["at"], Agency.objects.count(), str(index_directory()))


def _vocabulary(index: SearchIndex | None) -> list[tuple[str, int]]:
    """Frequent title words of the index: pinyin and typo candidates beyond the dictionary."""
    if index is None:
        return []
    try:
        return [(t, n) for t, n in index.terms("title", "", limit=5000) if len(t) >= 2]
    except ValueError:
        return []


def normaliser() -> Normaliser:
    now = time.monotonic()
    cached = _norm.get("norm")
    if cached is not None and now - _norm["checked"] < CHECK_EVERY:
        return cached
    signature = _signature()
    if cached is not None and signature == _norm["signature"]:
        _norm["checked"] = now
        return cached
    words, synonyms = dictionary()
    norm = Normaliser(words, synonyms, vocabulary=_vocabulary(get_index()))
    _norm.update(norm=norm, signature=signature, checked=now, words=words, synonyms=synonyms)
    return norm


def forget_dictionary() -> None:
    """Rebuild the normaliser at the next search (after administrators changed words or synonyms)."""
    _norm.clear()


# --- search --------------------------------------------------------------------------------------------


def _filters(
    types: Any, agency: str | None, year: int | None, status: str | None, category: str | None
) -> dict[str, Any]:
    t = [types] if isinstance(types, str) else list(types or [])
    return {
        "type": t[0] if len(t) == 1 else (t or None),
        "agency": agency,
        "year": year,
        "status": status,
        "category": category,
    }


def _result(key: str, data: dict[str, Any], parsed: ParsedQuery) -> Result:
    kind = key.split(":", 1)[0]
    return Result(
        title=data["title"],
        url=data["url"],
        type=kind,
        type_label=str(documents.TYPE_LABELS.get(kind, kind)),
        agency=data.get("agency", ""),
        agency_name=data.get("agency_name", ""),
        date=date.fromisoformat(data["date"]) if data.get("date") else None,
        snippet=normalise.snippet(data.get("text", ""), parsed.highlight),
        key=key,
        status=data.get("status", ""),
        category=data.get("category", ""),
    )


def use_index() -> SearchIndex | None:
    index = get_index()
    if index is None:
        return None
    try:
        return index if index.num_docs() > 0 else None
    except ValueError:
        return None


def search(
    q: str,
    *,
    types: Any = None,
    agency: str | None = None,
    year: int | None = None,
    status: str | None = None,
    category: str | None = None,
    page: int = 1,
    per_page: int = 20,
    order: str = "relevance",
    facets: bool = True,
    suggest: bool = True,
) -> Results:
    norm = normaliser()
    parsed = norm.parse(q or "")
    page = max(1, min(int(page or 1), MAX_PAGE))
    per_page = max(1, min(int(per_page or 20), 100))
    order = order if order in ORDERS else "relevance"
    if parsed.empty:
        return Results(count=0, results=[], query=q, page=page, per_page=per_page)
    filters = _filters(types, agency, year, status, category)
    index = use_index()
    if index is not None:
        raw = index.search(
            parsed,
            norm,
            filters=filters,
            offset=(page - 1) * per_page,
            limit=per_page,
            order=order,
            facets=facets,
            keep=documents.public_keys,
        )
        results = [_result(h.key, h.data, parsed) for h in raw.hits]
        out = Results(
            count=raw.count, results=results, facets=raw.facets, query=q, page=page, per_page=per_page
        )
    else:
        out = _db_search(parsed, filters, page=page, per_page=per_page, order=order, facets=facets)
        out.query = q
    if suggest:
        out.suggestion = suggestion(q, parsed, norm, out.count, index)
    return out


def suggestion(q: str, parsed: ParsedQuery, norm: Normaliser, count: int, index: Any) -> str | None:
    """ "您是不是要找": the Chinese word for a pinyin query, or a homophone correction with more hits."""
    if parsed.pinyin:
        return parsed.pinyin_words[0] if parsed.pinyin_words else None
    corrected = norm.correct(q)
    if not corrected or corrected == parsed.text:
        return None
    better = norm.parse(corrected)
    found = index.count(better, norm) if index is not None else _db_query(better).count()
    if found > count:
        return corrected
    # A typed span that is no word falls apart into single characters, which documents that only mention
    # them apart satisfy (征地拆前 → 征地, 拆, 前): more hits than the word it sounds like, none of them
    # what was meant. Then the word is suggested whenever it is found at all.
    loose = {u.text for u in parsed.units if len(u.text) == 1} - {u.text for u in better.units}
    return corrected if found and loose else None


# --- the database fallback -----------------------------------------------------------------------------


def _db_query(parsed: ParsedQuery) -> Any:
    qs = SearchEntry.objects.all()
    if parsed.pinyin:
        options = [Q(pinyin__contains=parsed.pinyin), Q(text__contains=parsed.pinyin)]
        options += [Q(text__contains=w) for w in parsed.pinyin_words]
        qs = qs.filter(reduce(or_, options))
    for unit in parsed.units:
        if unit.phrase:
            qs = qs.filter(text__contains=unit.text)
            continue
        options = [reduce(and_, [Q(text__contains=w) for w in alt]) for alt in unit.alternatives]
        qs = qs.filter(reduce(or_, options))
    return qs


def _db_search(
    parsed: ParsedQuery, filters: dict[str, Any], *, page: int, per_page: int, order: str, facets: bool
) -> Results:
    qs = _db_query(parsed)
    if isinstance(filters.get("type"), list):
        qs = qs.filter(type__in=filters["type"])
    elif filters.get("type"):
        qs = qs.filter(type=filters["type"])
    if filters.get("agency"):
        qs = qs.filter(agencies__contains=f"/{filters['agency']}/")
    for name in ("year", "status", "category"):
        if filters.get(name) not in (None, ""):
            qs = qs.filter(**{name: filters[name]})
    count = qs.count()
    rows = list(qs.order_by("-day", "-id")[(page - 1) * per_page : page * per_page])
    public = documents.public_keys([r.key for r in rows])
    gone = [r for r in rows if r.key not in public]
    results = [
        _result(
            r.key,
            {
                "title": r.title,
                "url": r.url,
                "agency": r.agency,
                "agency_name": r.agency_name,
                "date": r.day.isoformat() if r.day else None,
                "text": r.text,
                "status": r.status,
                "category": r.category,
            },
            parsed,
        )
        for r in rows
        if r.key in public
    ]
    found: dict[str, list[tuple[Any, int]]] = {}
    if facets and count:
        for name in ("type", "agency", "year", "status", "category"):
            found[name] = [
                (v, n)
                for v, n in qs.values_list(name).annotate(n=Count("pk")).order_by("-n").values_list(name, "n")
                if v not in (None, "")
            ]
    return Results(
        count=max(0, count - len(gone)),
        results=results,
        facets=found,
        page=page,
        per_page=per_page,
        engine="database",
    )


# --- suggestions for the search box -------------------------------------------------------------------


def suggest(q: str, limit: int = 8) -> list[dict[str, str]]:
    """Words of the dictionary starting with ``q`` (or whose pinyin does), then matching titles."""
    norm = normaliser()
    text = normalise.search_text(q or "").strip()
    if not text:
        return []
    letters = normalise.compact_pinyin(text)
    words: list[str] = []
    if letters:
        for table in (norm.by_pinyin, norm.by_initials):
            for key, found in table.items():
                if key.startswith(letters):
                    words.extend(found)
    else:
        words = [w for w in norm.known if w.startswith(text) and w != text]
    seen: set[str] = set()
    ranked = sorted(set(words), key=lambda w: (-norm.known.get(w, 0), len(w), w))
    out: list[dict[str, str]] = []
    for w in ranked[: limit // 2]:
        seen.add(w)
        out.append({"text": w, "kind": "word"})
    hits = search(q, per_page=limit - len(out), facets=False, suggest=False)
    for r in hits.results:
        if r.title not in seen:
            seen.add(r.title)
            out.append({"text": r.title, "kind": "title", "url": r.url})
    return out[:limit]
