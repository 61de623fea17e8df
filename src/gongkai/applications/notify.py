"""Messages at each step of an application: email, sent only after the transaction commits."""

from __future__ import annotations

from gongkai.applications.models import Application
from gongkai.core.mail import send_on_commit


def applicant(application: Application, subject: str, body: str) -> None:
    """Email the applicant (if an address is known) once the current transaction has committed."""
    address = application.email or (
        application.account.email if application.account_id and application.account else ""
    )
    text = (
        f"{application.applicant_name}：\n\n{body}\n\n申请编号：{application.number}\n"
        f"受理机关：{application.agency.name}\n\n（本邮件由系统自动发送，请勿直接回复。）"
    )
    send_on_commit(
        f"【{application.agency.short_name}】{subject}",
        text,
        [address],
        about=f"application {application.pk}",
    )


def staff(application: Application, emails: list[str], subject: str, body: str) -> None:
    """Email staff (deadline reminders) once the current transaction has committed."""
    send_on_commit(subject, body, emails, about=f"application {application.pk}")
