"""Configuration: production values pass `check --deploy`; development defaults stay safe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def run_gongkai(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "gongkai", *args],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "GONGKAI_SECRET_KEY": "x7#Lq2!vT9@pR4$wZ8^mN1&kB6*hD3(fJ5)sG0-cV2+yU7=eA9_qW4~rT8",
    "GONGKAI_ALLOWED_HOSTS": "gk.example.gov.cn",
    "GONGKAI_FIELD_KEYS": Fernet.generate_key().decode(),
    "GONGKAI_LOOKUP_KEY": "l" * 8 + "0123456789abcdefghijklmnopqrstuvwxyz",
    "GONGKAI_EMAIL_HOST": "smtp.example.gov.cn",
    "GONGKAI_CACHE_URL": "redis://127.0.0.1:6379/0",  # the login throttle needs a shared cache
    "GONGKAI_CLAMAV": "tcp://127.0.0.1:3310",  # uploads are virus-scanned in production (gongkai.W102)
}


def test_production_configuration_passes_check_deploy(tmp_path: Path) -> None:
    result = run_gongkai(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            **PRODUCTION,
            "GONGKAI_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_data_keys_fail_check_deploy(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k not in ("GONGKAI_FIELD_KEYS", "GONGKAI_LOOKUP_KEY")}
    result = run_gongkai(
        "check",
        "--deploy",
        env={**env, "GONGKAI_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
    )
    assert result.returncode != 0
    assert "gongkai.E001" in result.stderr + result.stdout


def test_development_defaults() -> None:
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]


def test_every_management_command_is_a_gongkai_subcommand() -> None:
    result = run_gongkai("help", env={})
    assert result.returncode == 0, result.stderr
    for command in ("migrate", "createsuperuser", "demo", "generate_field_key"):
        assert command in result.stdout


def test_production_without_shared_cache_warns(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "GONGKAI_CACHE_URL"}
    result = run_gongkai(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**env, "GONGKAI_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
    )
    assert result.returncode != 0
    assert "gongkai.W101" in result.stderr + result.stdout


PRINT_SECURITY = """
from django.conf import settings as s
print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY)
print(s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT)
print(s.LANGUAGE_COOKIE_SECURE, s.X_FRAME_OPTIONS, s.SECURE_CONTENT_TYPE_NOSNIFF)
print(s.SECURE_CSP["script-src"], s.SECURE_CSP["object-src"], s.SECURE_CSP["frame-ancestors"])
print(s.CACHES["default"]["BACKEND"])
m = s.MIDDLEWARE
print(
    "django.middleware.csrf.CsrfViewMiddleware" in m,
    "django.middleware.csp.ContentSecurityPolicyMiddleware" in m,
)
print(s.GONGKAI_STAFF_SESSION_IDLE_MINUTES, s.GONGKAI_STAFF_SESSION_MAX_HOURS, s.GONGKAI_TRUSTED_PROXIES)
"""


def test_production_security_settings(tmp_path: Path) -> None:
    """Cookies HTTPS-only, HSTS a year with subdomains, CSP without inline scripts, CSRF on, shared cache."""
    result = run_gongkai(
        "shell",
        "-c",
        PRINT_SECURITY,
        env={
            **PRODUCTION,
            "GONGKAI_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "GONGKAI_TRUSTED_PROXIES": "10.0.0.0/8",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-7:] == [
        "True True True True",
        "True True True",
        "True DENY True",
        "[\"'self'\"] [\"'none'\"] [\"'none'\"]",
        "django.core.cache.backends.redis.RedisCache",
        "True True",
        "30 12 ['10.0.0.0/8']",
    ]


def test_development_uses_a_local_memory_cache() -> None:
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_production_redirects_to_https_except_the_health_probe(tmp_path: Path) -> None:
    """A load balancer probes /healthz over plain HTTP; every other path is redirected to HTTPS."""
    code = (
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='gk.example.gov.cn')\n"
        "print(c.get('/healthz').status_code, c.get('/').status_code)\n"
    )
    result = run_gongkai(
        "shell",
        "-c",
        code,
        env={
            **PRODUCTION,
            "GONGKAI_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        },
    )
    assert result.returncode == 0, result.stderr
    healthz, home = result.stdout.split()[-2:]  # the last line; log lines may come first
    assert home == "301" and healthz != "301"
