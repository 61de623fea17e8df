"""The English catalogue: complete, compiled, loaded by Django, and chosen by the visitor's language.

The UI is written in Simplified Chinese; English comes from locale/en/LC_MESSAGES/django.po. These tests
read the .po with a small pure-Python parser (no polib, no gettext tools needed) and compare it with the
compiled .mo.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from tests.factories import AgencyFactory

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif]|%%")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The key GNU gettext uses in the compiled catalogue."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(token: str, lineno: int) -> str:
    if not (len(token) >= 2 and token[0] == '"' and token[-1] == '"'):
        raise ValueError(f"django.po:{lineno}: expected a quoted string, got {token!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), token[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Active (non-obsolete) entries of a .po file, header excluded."""
    entries: list[Entry] = []
    cur: Entry | None = None
    target: tuple[str, int] | None = None  # which field continuation lines append to

    def flush() -> None:
        nonlocal cur, target
        if cur is not None and (cur.msgid or cur.msgstr):
            entries.append(cur)
        cur, target = None, None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):  # obsolete entry
            continue
        if cur is None or (
            line.startswith(("#", "msgctxt", "msgid ")) and target is not None and target[0] == "msgstr"
        ):
            flush()
            cur = Entry(line=lineno)
        if line.startswith("#,"):
            cur.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if target is None:
                raise ValueError(f"django.po:{lineno}: continuation line outside an entry")
            text = _unquote(line, lineno)
            name, idx = target
            if name == "msgstr":
                cur.msgstr[idx] += text
            else:
                setattr(cur, name, getattr(cur, name) + text)
        else:
            keyword, _, rest = line.partition(" ")
            m = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword in ("msgid", "msgid_plural", "msgctxt"):
                setattr(cur, keyword, _unquote(rest.strip(), lineno))
                target = (keyword, 0)
            elif keyword == "msgstr" or m:
                idx = int(m.group(1)) if m else 0
                cur.msgstr[idx] = _unquote(rest.strip(), lineno)
                target = ("msgstr", idx)
            else:
                raise ValueError(f"django.po:{lineno}: cannot parse {raw!r}")
    flush()
    return [e for e in entries if e.msgid != ""]  # drop the header entry


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO_PATH.exists(), f"missing {PO_PATH}"
    found = parse_po(PO_PATH)
    assert found, "django.po has no entries"
    return found


@pytest.fixture(scope="module")
def mo() -> gettext.GNUTranslations:
    assert MO_PATH.exists(), "django.mo is missing: run `gongkai compilemessages -l en` in src/gongkai"
    with MO_PATH.open("rb") as fh:
        return gettext.GNUTranslations(fh)


@pytest.fixture(autouse=True)
def _restore_language():
    """LocaleMiddleware activates a language on the test thread and leaves it there: don't leak English."""
    before = translation.get_language()
    yield
    if before:
        translation.activate(before)
    else:
        translation.deactivate()


def _where(e: Entry) -> str:
    return f"django.po:{e.line} {e.msgid[:40]!r}"


# (a) the .po is complete ------------------------------------------------------------------------------------


def test_po_header_declares_english_utf8():
    header = PO_PATH.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "#, fuzzy" not in header
    assert '"Language: en\\n"' in header
    assert "charset=UTF-8" in header


def test_every_entry_is_translated(entries):
    untranslated = [
        _where(e) for e in entries if not e.msgstr or any(not s.strip() for s in e.msgstr.values())
    ]
    assert not untranslated, f"{len(untranslated)} untranslated entries: {untranslated}"


def test_no_entry_is_fuzzy(entries):
    fuzzy = [_where(e) for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries need checking: {fuzzy}"


def test_no_duplicate_msgids(entries):
    keys = [e.key for e in entries]
    assert len(keys) == len(set(keys))


def test_placeholders_are_kept(entries):
    wrong = []
    for e in entries:
        for s in e.msgstr.values():
            if sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(s)):
                wrong.append(_where(e))
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


def test_translations_are_english(entries):
    """No msgstr was left as Chinese by accident (the brand name 公开 is the one allowed Chinese word)."""
    han = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
    left = [_where(e) for e in entries for s in e.msgstr.values() if han.search(s.replace("公开", ""))]
    assert not left, f"msgstr still contains Chinese: {left}"


# (b) the compiled .mo matches the .po -----------------------------------------------------------------------


def test_mo_is_up_to_date_with_po(entries, mo):
    catalog = mo._catalog  # the parsed .mo: {msgid: msgstr} or {(msgid, n): msgstr} for plurals
    stale = []
    for e in entries:
        if e.msgid_plural is None:
            if catalog.get(e.key) != e.msgstr[0]:
                stale.append(_where(e))
        else:
            for idx, s in e.msgstr.items():
                if catalog.get((e.key, idx)) != s:
                    stale.append(_where(e))
    assert not stale, (
        f"django.mo is stale, run `gongkai compilemessages -l en` ({len(stale)} entries differ): {stale}"
    )
    compiled = {k[0] if isinstance(k, tuple) else k for k in catalog} - {""}
    extra = compiled - {e.key for e in entries}
    assert not extra, f"django.mo has entries no longer in django.po, recompile: {sorted(extra)[:10]}"


def test_django_serves_the_catalogue(entries):
    """Django's loader (LOCALE_PATHS merged with Django's own catalogues) serves our msgstr for each msgid."""
    en = trans_real.translation("en")
    wrong = [
        _where(e)
        for e in entries
        if e.msgid_plural is None and e.msgctxt is None and en.gettext(e.msgid) != e.msgstr[0]
    ]
    assert not wrong, f"Django does not serve these translations: {wrong}"


# (c) the visitor's language decides -------------------------------------------------------------------------


@pytest.fixture
def province(db):
    return AgencyFactory(code="430S00", name="湖南省自然资源厅", short_name="省厅")


GUIDE = "/gk/430S00/guide/"


@pytest.mark.django_db
def test_guide_in_english_with_accept_language(province):
    r = Client().get(GUIDE, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    body = r.content.decode()
    assert '<html lang="en"' in body
    assert r.headers.get("Content-Language") == "en"
    for text in (
        "Disclosure guide",
        "Government information disclosure guide",
        "1. Proactive disclosure",
        "Statutory proactive disclosures",
        "Disclosure on application",
        "4. Supervision and remedies",
    ):
        assert text in body, text
    assert "信息公开指南" not in body
    assert "湖南省自然资源厅" in body  # data stays as entered


@pytest.mark.django_db
def test_guide_in_chinese_by_default(province):
    r = Client().get(GUIDE)
    assert r.status_code == 200
    body = r.content.decode()
    assert '<html lang="zh-Hans"' in body
    assert "信息公开指南" in body and "一、主动公开" in body
    assert "Disclosure guide" not in body


@pytest.mark.django_db
def test_chinese_accept_language_gets_chinese(province):
    body = Client().get(GUIDE, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="zh-Hans"' in body and "信息公开指南" in body


@pytest.mark.django_db
def test_language_cookie_wins_over_accept_language(province):
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = c.get(GUIDE, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en"' in body and "Disclosure guide" in body

    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = c.get(GUIDE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-Hans"' in body and "信息公开指南" in body


@pytest.mark.django_db
def test_language_switch_button_sets_english(province):
    c = Client()
    r = c.post("/i18n/setlang/", {"language": "en", "next": GUIDE}, follow=True)
    assert r.redirect_chain and r.redirect_chain[-1][0] == GUIDE
    body = r.content.decode()
    assert '<html lang="en"' in body and "Disclosure guide" in body
