"""``gongkai deadline DATE``: the reply deadline of an application, with the clock's explanation."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core import clock
from gongkai.core.calendar import working_calendar


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{what}“{text}”不是有效日期，请写成 2026-09-28。") from exc


def _pair(text: str, what: str) -> tuple[date, date | None]:
    first, _, second = text.partition(":")
    return _date(first, what), (_date(second, what) if second else None)


RECEIPT_KEYWORD = {
    clock.Channel.in_person: "submitted",
    clock.Channel.registered_post: "signed_for",
    clock.Channel.ordinary_letter: "confirmed",
    clock.Channel.online: "accepted",
    clock.Channel.fax: "accepted",
}


class Command(BaseCommand):
    help = (
        "计算政府信息公开申请的答复期限并列出计算过程。DATE 是决定收到申请之日的日期："
        "当面提交之日、邮件签收之日、平常信函确认之日，或网络/传真申请的受理确认之日。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("date", help="YYYY-MM-DD")
        parser.add_argument("--channel", choices=[c.value for c in clock.Channel], default="in_person")
        parser.add_argument(
            "--clarify", metavar="NOTICE:SUPPLEMENT", help="补正通知发出日:收到补正日（后者可省）"
        )
        parser.add_argument(
            "--clarify-days", type=int, default=clock.DEFAULT_SUPPLEMENT_DAYS, help="补正期限（工作日）"
        )
        parser.add_argument(
            "--consult",
            metavar="SENT:ANSWERED",
            action="append",
            default=[],
            help="征求意见发出日:答复日（可多次）",
        )
        parser.add_argument("--consult-agency", action="store_true", help="征求的是其他机关（默认第三方）")
        parser.add_argument(
            "--fee", metavar="NOTICE:PAID", action="append", default=[], help="收到收费通知日:缴费日"
        )
        parser.add_argument("--no-fee-pause", action="store_true", help="缴费期间计入答复期限")
        parser.add_argument("--extend", type=int, default=0, metavar="N", help="延长的工作日数（1–20）")
        parser.add_argument("--art35", metavar="DATE", help="依第三十五条决定的答复期限")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **opts: Any) -> None:
        channel = clock.Channel(opts["channel"])
        day = _date(opts["date"], "日期")
        try:
            receipt = clock.receipt_date(channel, **{RECEIPT_KEYWORD[channel]: day})
            clarification = None
            if opts["clarify"]:
                sent, supplement = _pair(opts["clarify"], "补正日期")
                clarification = clock.Clarification(sent, supplement, opts["clarify_days"])
            party = (
                clock.ConsultationParty.agency
                if opts["consult_agency"]
                else clock.ConsultationParty.third_party
            )
            consultations = []
            for text in opts["consult"]:
                sent, answered = _pair(text, "征求意见日期")
                consultations.append(clock.Consultation(sent, answered, party=party))
            fees = [clock.FeeNotice(*_pair(text, "收费日期")) for text in opts["fee"]]
            result = clock.reply_deadline(
                working_calendar(),
                receipt,
                clarification=clarification,
                consultations=consultations,
                fees=fees,
                extension_days=opts["extend"],
                art35_due=_date(opts["art35"], "第三十五条期限") if opts["art35"] else None,
                fee_pause=not opts["no_fee_pause"],
            )
        except (ValueError, TypeError) as exc:
            raise CommandError(str(exc)) from exc
        if opts["json"]:
            self.stdout.write(json.dumps(as_json(result, channel), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"收到申请之日：{receipt.isoformat()}（{channel.label}）")
        for step in result.trail:
            days = f"{step.days:+d} 个工作日" if step.days else ""
            until = f"—{step.until.isoformat()}" if step.until else ""
            self.stdout.write(f"  {step.date.isoformat()}{until}  {step.label}  {days}  [{step.basis}]")
        for flag in result.flags:
            self.stdout.write(self.style.WARNING(f"  注意：{flag.message}"))
        if result.due is None:
            self.stdout.write(self.style.WARNING(f"答复期限暂停计算：{'、'.join(result.waiting)}"))
        else:
            line = f"答复期限：{result.due.isoformat()}（{'一二三四五六日'[result.due.weekday()]}）"
            self.stdout.write(self.style.SUCCESS(line))
        if result.provisional:
            years = "、".join(str(y) for y in result.missing_years)
            self.stdout.write(
                self.style.WARNING(
                    f"暂定：{years} 年节假日安排尚未录入，按周一至周五计算，录入后以实际安排为准。"
                )
            )


def as_json(result: clock.Deadline, channel: clock.Channel) -> dict[str, Any]:
    return {
        "channel": channel.value,
        "received": result.receipt.isoformat(),
        "start": result.start.isoformat(),
        "due": result.due.isoformat() if result.due else None,
        "provisional": result.provisional,
        "missing_years": list(result.missing_years),
        "waiting": list(result.waiting),
        "flags": [{"code": f.code, "message": f.message} for f in result.flags],
        "trail": [
            {
                "date": s.date.isoformat(),
                "until": s.until.isoformat() if s.until else None,
                "label": s.label,
                "days": s.days,
                "basis": s.basis,
            }
            for s in result.trail
        ],
    }
