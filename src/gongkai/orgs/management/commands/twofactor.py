"""``gongkai twofactor``: staff two-factor authentication from the command line.

- ``reset USERNAME [--by ADMIN] [--reason TEXT]``: remove a lost device and its recovery codes (recorded
  in the audit trail); the user enrols again at the next login.
- ``status USERNAME``: enrolled or not, required or not, recovery codes left.
- ``demo-code``: the current code of the demonstration secret (development only; refused in production).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongkai.orgs import twofactor
from gongkai.orgs.models import User, UserKind


class Command(BaseCommand):
    help = "两步验证：重置（手机丢失）、查看状态、显示演示账户的当前验证码。"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reset = sub.add_parser("reset", help="删除该工作人员的验证器和恢复码，下次登录时重新绑定")
        reset.add_argument("username")
        reset.add_argument("--by", default="", help="执行重置的管理员用户名（记入操作记录）")
        reset.add_argument("--reason", default="", help="原因（记入操作记录）")
        status = sub.add_parser("status", help="查看两步验证状态")
        status.add_argument("username")
        sub.add_parser("demo-code", help="演示密钥当前的验证码（仅开发环境）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "demo-code":
            if settings.GONGKAI_PRODUCTION:
                raise CommandError("演示密钥不用于生产环境。")
            import pyotp

            from gongkai.orgs.demo import DEMO_TOTP_SECRET

            self.stdout.write(pyotp.TOTP(DEMO_TOTP_SECRET).now())
            return
        user = User.objects.filter(username=options["username"], kind=UserKind.STAFF).first()
        if user is None:
            raise CommandError("没有这个工作人员账户。")
        if action == "status":
            device = twofactor.device_for(user)
            left = user.recovery_codes.filter(used_at__isnull=True).count()
            self.stdout.write(
                f"{user.username}: {'已启用' if device else '未启用'}；"
                f"{'岗位要求启用' if twofactor.required_for(user) else '可选'}；恢复码剩余 {left} 个"
            )
            return
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"], kind=UserKind.STAFF).first()
            if by is None:
                raise CommandError("--by 不是工作人员账户。")
        if twofactor.reset(user, by=by, reason=options["reason"]):
            self.stdout.write(self.style.SUCCESS(f"已重置 {user.username} 的两步验证；下次登录时重新绑定。"))
        else:
            self.stdout.write(f"{user.username} 没有绑定验证器，无需重置。")
