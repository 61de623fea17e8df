"""Benchmark of Gongkai's search (gongkai.search) against raw tantivy and a LIKE scan, on one corpus.

Generates N documents of Chinese government text (titles and ~1,200-character bodies from templates with
land and place vocabulary: expropriation notices, compensation plans, normative documents, Q&A, reports),
stores them in SQLite (the LIKE baseline and the "is it still public?" check), builds Gongkai's tantivy
index with Gongkai's own code (normalisation, jieba-rs search-mode tokens, pinyin, worker processes),
then runs a mixed query set (2-character words, multi-word queries, quoted phrases, rare and frequent
terms, pinyin, with and without filters; top 20) through:

- **Gongkai**: ``SearchIndex.search`` exactly as ``engine.search`` calls it — parsing and normalising
  the query, synonyms, recency weighting, filters, reading the 20 stored hits, the one-query public check
  (here against the SQLite table) and the highlighted snippets. Facets are off, as in the API; a second
  run with facets on is reported as well.
- **raw tantivy**: the same index, a hand-built query (the query's words as required body terms, the same
  filters), BM25 top 20 — no normalisation, no stored documents, no snippets: the engine's limit.
- **LIKE scan**: ``text LIKE '%word%'`` for every word (plus the filters) over the SQLite table, newest
  first, top 20 (what small CMSs do). At large N it may be sampled (``--like-queries``).

    .venv/bin/python bench/search.py --n 100000
    .venv/bin/python bench/search.py --n 1000000 --like-queries 40

Nothing here imports Django: the modules under test (gongkai.search.normalise, gongkai.search.index) are
pure by contract.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import tantivy

from gongkai.search import normalise
from gongkai.search.index import (
    BULK_HEAP,
    BULK_THREADS,
    BULK_WORKERS,
    SCHEMA_VERSION,
    IndexDoc,
    SearchIndex,
)
from gongkai.search.normalise import Normaliser

# --------------------------------------------------------------------------------------------------------
# vocabulary of the corpus
# --------------------------------------------------------------------------------------------------------

CITIES = {
    "长沙市": ["长沙县", "浏阳市", "宁乡市", "望城区", "雨花区", "岳麓区"],
    "株洲市": ["醴陵市", "攸县", "茶陵县", "炎陵县", "渌口区"],
    "湘潭市": ["湘潭县", "湘乡市", "韶山市", "雨湖区"],
    "衡阳市": ["衡阳县", "衡南县", "衡山县", "衡东县", "祁东县", "耒阳市", "常宁市"],
    "邵阳市": ["邵东市", "新邵县", "邵阳县", "隆回县", "洞口县", "武冈市"],
    "岳阳市": ["岳阳县", "华容县", "湘阴县", "平江县", "汨罗市", "临湘市"],
    "常德市": ["安乡县", "汉寿县", "澧县", "临澧县", "桃源县", "石门县", "津市市"],
    "郴州市": ["桂阳县", "宜章县", "永兴县", "嘉禾县", "临武县", "汝城县", "资兴市"],
}
TOWN_PARTS = (
    "黄花 安沙 春华 果园 路口 高桥 江背 福临 金井 北山 青山 白沙 集里 永安 官桥 大瑶 沙市 枨冲 关山 淳口"
)
VILLAGE_PARTS = (
    "和平 新屋 石塘 枫树 龙泉 杨柳 金鸡 梅花 桃园 荷叶 竹山 板桥 回龙 双江 高岭 东升 红星 建新 长冲 团山"
)
TOWNS = [t + s for t in TOWN_PARTS.split() for s in ("镇", "街道")]
VILLAGES = [v + s for v in VILLAGE_PARTS.split() for s in ("村", "社区")]
COUNTIES = [(city, county) for city, counties in CITIES.items() for county in counties]

PROJECT = [
    "建设用地",
    "城镇建设用地",
    "交通基础设施",
    "产业园区",
    "安置小区",
    "水利设施",
    "学校扩建",
    "乡村振兴",
]
ITEM_TITLES = [
    "{county}{year}年第{n}批次征收土地预公告",
    "{county}{year}年第{n}批次征收土地公告",
    "{county}{year}年第{n}批次征地补偿安置方案公告",
    "{county}{town}{village}{project}项目征地拆迁补偿公示",
    "关于{county}{year}年第{n}批次{project}用地的批复",
    "{county}{year}年度国土空间规划实施情况公示",
    "{city}{year}年地质灾害防治方案",
    "{county}{town}不动产登记服务指南",
    "{county}{year}年矿业权出让公告",
    "{city}关于{project}用地预审的意见",
]
NORMATIVE_TITLES = [
    "{city}关于进一步规范征地补偿安置工作的通知",
    "{city}集体土地征收补偿办法",
    "{city}国有土地使用权出让管理规定",
    "关于加强耕地保护和占补平衡管理的实施意见",
    "{city}农村宅基地管理办法（试行）",
]
QA_TITLES = [
    "{village}征地补偿款什么时候发放",
    "咨询{county}{town}拆迁安置政策",
    "反映{county}{town}{village}违法占用耕地",
    "{town}宅基地审批需要哪些材料",
]
SENTENCES = [
    "根据《中华人民共和国土地管理法》和《中华人民共和国土地管理法实施条例》的规定，现将有关事项公告如下。",
    "拟征收{county}{town}{village}集体土地{area}公顷，其中农用地{farm}公顷，用于{project}。",
    "征地补偿标准按照{city}人民政府公布的区片综合地价执行，安置补助费和青苗补偿费另行支付。",
    "被征地农民的社会保障费用已足额预存，被征收土地的所有权人、使用权人应当在公告之日起十五个工作日内办理补偿登记。",
    "对征地补偿安置方案有异议的，可以在公告期内向{county}人民政府提出书面意见，并可以申请听证。",
    "本方案已经社会稳定风险评估，土地现状调查结果已由村集体经济组织和村民小组确认。",
    "{county}自然资源局负责组织实施，{town}人民政府和{village}村民委员会予以协助。",
    "永久基本农田保护任务不减少，耕地占补平衡由{county}统筹落实，确保数量不减少、质量不降低。",
    "国土空间总体规划确定的城镇开发边界内，按照详细规划组织实施建设用地供应。",
    "矿业权出让采取挂牌方式，竞买人应当具备相应的资质条件，并按规定缴纳出让收益。",
    "地质灾害隐患点由{town}落实群测群防责任人，汛期实行二十四小时值班制度。",
    "不动产登记实行一窗受理、并行办理，办理时限压缩至五个工作日以内。",
    "农村宅基地申请由{village}村民小组讨论通过后报{town}人民政府审批，一户只能拥有一处宅基地。",
    "违法占用耕地建房的，由{county}自然资源局依法责令限期拆除，恢复土地原状。",
    "本通知自发布之日起施行，有效期五年，此前有关规定与本通知不一致的，以本通知为准。",
    "联系电话：0731-8{n}{n}{n}{n}{n}{n}{n}，联系地址：{city}{county}行政中心。",
]
TYPES = [("item", 0.62), ("normative", 0.08), ("qa", 0.2), ("land", 0.08), ("report", 0.02)]
STATUSES = ["in_force", "in_force", "in_force", "amended", "expired", "repealed"]


def agencies() -> list[tuple[str, list[str], str]]:
    out = [("430S00", ["430S00"], "湖南省自然资源厅")]
    for ci, (city, counties) in enumerate(CITIES.items(), start=1):
        ccode = f"43{ci:02d}S0"
        out.append((ccode, ["430S00", ccode], f"{city}自然资源和规划局"))
        for ki, county in enumerate(counties, start=21):
            out.append((f"43{ci:02d}{ki}S", ["430S00", ccode, f"43{ci:02d}{ki}S"], f"{county}自然资源局"))
    return out


AGENCIES = agencies()
BY_COUNTY = {name.removesuffix("自然资源局"): (code, path, name) for code, path, name in AGENCIES}


_KINDS = [t for t, _ in TYPES]
_CUM_WEIGHTS = list(itertools.accumulate(w for _, w in TYPES))
_DAY0 = date(2015, 1, 1).toordinal()


def _below(bits: Callable[[int], int], n: int) -> int:
    """``Random._randbelow(n)`` (what ``choice``, ``randrange`` and ``randint`` draw), inlined: the same
    draws, so the same corpus as with those calls, at half the cost."""
    k = n.bit_length()
    r = bits(k)
    while r >= n:
        r = bits(k)
    return r


def make_doc(i: int, seed: int) -> tuple[IndexDoc, bool]:
    """Document ``i`` of the corpus (and whether it is still public). The random draws are those of
    ``random.choice``/``choices``/``randrange``/``randint``/``uniform`` in this order, inlined."""
    rnd = random.Random(seed * 1_000_003 + i)
    bits, rand = rnd.getrandbits, rnd.random
    kind = _KINDS[bisect.bisect(_CUM_WEIGHTS, rand() * (_CUM_WEIGHTS[-1] + 0.0), 0, len(_KINDS) - 1)]
    city, county = COUNTIES[_below(bits, len(COUNTIES))]
    town = TOWNS[_below(bits, len(TOWNS))]
    village = VILLAGES[_below(bits, len(VILLAGES))]
    project = PROJECT[_below(bits, len(PROJECT))]
    day = date.fromordinal(_DAY0 + _below(bits, 4380))
    fill = {
        "city": city,
        "county": county,
        "town": town,
        "village": village,
        "project": project,
        "year": day.year,
        "n": 1 + _below(bits, 9),
        "area": f"{0.5 + (80 - 0.5) * rand():.4f}",
        "farm": f"{0.1 + (20 - 0.1) * rand():.4f}",
    }
    if kind == "report":
        title = f"{county}自然资源局{day.year}年政府信息公开工作年度报告"
    elif kind == "land":
        title = f"{county}{day.year}年第{fill['n']}批次"
    else:
        titles = {"normative": NORMATIVE_TITLES, "qa": QA_TITLES}.get(kind, ITEM_TITLES)
        title = titles[_below(bits, len(titles))].format(**fill)
    formatted: list[str | None] = [None] * len(SENTENCES)  # each sentence formatted once per document
    body, size = [], 0
    while size < 1200:
        j = _below(bits, len(SENTENCES))
        s = formatted[j]
        if s is None:
            s = formatted[j] = SENTENCES[j].format(**fill)
        body.append(s)
        size += len(s)
    code, path, name = BY_COUNTY[county] if rand() < 0.8 else AGENCIES[_below(bits, len(AGENCIES))]
    doc = IndexDoc(
        key=f"item:{i}",
        type=kind,
        title=title,
        body="".join(body)[:1300],
        url=f"/gk/{code}/info/{i}/",
        agency=code,
        agency_name=name,
        agencies=path,
        day=day,
        category=kind,
        status=STATUSES[_below(bits, len(STATUSES))] if kind == "normative" else "",
    )
    return doc, rand() > 0.01  # ~1 % withdrawn since indexing: the public check drops them


def dictionary() -> tuple[list[Any], list[tuple[str, str]]]:
    words: list[Any] = [*normalise.builtin_terms(), *TOWNS, *VILLAGES]
    for city, counties in CITIES.items():
        words += [city, *counties]
    return words, normalise.builtin_synonyms()


# --------------------------------------------------------------------------------------------------------
# the corpus in SQLite, the index
# --------------------------------------------------------------------------------------------------------


def build_sqlite(path: Path, n: int, seed: int, batch: int = 5000) -> float:
    t0 = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, type TEXT, agencies TEXT, year INT, day TEXT,"
        " status TEXT, public INT, text TEXT)"
    )
    for start in range(0, n, batch):
        rows = []
        for i in range(start, min(n, start + batch)):
            d, public = make_doc(i, seed)
            assert d.day is not None
            rows.append(
                (
                    i,
                    d.type,
                    "/" + "/".join(d.agencies) + "/",
                    d.day.year,
                    d.day.isoformat(),
                    d.status,
                    int(public),
                    normalise.search_text(d.title + "\n" + d.body),
                )
            )
        db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?)", rows)
        db.commit()
    db.close()
    return time.perf_counter() - t0


def produce(span: tuple[int, int, int]) -> list[IndexDoc]:
    start, stop, seed = span
    return [make_doc(i, seed)[0] for i in range(start, stop)]


def generation_cost(seed: int, sample: int = 5000) -> float:
    """Seconds per document spent generating it (measured here, in one process)."""
    t = time.perf_counter()
    produce((0, sample, seed))
    return (time.perf_counter() - t) / sample


class ThreadCPU:
    """CPU seconds of this process's threads by name (Linux: ``/proc/self/task``), sampled every half
    second while a build runs (tantivy's indexing threads end at each commit, so they are sampled)."""

    def __init__(self) -> None:
        self.seconds: dict[tuple[str, str], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/comm") as f:
                    name = f.read().strip()
                with open(f"/proc/self/task/{tid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:  # the thread ended
                continue
            self.seconds[(tid, name)] = (int(fields[11]) + int(fields[12])) / tick

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def __enter__(self) -> ThreadCPU:
        if os.path.isdir("/proc/self/task"):
            self._sample()
            self.start = dict(self.seconds)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
            self._sample()

    def by_group(self) -> dict[str, float]:
        """Seconds used during the build: the Python thread, tantivy's indexing threads, the rest."""
        out: dict[str, float] = {}
        for (tid, name), value in self.seconds.items():
            group = (
                "Python thread (generate, normalise, add)"
                if name.startswith("python")
                else "tantivy indexing"
                if name.startswith("thrd-tantivy-in")
                else "tantivy store compression and merges"
            )
            out[group] = out.get(group, 0.0) + value - self.start.get((tid, name), 0.0)
        return out


def build_index(directory: Path, n: int, seed: int, workers: int) -> tuple[float, float, SearchIndex]:
    """Returns (seconds, estimated seconds of corpus generation inside them, index). The documents are
    generated batch by batch where they are prepared (in this process by default, as ``gongkai reindex``
    reads them from the database; in the worker processes with ``--workers N``)."""
    words, synonyms = dictionary()
    index = SearchIndex(directory)
    gen = generation_cost(seed) * n / max(1, workers)
    batches = ((start, min(n, start + 2000), seed) for start in range(0, n, 2000))

    cpu0 = build_cpu()
    t0 = time.perf_counter()
    with ThreadCPU() as threads, index.writer(heap=BULK_HEAP, threads=BULK_THREADS) as w:  # as reindex
        assert w is not None
        done = 0

        def progress(k: int) -> None:
            nonlocal done
            done += k
            if done % 100_000 < k:
                print(f"  indexed {done:,} ({done / (time.perf_counter() - t0):,.0f} docs/s)", flush=True)

        w.bulk(batches, words=words, synonyms=synonyms, workers=workers, progress=progress, produce=produce)  # type: ignore[arg-type]
        w.commit()
        w.w.wait_merging_threads()
    seconds = time.perf_counter() - t0
    cpu = build_cpu() - cpu0
    print(
        f"index build CPU (this process with tantivy's threads, and the workers): {cpu:.1f} s "
        f"= {cpu / n * 1000:.3f} ms per document → ≈ {2 * n / cpu:,.0f} docs/s on 2 idle cores if it "
        f"split evenly (≈ {2 * n / (cpu - gen * workers):,.0f} without generating the corpus)"
    )
    groups = threads.by_group()
    if groups:
        print(
            "  by thread: "
            + "; ".join(f"{k} {v / n * 1000:.3f} ms/doc" for k, v in groups.items())
            + (
                f" → the two main threads run in parallel: ≈ {n / max(groups.values()):,.0f} docs/s "
                "on 2 idle cores"
                if workers <= 1
                else ""
            )
        )
    return seconds, gen, index


def build_cpu() -> float:
    """CPU seconds used so far by this process (all its threads) and its finished children (the workers):
    unlike the wall time, independent of other work on the machine."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def cpu_cost(seed: int, sample: int = 3000) -> str:
    """CPU time per document of normalising and adding it (one process, an in-memory index): what the
    build costs independently of other load on the machine."""
    from gongkai.search.index import BODY_ANALYZER, _document, body_analyzer, build_schema, prepare

    words, synonyms = dictionary()
    norm = Normaliser(words, synonyms)
    docs = produce((0, sample, seed))
    ram = tantivy.Index(build_schema())
    ram.register_tokenizer(BODY_ANALYZER, body_analyzer())
    writer = ram.writer(heap_size=100_000_000, num_threads=1)
    t = time.process_time()
    for d in docs:
        writer.add_document(_document(prepare(d, norm)))
    writer.commit()
    per_doc = (time.process_time() - t) / sample
    return (
        f"CPU per document (normalise, tokens, pinyin, add; one process, one tantivy thread, no corpus "
        f"generation): {per_doc * 1000:.2f} ms → ≈ {2 / per_doc:,.0f} docs/s on 2 idle cores if it split "
        "evenly"
    )


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --------------------------------------------------------------------------------------------------------
# queries
# --------------------------------------------------------------------------------------------------------


def query_set(seed: int, n: int = 250) -> list[tuple[str, str, dict[str, Any]]]:
    """(category, text, filters)."""
    rnd = random.Random(seed)
    county = lambda: rnd.choice(COUNTIES)[1]  # noqa: E731
    two = [
        "征地",
        "拆迁",
        "补偿",
        "安置",
        "耕地",
        "听证",
        "矿山",
        "规划",
        "登记",
        "宅基",
        "公告",
        "土地",
        "农田",
        "地价",
    ]
    frequent = ["公告", "土地", "征收", "人民政府", "补偿", "自然资源局"]
    rare = [*rnd.sample(VILLAGES, 10), *rnd.sample(TOWNS, 10)]
    out: list[tuple[str, str, dict[str, Any]]] = []
    for _ in range(50):
        out.append(("2-char word", rnd.choice(two), {}))
    for _ in range(40):
        out.append(
            (
                "words",
                f"{county()} {rnd.choice(['征地补偿', '安置方案', '宅基地', '地质灾害', '矿业权'])}",
                {},
            )
        )
    for _ in range(30):
        out.append(
            (
                "quoted phrase",
                "“"
                + rnd.choice(["补偿安置方案", "区片综合地价", "耕地占补平衡", "征收土地公告", "城镇开发边界"])
                + "”",
                {},
            )
        )
    for _ in range(30):
        out.append(("rare", rnd.choice(rare) + rnd.choice(["", " 征地"]), {}))
    for _ in range(25):
        out.append(("frequent", rnd.choice(frequent), {}))
    for _ in range(20):
        out.append(
            (
                "pinyin",
                rnd.choice(["zhengdi", "chaiqian", "zhaijidi", "changshaxian", "liuyangshi", "zd", "bcaz"]),
                {},
            )
        )
    for _ in range(55):
        f: dict[str, Any] = rnd.choice(
            [
                {"type": "normative"},
                {"type": "qa"},
                {"year": rnd.randint(2015, 2026)},
                {"agency": rnd.choice(AGENCIES)[0]},
                {"type": "item", "year": rnd.randint(2015, 2026)},
                {"type": "normative", "status": "in_force"},
            ]
        )
        out.append(("with filters", rnd.choice(two + frequent + rare[:5]), f))
    return out[:n]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


CPU: dict[str, list[float]] = {}


def timed(run: Callable[[], Any], name: str = "") -> float:
    """Wall milliseconds of one call; its CPU milliseconds (this thread: tantivy searches in the calling
    thread) go to ``CPU[name]`` — unlike the wall time, they do not grow with other load on the machine."""
    c, t = time.thread_time(), time.perf_counter()
    run()
    wall, cpu = (time.perf_counter() - t) * 1000, (time.thread_time() - c) * 1000
    CPU.setdefault(name, []).append(cpu)
    return wall


def bench(args: argparse.Namespace) -> None:
    root = Path(args.dir)
    if root.exists() and not args.keep:
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    dbpath, idxdir = root / "corpus.sqlite3", root / "index"
    print(
        f"# {args.n:,} documents — {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    if not dbpath.exists():
        t = build_sqlite(dbpath, args.n, args.seed)
        print(f"corpus into SQLite: {t:.1f} s ({args.n / t:,.0f} docs/s)", flush=True)
    if not (idxdir / SCHEMA_VERSION / "meta.json").exists() or not args.keep:
        seconds, gen, index = build_index(idxdir, args.n, args.seed, args.workers)
        print(
            f"index build: {seconds:.1f} s = {args.n / seconds:,.0f} docs/s "
            f"(included: generating the corpus, ~{gen:.1f} s of CPU, standing in for reading the database); "
            f"load average now {os.getloadavg()[0]:.1f}"
        )
    else:
        index = SearchIndex(idxdir)
    print(cpu_cost(args.seed))
    idx_bytes, db_bytes = size_of(idxdir), dbpath.stat().st_size
    print(f"index size: {idx_bytes / 2**20:,.0f} MiB; SQLite corpus: {db_bytes / 2**20:,.0f} MiB")
    if args.build_only:
        return

    words, synonyms = dictionary()
    norm = Normaliser(words, synonyms)
    db = sqlite3.connect(dbpath, check_same_thread=False)

    def public(keys: list[str]) -> set[str]:
        ids = [int(k.split(":")[1]) for k in keys]
        marks = ",".join("?" * len(ids))
        rows = db.execute(f"SELECT id FROM docs WHERE public=1 AND id IN ({marks})", ids)  # noqa: S608
        return {f"item:{r[0]}" for r in rows}

    queries = query_set(args.seed)
    print(f"queries: {len(queries)} ({', '.join(sorted({c for c, _, _ in queries}))})")
    searcher = index.searcher()
    schema = index.schema
    Q, Occur = tantivy.Query, tantivy.Occur

    def gongkai(text: str, filters: dict[str, Any], facets: bool = False) -> Any:
        parsed = norm.parse(text)
        raw = index.search(parsed, norm, filters=filters, limit=20, facets=facets, keep=public)
        return [normalise.snippet(h.data["text"], parsed.highlight) for h in raw.hits], raw.count

    def raw_tantivy(text: str, filters: dict[str, Any]) -> Any:
        words_ = [w for w in norm.words(normalise.search_text(text.strip("“”")))]
        # the words as the index's body terms: the 2-character pieces that cover each word
        pieces = dict.fromkeys(p for w in words_ for p in normalise.cover(w))
        clauses = [
            (Occur.Must, Q.term_query(schema, "body", p))
            if len(p) == 2
            else (Occur.Must, Q.regex_query(schema, "body", re.escape(p) + "."))
            for p in pieces
        ]
        for name, value in filters.items():
            if name == "year":
                clauses.append((Occur.Must, Q.term_query(schema, "year", int(value))))
            else:
                clauses.append(
                    (Occur.Must, Q.term_query(schema, "agencies" if name == "agency" else name, value))
                )
        return searcher.search(Q.boolean_query(clauses), 20, count=True).count

    def like(text: str, filters: dict[str, Any]) -> Any:
        parsed = norm.parse(text)
        terms = [w for u in parsed.units for w in u.alternatives[0]] or [parsed.pinyin or text]
        where = ["text LIKE ?"] * len(terms)
        params: list[Any] = [f"%{t}%" for t in terms]
        for name, value in filters.items():
            where.append("agencies LIKE ?" if name == "agency" else f"{name} = ?")
            params.append(f"%/{value}/%" if name == "agency" else value)
        sql = f"SELECT id FROM docs WHERE {' AND '.join(where)} ORDER BY day DESC LIMIT 20"  # noqa: S608
        return db.execute(sql, params).fetchall()

    for _cat, text, f in queries[:10]:  # warm up caches (pinyin, segmenter, OS page cache)
        gongkai(text, f)
        raw_tantivy(text, f)
    results: dict[str, list[float]] = {
        "Gongkai": [],
        "Gongkai + facets": [],
        "raw tantivy": [],
        "LIKE scan": [],
    }
    hits = 0
    for _cat, text, f in queries:
        results["Gongkai"].append(timed(partial(gongkai, text, f), "Gongkai"))
        results["Gongkai + facets"].append(timed(partial(gongkai, text, f, True), "Gongkai + facets"))
        results["raw tantivy"].append(timed(partial(raw_tantivy, text, f), "raw tantivy"))
        hits += gongkai(text, f)[1] > 0
    sample = (
        queries if args.like_queries <= 0 else random.Random(args.seed).sample(queries, args.like_queries)
    )
    for _cat, text, f in sample:
        results["LIKE scan"].append(timed(partial(like, text, f), "LIKE scan"))
    print(f"queries with at least one hit (Gongkai): {hits}/{len(queries)}")
    print()
    print(f"| engine ({args.n:,} docs) | queries | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, values in results.items():
        cpu = CPU[name]
        print(
            f"| {name} | {len(values)} | {pct(values, 50):.1f} | {pct(values, 95):.1f} | {max(values):.1f} "
            f"| {pct(cpu, 50):.1f} | {pct(cpu, 95):.1f} |"
        )
    g, r, s = (pct(results[k], 95) for k in ("Gongkai", "raw tantivy", "LIKE scan"))
    gc, rc = (pct(CPU[k], 95) for k in ("Gongkai", "raw tantivy"))
    print()
    print(f"Gongkai p95 / raw tantivy p95 = {g / r:.2f} (target ≤ 1.5); CPU time p95 ratio = {gc / rc:.2f}")
    print(f"LIKE scan p95 / Gongkai p95 = {s / g:.0f}× (target ≥ 20×)")
    by_cat: dict[str, list[float]] = {}
    for (cat, _t, _f), ms in zip(queries, results["Gongkai"], strict=True):
        by_cat.setdefault(cat, []).append(ms)
    print(
        "Gongkai p95 by kind of query: "
        + ", ".join(f"{c} {pct(v, 95):.1f} ms" for c, v in sorted(by_cat.items()))
    )
    print(f"(statistics: mean Gongkai {statistics.mean(results['Gongkai']):.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--workers",
        type=int,
        default=BULK_WORKERS,
        help="processes that generate and prepare the documents (default: this one, as gongkai reindex)",
    )
    parser.add_argument(
        "--like-queries", type=int, default=0, help="sample of queries for the LIKE scan (0: all)"
    )
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "gongkai-bench-search"))
    parser.add_argument("--keep", action="store_true", help="reuse the corpus and index in --dir")
    parser.add_argument("--build-only", action="store_true", help="stop after building the index")
    bench(parser.parse_args())


if __name__ == "__main__":
    main()
