"""Text messages (verification codes). The backend is a setting, like Django's email backends.

``GONGKAI_SMS_BACKEND`` names a callable ``send(phone: str, text: str) -> None``. The default,
``gongkai.core.sms.console``, prints the message to standard output in development (like the console
email backend); a production installation points it at its SMS gateway's client. ``locmem`` keeps
messages in :data:`outbox` for tests.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.utils.module_loading import import_string

outbox: list[tuple[str, str]] = []


def console(phone: str, text: str) -> None:
    sys.stdout.write(f"[SMS to {phone}] {text}\n")
    sys.stdout.flush()


def locmem(phone: str, text: str) -> None:
    outbox.append((phone, text))


def send(phone: str, text: str) -> None:
    backend = import_string(getattr(settings, "GONGKAI_SMS_BACKEND", "gongkai.core.sms.console"))
    backend(phone, text)
