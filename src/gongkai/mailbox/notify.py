"""Email to the writer of a letter, sent only after the transaction commits."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from gongkai.mailbox.models import Letter

log = logging.getLogger("gongkai.notify")


def writer(letter: Letter, subject: str, body: str) -> None:
    """Email the writer (if they gave an address) once the current transaction has committed."""
    address = letter.email or (letter.account.email if letter.account_id and letter.account else "")
    if not address:
        return
    agency = letter.box.agency
    text = (
        f"{letter.writer_name}：\n\n{body}\n\n来信标题：{letter.title}\n查询码：{letter.query_code_display}\n"
        f"受理机关：{agency.name}（{letter.box.title}）\n\n（本邮件由系统自动发送，请勿直接回复。）"
    )
    subject = f"【{agency.short_name}】{subject}"
    pk = letter.pk

    def send() -> None:
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # a mail failure must not undo the letter; it is logged (ids only)
            log.exception("notification failed for letter %s", pk)

    transaction.on_commit(send)
