"""Email that leaves only once the current transaction has committed.

A change and its notice go together: if the transaction rolls back, nothing is sent; if sending fails
afterwards, the change stands and the failure is logged with the object's id only (no address, no text).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

log = logging.getLogger("gongkai.notify")


def send_on_commit(subject: str, body: str, to: list[str], *, about: str = "") -> None:
    """Queue an email for after the commit; ``about`` names the object in the log if sending fails."""
    recipients = [address for address in to if address]
    if not recipients:
        return

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # a mail failure must not undo the change it reports
            log.exception("email failed (%s)", about or subject)

    transaction.on_commit(send)
