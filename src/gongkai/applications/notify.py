"""Messages at each step: email, sent only after the transaction commits."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from gongkai.applications.models import Application

log = logging.getLogger("gongkai.notify")


def applicant(application: Application, subject: str, body: str) -> None:
    """Email the applicant (if an address is known) once the current transaction has committed."""
    address = application.email or (
        application.account.email if application.account_id and application.account else ""
    )
    if not address:
        return
    text = (
        f"{application.applicant_name}：\n\n{body}\n\n申请编号：{application.number}\n"
        f"受理机关：{application.agency.name}\n\n（本邮件由系统自动发送，请勿直接回复。）"
    )
    _on_commit(application, f"【{application.agency.short_name}】{subject}", text, [address])


def staff(application: Application, emails: list[str], subject: str, body: str) -> None:
    """Email staff (deadline reminders) once the current transaction has committed."""
    if emails:
        _on_commit(application, subject, body, emails)


def _on_commit(application: Application, subject: str, text: str, to: list[str]) -> None:
    def send() -> None:
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, to)
        except Exception:  # a mail failure must not undo the case; it is logged (ids only) for a retry
            log.exception("notification failed for application %s", application.pk)

    transaction.on_commit(send)
