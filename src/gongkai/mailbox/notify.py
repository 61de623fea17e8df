"""Email to the writer of a letter, sent only after the transaction commits."""

from __future__ import annotations

from gongkai.core.mail import send_on_commit
from gongkai.mailbox.models import Letter


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
    send_on_commit(f"【{agency.short_name}】{subject}", text, [address], about=f"letter {letter.pk}")
