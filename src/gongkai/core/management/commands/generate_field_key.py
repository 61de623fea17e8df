from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "生成一个用于个人信息加密的 Fernet 密钥（放入 GONGKAI_FIELD_KEYS 的最前面）。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(Fernet.generate_key().decode())
