"""Text normalisation for search: pure (no Django), the same for documents and queries.

- :func:`display_text` — what snippets show: cleaned, traditional → simplified (OpenCC ``t2s``),
  full-width letters and digits → half-width, compatibility characters (①, ㎡, CJK compatibility
  ideographs) → NFKC. Chinese punctuation is kept. Length is kept wherever OpenCC keeps it.
- :func:`search_text` — the same, lower-cased: the text tokens and the database fallback are made from.
- :class:`Normaliser` — segmentation (jieba's dictionary through jieba-rs, search mode, plus a domain
  dictionary the caller passes: land and natural-resources terms, the places of the agency tree, the
  words administrators add), pinyin (full and initials) of words, synonyms, homophone typo correction
  ("did you mean") and the parsing of a query into what the engine searches for.

Titles (with place names and document numbers) are indexed as the search-mode tokens of
:func:`search_text` joined by spaces (the index splits on whitespace): a query is segmented here in exactly
the same way. The long text is indexed as overlapping 2-character pieces by the index itself (Rust);
:func:`bigrams` and :func:`cover` cut a query word the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from pypinyin import lazy_pinyin

from gongkai.core.text import clean_text

_rjieba: Any
try:  # jieba-rs: the same dictionary and algorithm as jieba, fast enough for a million documents
    import rjieba as _rjieba
except ImportError:  # pragma: no cover - the pure-Python jieba (a dependency) does the same, slower
    _rjieba = None

try:
    import opencc as _opencc

    _T2S: Any = _opencc.OpenCC("t2s")
except ImportError:  # pragma: no cover - opencc is a dependency; without it traditional stays as is
    _T2S = None


# --- characters ---------------------------------------------------------------------------------------

# Full-width ASCII (U+FF01..U+FF5E) → ASCII, except the punctuation Chinese text uses as its own.
_KEEP = set("，。：；？！（）")
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP}
_WIDTH[0x3000] = 0x20  # ideographic space
_WIDE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _WIDTH) + "]+")
# Compatibility characters NFKC may safely fold: number forms, enclosed alphanumerics (①), enclosed CJK and
# CJK compatibility (㎡, ㈠), CJK compatibility ideographs, small form variants.
_COMPAT = re.compile("[\u2150-\u218f\u2460-\u24ff\u3200-\u33ff\uf900-\ufaff\ufe50-\ufe6f]")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDLIKE = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PINYIN_QUERY = re.compile(r"^[a-z][a-z' ]*$")
_QUOTED = re.compile(r"[\"“”「」『』]([^\"“”「」『』]+)[\"“”「」『』]")

_PUNCT = " \t\n，。、；：？！“”‘’（）《》〈〉【】〔〕…—·,.;:?!\"'()[]{}<>/\\|-_+=*&^%$#@~`"
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "之",
        "在",
        "对",
        "是",
        "或",
        "等",
        "将",
        "把",
        "被",
        "也",
        "就",
        "都",
        "而",
        "并",
        "其",
    ]
)


_DROP = STOPWORDS | frozenset(_PUNCT)
HEAD_CACHE = 200_000  # heads whose segmentation and pinyin a Normaliser remembers (then it starts again)


def to_simplified(text: str) -> str:
    return _T2S.convert(text) if _T2S is not None and text else text


def half_width(text: str) -> str:
    if _WIDE.search(text):  # translate only the runs that need it (translate is slow on CJK text)
        text = _WIDE.sub(lambda m: m.group().translate(_WIDTH), text)
    if _COMPAT.search(text):
        text = _COMPAT.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text


_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\r]")


def _clean(text: str) -> str:
    # clean_text, skipped when it would change nothing (NFC on Chinese text is slow; the check is not)
    if unicodedata.is_normalized("NFC", text) and not _UNSAFE.search(text):
        return text
    return clean_text(text)


_SPECIAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\r"
    + _WIDE.pattern[1:-2]
    + _COMPAT.pattern[1:-1]
    + "]"
)


def display_text(text: str) -> str:
    """Cleaned, simplified, half-width: the text snippets are cut from."""
    if _SPECIAL.search(text) is None and unicodedata.is_normalized("NFC", text):
        return to_simplified(text)  # the common case: one scan, then OpenCC
    return half_width(to_simplified(_clean(text)))


def search_text(text: str) -> str:
    """:func:`display_text`, lower-cased (Latin letters only change)."""
    return display_text(text).lower()


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


# --- 2-character pieces (the body field) ----------------------------------------------------------------
#
# The long text of a document is indexed as every overlapping pair of characters of its search text
# (征地拆迁 → 征地, 地拆, 拆迁), by tantivy's own n-gram tokenizer in Rust — Elasticsearch's cjk analyzer
# does the same. A word of the query is then found through its pieces: these two functions are the
# query side of that tokenizer and must cut exactly as it does (characters, not bytes; no position).


def bigrams(text: str) -> list[str]:
    """Every overlapping 2-character piece (a 1-character text is its own piece)."""
    if len(text) < 2:
        return [text] if text else []
    return [text[i : i + 2] for i in range(len(text) - 1)]


def cover(text: str) -> list[str]:
    """The fewest pieces that cover the text: at 0, 2, 4 … and the last pair (征收土地 → 征收, 土地;
    自然资源局 → 自然, 资源, 源局). A document holding them all very likely holds the word."""
    if len(text) < 3:
        return [text] if text else []
    pieces = [text[i : i + 2] for i in range(0, len(text) - 1, 2)]
    if len(text) % 2:
        pieces.append(text[-2:])
    return pieces


# --- pinyin --------------------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def pinyin(word: str) -> tuple[str, str]:
    """Full pinyin without tones and the initials of a word: 征地 → ("zhengdi", "zd")."""
    syllables = lazy_pinyin(word, errors="ignore")
    return "".join(syllables), "".join(s[0] for s in syllables if s)


@lru_cache(maxsize=50_000)
def syllables(text: str) -> tuple[str, ...]:
    """One toneless syllable per Chinese character (text must be Chinese characters only)."""
    return tuple(lazy_pinyin(text))


def compact_pinyin(query: str) -> str | None:
    """The query as pinyin letters (``Zheng Di`` → ``zhengdi``), or None if it is not pinyin-like."""
    q = query.strip().lower()
    if not _PINYIN_QUERY.match(q):
        return None
    q = q.replace("'", "").replace(" ", "")
    return q if len(q) >= 2 else None


# --- builtin domain dictionary -------------------------------------------------------------------------


def builtin_terms() -> list[str]:
    """The land and natural-resources terms shipped with Gongkai (``search/data/terms.txt``)."""
    text = resources.files("gongkai.search").joinpath("data/terms.txt").read_text(encoding="utf-8")
    return [w for line in text.splitlines() if (w := line.split("#")[0].strip())]


def builtin_synonyms() -> list[tuple[str, str]]:
    text = resources.files("gongkai.search").joinpath("data/synonyms.txt").read_text(encoding="utf-8")
    pairs: list[tuple[str, str]] = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("#")[0].split("=") if p.strip()]
        pairs.extend((parts[0], other) for other in parts[1:])
    return pairs


# --- the parsed query ----------------------------------------------------------------------------------


@dataclass
class Unit:
    """One thing the query asks for: any of its alternatives (a word and its synonyms), each a list of
    words that must all match (``phrase``: in this order, next to each other)."""

    alternatives: list[list[str]]
    phrase: bool = False
    text: str = ""


@dataclass
class ParsedQuery:
    text: str  # the normalised query
    units: list[Unit] = field(default_factory=list)
    pinyin: str | None = None  # the query as pinyin letters, if it looks like pinyin
    pinyin_words: list[str] = field(default_factory=list)  # dictionary words with that pinyin
    phrases: list[str] = field(default_factory=list)  # quoted exact phrases (checked on the text)
    highlight: list[str] = field(default_factory=list)  # what snippets mark

    @property
    def empty(self) -> bool:
        return not self.units and not self.pinyin


# --- the normaliser ------------------------------------------------------------------------------------


class _PyJieba:  # pragma: no cover - used only without rjieba
    def __init__(self) -> None:
        import jieba

        self._t = jieba.Tokenizer()

    def add_word(self, word: str, freq: int | None, tag: str | None) -> None:
        self._t.add_word(word, freq, tag)

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        return list(self._t.cut(text, HMM=hmm))

    def cut_for_search(self, text: str, hmm: bool = True) -> list[str]:
        return list(self._t.cut_for_search(text, HMM=hmm))

    def has_word(self, word: str) -> bool:
        return word in self._t.FREQ and self._t.FREQ[word] > 0


class Normaliser:
    """Segmentation, pinyin, synonyms and typo correction over a domain vocabulary.

    ``words``: the domain dictionary (terms, place names, administrators' words), each a word or
    ``(word, weight)``; ``synonyms``: pairs of equivalent expressions (groups are formed from them);
    ``vocabulary``: further known words with a weight (e.g. frequent title words of the index), used for
    pinyin and typo candidates but not added to the segmenter.
    """

    def __init__(
        self,
        words: Iterable[str | tuple[str, int]] = (),
        synonyms: Iterable[tuple[str, str]] = (),
        vocabulary: Iterable[tuple[str, int]] = (),
    ) -> None:
        self._seg: Any = _rjieba.Jieba() if _rjieba is not None else _PyJieba()
        self._heads: dict[str, tuple[str, str]] = {}  # head_fields, remembered
        self.known: dict[str, int] = {}  # normalised word → weight
        for entry in words:
            word, weight = (entry, 1000) if isinstance(entry, str) else entry
            word = search_text(word).strip()
            if len(word) < 2 or " " in word:
                continue
            self.known[word] = max(self.known.get(word, 0), weight)
            self._seg.add_word(word, None, None)
        self.synonyms: dict[str, set[str]] = {}
        for a, b in synonyms:
            a, b = search_text(a).strip(), search_text(b).strip()
            if not a or not b or a == b:
                continue
            group = self.synonyms.get(a, {a}) | self.synonyms.get(b, {b})
            for member in group:
                self.synonyms[member] = group
        # search mode emits the 2- and 3-character words inside a long word; longer dictionary words inside
        # a longer one (补偿安置方案 in 征地补偿安置方案) are added to the index text from this table
        self.inner: dict[str, list[str]] = {}
        for word in self.known:
            if len(word) >= 5:
                found = [
                    word[i : i + size]
                    for size in range(4, len(word))
                    for i in range(len(word) - size + 1)
                    if word[i : i + size] in self.known
                ]
                if found:
                    self.inner[word] = found
        for word, weight in vocabulary:
            word = search_text(word).strip()
            if len(word) >= 2 and has_cjk(word) and word not in self.known:
                self.known[word] = weight
        # pinyin → words, and syllable sequence → words (homophones)
        self.by_pinyin: dict[str, list[str]] = {}
        self.by_initials: dict[str, list[str]] = {}
        self.by_syllables: dict[tuple[str, ...], list[str]] = {}
        for word in self.known:
            if not _CJK_RUN.fullmatch(word):
                continue
            full, initials = pinyin(word)
            self.by_pinyin.setdefault(full, []).append(word)
            self.by_initials.setdefault(initials, []).append(word)
            self.by_syllables.setdefault(syllables(word), []).append(word)
        tables: list[dict[Any, list[str]]] = [self.by_pinyin, self.by_initials, self.by_syllables]
        for table in tables:
            for found in table.values():
                found.sort(key=lambda w: (-self.known[w], len(w), w))
                del found[20:]

    # --- documents ---

    def tokens(self, text: str, *, normalised: bool = False) -> list[str]:
        """Search-mode tokens (words and the dictionary words inside longer ones), no punctuation."""
        text = text if normalised else search_text(text)
        tokens = [t for t in self._seg.cut_for_search(text, False) if t not in _DROP and _WORDLIKE.search(t)]
        return tokens + [e for t in tokens if t in self.inner for e in self.inner[t]]

    def index_text(self, text: str, *, normalised: bool = False) -> str:
        """The field value for the index (tokens separated by spaces; spaces inside tokens dropped)."""
        text = text if normalised else search_text(text)
        # punctuation and stopwords out by a set lookup; what is left of non-words is harmless in the index
        tokens = [t for t in self._seg.cut_for_search(text, False) if t not in _DROP]
        inner = self.inner
        return " ".join(tokens + [e for t in tokens if t in inner for e in inner[t]])

    def pinyin_text(self, text: str, *, normalised: bool = False) -> str:
        """Full pinyin and initials of each Chinese word of ``text`` (titles and place names)."""
        return self.head_fields(text, normalised=normalised)[1]

    def head_fields(self, text: str, *, normalised: bool = False) -> tuple[str, str]:
        """:meth:`index_text` and :meth:`pinyin_text` of a short text, segmented once. Remembered (heads
        repeat: place names, agency names, numbered series of notices), for this dictionary only."""
        text = text if normalised else search_text(text)
        found = self._heads.get(text)
        if found is None:
            if len(self._heads) >= HEAD_CACHE:
                self._heads.clear()
            found = self._heads[text] = self._head_fields(text)
        return found

    def _head_fields(self, text: str) -> tuple[str, str]:
        inner = self.inner
        tokens = [t for t in self._seg.cut_for_search(text, False) if t not in _DROP]
        tokens += [e for t in tokens if t in inner for e in inner[t]]
        out: list[str] = []
        for token in tokens:
            if len(token) >= 2 and _CJK_RUN.fullmatch(token):
                full, initials = pinyin(token)
                out.append(full)
                out.append(initials)
        return " ".join(tokens), " ".join(out)

    def words(self, text: str) -> list[str]:
        """The words of a query (default mode, no stopwords or punctuation); ``text`` is normalised."""
        return [
            t.replace(" ", "")
            for t in self._seg.cut(text, False)
            if t not in STOPWORDS and _WORDLIKE.search(t) and not t.isspace()
        ]

    def subwords(self, word: str) -> list[str]:
        """The dictionary words inside a longer word (what search mode also indexes)."""
        return [t for t in self._seg.cut_for_search(word, False) if t != word and len(t) >= 2]

    # --- queries ---

    def parse(self, query: str) -> ParsedQuery:
        text = search_text(query).strip()[:200]
        parsed = ParsedQuery(text=text)
        rest = text
        for quoted in _QUOTED.findall(text):
            phrase = quoted.strip()
            words = self.words(phrase)
            if words:
                parsed.units.append(Unit(alternatives=[words], phrase=True, text=phrase))
                parsed.phrases.append(phrase)
                parsed.highlight.append(phrase)
        rest = _QUOTED.sub(" ", rest)
        compact = compact_pinyin(rest) if not parsed.units else None
        if compact:
            parsed.pinyin = compact
            parsed.pinyin_words = self.from_pinyin(compact)
            parsed.highlight.extend(parsed.pinyin_words)
            parsed.highlight.append(rest.strip())
            return parsed
        for chunk in rest.split():
            self._parse_chunk(chunk, parsed)
        return parsed

    def _parse_chunk(self, chunk: str, parsed: ParsedQuery) -> None:
        # words; runs of words that spell a synonym term (征收 土地 → 征收土地) become one unit
        words = self.words(chunk)
        i = 0
        while i < len(words):
            for size in range(min(4, len(words) - i), 0, -1):
                term = "".join(words[i : i + size])
                if term in self.synonyms:
                    group = sorted(self.synonyms[term], key=lambda t: (t != term, t))
                    alternatives = [w for w in (self.words(t) for t in group) if w]
                    parsed.units.append(Unit(alternatives=alternatives, text=term))
                    parsed.highlight.extend(group)
                    i += size
                    break
            else:
                parsed.units.append(Unit(alternatives=[[words[i]]], text=words[i]))
                parsed.highlight.append(words[i])
                i += 1

    def from_pinyin(self, letters: str) -> list[str]:
        """Dictionary words whose full pinyin, or else initials, are these letters."""
        found = self.by_pinyin.get(letters)
        if found:
            return list(found[:5])
        return list(self.by_initials.get(letters, [])[:5])

    def correct(self, query: str) -> str | None:
        """A homophone correction of the query (征地拆前 → 征地拆迁), or None.

        Inside each run of Chinese characters, the longest spans whose syllables are those of a known
        word but whose characters are not become that word (the most frequent one).
        """
        text = search_text(query).strip()
        changed = False

        def fix(run: str) -> str:
            nonlocal changed
            syl = syllables(run)
            if len(syl) != len(run):
                return run
            out, i = [], 0
            while i < len(run):
                for size in range(min(len(run) - i, 8), 1, -1):
                    span = run[i : i + size]
                    candidates = self.by_syllables.get(syl[i : i + size])
                    if not candidates:
                        continue
                    if span in candidates or span in self.known:
                        out.append(span)
                        i += size
                        break
                    if any(c != s for c, s in zip(candidates[0], span, strict=True)):
                        out.append(candidates[0])
                        changed = True
                        i += size
                        break
                else:
                    out.append(run[i])
                    i += 1
            return "".join(out)

        corrected = _CJK_RUN.sub(lambda m: fix(m.group()), text)
        return corrected if changed else None


# --- snippets ------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@lru_cache(maxsize=512)
def _marks(terms: frozenset[str]) -> re.Pattern[str] | None:
    """One pattern for the terms, longest first (so 征地拆迁 is marked whole, not as 征地 + 拆迁)."""
    ordered = sorted((t for t in terms if t and not t.isspace()), key=lambda t: (-len(t), t))
    return re.compile("|".join(re.escape(t) for t in ordered)) if ordered else None


def snippet(text: str, terms: Sequence[str], *, width: int = 110) -> str:
    """An HTML-escaped window of ``text`` around the first term found, every term in ``<mark>``.

    ``text`` is :func:`display_text`; terms are normalised (lower-case). Without a match: the beginning.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter whose lower case has another length
        text = lowered
    wanted = frozenset(terms)
    pattern = _marks(wanted)
    first = -1
    for term in wanted:  # str.find is much faster than the regular expression over the whole text
        if term and not term.isspace():
            pos = lowered.find(term, 0, first + len(term) if first >= 0 else len(lowered))
            if pos >= 0 and (first < 0 or pos < first):
                first = pos
    start = 0 if first < width // 3 else first - width // 3
    end = min(len(text), start + width)
    window, low = text[start:end], lowered[start:end]
    if pattern is None:
        marked = _escape(window)
    else:
        parts, last = [], 0
        for m in pattern.finditer(low):
            parts.append(_escape(window[last : m.start()]))
            parts.append("<mark>" + _escape(window[m.start() : m.end()]) + "</mark>")
            last = m.end()
        parts.append(_escape(window[last:]))
        marked = "".join(parts)
    marked = " ".join(marked.split())
    return ("…" if start > 0 else "") + marked + ("…" if end < len(text) else "")
