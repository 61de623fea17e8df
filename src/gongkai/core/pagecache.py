"""Whole-page cache for the public portal: anonymous GETs of pages that opt in.

Why not Django's own per-site or per-view cache: those key a page by the values of the headers in its
``Vary`` (every page that touches the session varies on ``Cookie``), cannot drop every page at once when
something is published, and run the whole middleware stack before a hit. Here:

- **What is stored.** Only answers of views decorated with :func:`public_page`, only ``200`` answers to
  ``GET``, only when the request carried no session and no messages cookie (so nobody is signed in and
  nothing personal is on the page), and only when the answer sets no cookie and never asked for a CSRF
  token (a token on the page would be another visitor's). Pages with forms that post (the mailbox, the
  application form) therefore never enter the cache.
- **The key** is the scheme, host (validated against ``ALLOWED_HOSTS``), full path with query string,
  the language the request would get, the elder-mode cookie and whether htmx asked for a fragment.
- **Invalidation.** Every entry carries the *generation* it was rendered in; :func:`invalidate` starts
  a new one, so every page is rendered afresh on its next visit. It is called, now and again after the
  commit, by every audited change in an area the portal shows (``core.audit.record`` with a verb of
  ``PUBLIC_AREAS``: a publication, withdrawal, correction, attachment, catalogue change, disclosure date,
  report cell…), by the search outbox when a change is queued and when the index has applied it, and by
  the catalogue seed. A page rendered while a publication was committing carries the old generation and
  is never served. ``GONGKAI_PAGE_CACHE_SECONDS`` bounds what nothing invalidates (a document reaching
  its 施行日期 at midnight, an agency renamed in the admin): 300 s by default, ``0`` turns it off.
- **Where pages and the generation live.** Pages in each worker's memory (or, with
  ``GONGKAI_PAGE_CACHE_URL``, a Redis of their own shared by several app servers). The generation in the
  modification time of a stamp file in ``DATA_DIR``, which every worker process on the machine sees at
  once, and — when the default cache is shared (Redis, ``GONGKAI_CACHE_URL``) — also in that cache, read
  at most once a second per worker, so that a publication on another app server is seen within a second.

A hit costs a ``stat`` of the stamp file (and at most one small Redis read a second) and none of the
middleware below this one, the URL resolver, the view or the template engine.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation

log = logging.getLogger(__name__)

GENERATION_KEY = "gongkai:pages:generation"
PAGE_PREFIX = "gongkai:page:"
HIT_HEADER = "X-Gongkai-Cache"
_OPT_IN = "_gongkai_public_page"
_SKIPPED_HEADERS = {"set-cookie", HIT_HEADER.lower()}


MAX_PATH = 512  # longer URLs (a pasted essay as a search) are answered but never stored


def _store() -> Any:
    """Where pages live: the ``pages`` cache — each worker's own memory by default (the fastest: a hit
    costs no network round trip), or a Redis of its own (``GONGKAI_PAGE_CACHE_URL``) shared by several
    app servers; never the Redis of the login-throttle counters, which many distinct URLs could evict."""
    return caches["pages"] if "pages" in settings.CACHES else caches["default"]


def enabled() -> bool:
    return int(getattr(settings, "GONGKAI_PAGE_CACHE_SECONDS", 0)) > 0


def _shared_cache() -> bool:
    """Whether the default cache is shared by every worker and host (Redis): then the generation lives
    there; with local memory, in the stamp file every worker on the machine sees."""
    return "locmem" not in settings.CACHES["default"]["BACKEND"].lower()


def _stamp() -> Path:
    return Path(settings.DATA_DIR) / "page-cache.generation"


def _file_generation() -> str:
    try:
        return str(os.stat(_stamp()).st_mtime_ns)
    except OSError:
        return "0"


# The shared generation is read from Redis at most once a second per worker: a publication on this
# machine is seen at once through the stamp file (every worker checks it on every request), one on
# another app server within REMOTE_SECONDS.
REMOTE_SECONDS = 1.0
_remote: dict[str, Any] = {"value": None, "read_at": 0.0}


def _generation() -> str | None:
    """The current generation; None (and a new one started) when a shared cache has none yet."""
    local = _file_generation()
    if not _shared_cache():
        return local
    now = time.monotonic()
    if _remote["value"] is None or now - _remote["read_at"] > REMOTE_SECONDS:
        shared = caches["default"]
        value = shared.get(GENERATION_KEY)
        if value is None:  # a fresh or restarted Redis: start a generation nobody stored under
            shared.add(GENERATION_KEY, str(time.time_ns()), None)
            _remote["value"] = None
            return None
        _remote.update(value=value, read_at=now)
    return f"{_remote['value']}:{local}"


def invalidate() -> None:
    """Start a new generation: every cached page is rendered afresh on its next visit."""
    stamp = str(time.time_ns())
    try:
        _remote["value"] = None
        caches["default"].set(GENERATION_KEY, stamp, None)
    except Exception:  # the cache being down must never break a publication
        log.warning("page cache: could not store the new generation in the cache")
    path = _stamp()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        os.utime(path, ns=(int(stamp), int(stamp)))
    except OSError:
        log.warning("page cache: could not touch the generation stamp %s", path)


def invalidate_on_commit() -> None:
    """Call inside a service's transaction: a new generation now and another once the change is visible.

    The first drops what is cached at once (also where nothing commits, as in a test's transaction); the
    second drops any page a visitor had rendered from the old data while the transaction was committing.
    """
    invalidate()
    transaction.on_commit(invalidate, robust=True)  # even when an earlier callback (an email) fails


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a public view whose anonymous GET answers may be cached whole (see the module docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        setattr(response, _OPT_IN, True)
        return response

    return wrapper


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request: HttpRequest) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # let the normal path answer 400
    language = translation.get_language_from_request(request)
    parts = (
        request.scheme,
        host,
        request.get_full_path(),
        language,
        request.COOKIES.get("gongkai_elder") == "1",
        request.headers.get("HX-Request") == "true",
        request.headers.get("HX-Target", ""),
    )
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return PAGE_PREFIX + digest


class PublicPageCacheMiddleware:
    """Serve and store whole public pages; see the module docstring for what may be cached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not enabled() or not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        if key is None:
            return self.get_response(request)
        pages = _store()
        try:
            generation = _generation()
            entry = pages.get(key) if generation is not None else None
        except Exception:
            log.warning("page cache: the cache did not answer; serving without it")
            return self.get_response(request)
        if generation is None:
            return self.get_response(request)
        if entry is not None and entry[0] == generation:
            return _rebuild(entry)
        response = self.get_response(request)
        storable = request.method == "GET" and len(request.get_full_path()) <= MAX_PATH
        if storable and self._storable(request, response):
            try:
                pages.set(key, _freeze(generation, response), int(settings.GONGKAI_PAGE_CACHE_SECONDS))
            except Exception:
                log.warning("page cache: could not store a page")
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            getattr(response, _OPT_IN, False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )


def _freeze(generation: str, response: HttpResponse) -> tuple[str, int, list[tuple[str, str]], bytes]:
    headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS]
    return (generation, response.status_code, headers, response.content)


def _rebuild(entry: tuple[str, int, list[tuple[str, str]], bytes]) -> HttpResponse:
    _generation, status, headers, body = entry
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response
