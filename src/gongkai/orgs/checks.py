"""Deployment checks for accounts: the login throttle needs a cache shared by every worker."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_shared_cache(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The default cache is local to each process: the login throttle counts per worker, "
                "and a restart forgets the counts.",
                hint="Set GONGKAI_CACHE_URL (or REDIS_URL) to a Redis server, e.g. redis://127.0.0.1:6379/0.",
                id="gongkai.W101",
            )
        ]
    return []
