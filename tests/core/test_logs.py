"""Bad inputs 20 and 25: log lines are JSON (one object per line) or plain text, never forgeable by a
message, and every timestamp carries the Beijing offset."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from gongkai.applications.models import Application
from tests.core.test_bad_inputs import application_post, login
from tests.core.test_settings import PRODUCTION
from tests.factories import ApplicantFactory

FORGED = "征地批复\n2026-01-01 00:00:00 INFO gongkai admin login ok"
# 2026-12-07 23:30:00.123 in Beijing is 15:30:00.123 UTC.
LATE_EVENING = datetime(2026, 12, 7, 15, 30, 0, 123000, tzinfo=UTC).timestamp()


def formatter(name: str) -> logging.Formatter:
    """The formatter the settings configure under ``name``."""
    conf = dict(settings.LOGGING["formatters"][name])
    return import_string(conf.pop("()"))(**conf)


def record(message: str, **extra: Any) -> logging.LogRecord:
    rec = logging.makeLogRecord(
        {"name": "gongkai.test", "levelno": logging.WARNING, "levelname": "WARNING", "msg": message, **extra}
    )
    rec.created = LATE_EVENING
    return rec


def test_a_forged_line_in_a_message_stays_inside_one_json_line():
    out = formatter("json").format(record(FORGED, case=42))
    assert "\n" not in out and "\\n2026-01-01" in out
    data = json.loads(out)
    assert data["message"] == FORGED  # the text is intact, only escaped
    assert data["level"] == "WARNING" and data["logger"] == "gongkai.test" and data["case"] == 42


@pytest.mark.parametrize("brk", ["\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"])
def test_every_kind_of_line_break_is_escaped(brk):
    """str.splitlines() and many log viewers break lines on more than \\n: none appears raw."""
    for name in ("json", "plain"):
        out = formatter(name).format(record(f"甲{brk}INFO admin login ok"))
        assert len(out.splitlines()) == 1, (name, out)
    assert json.loads(formatter("json").format(record(f"甲{brk}乙")))["message"] == f"甲{brk}乙"


def test_timestamps_carry_the_beijing_offset():
    assert json.loads(formatter("json").format(record("x")))["timestamp"] == "2026-12-07T23:30:00.123+08:00"
    assert formatter("plain").format(record("a\nb")) == (
        "2026-12-07T23:30:00.123+08:00 WARNING gongkai.test a\\nb"
    )


def test_the_whole_request_is_never_written():
    """Django's request logger attaches the request; its query string may hold what someone typed."""
    out = json.loads(formatter("json").format(record("Not Found: /x", request=object(), status_code=404)))
    assert "request" not in out and out["status_code"] == 404


def test_an_exception_stays_on_its_line_in_json():
    try:
        raise ValueError("坏\n值")
    except ValueError:
        rec = record("failed", exc_info=sys.exc_info())
    out = formatter("json").format(rec)
    assert len(out.splitlines()) == 1 and "ValueError" in json.loads(out)["exc_info"]


def test_json_is_the_production_default_and_plain_the_development_one(tmp_path):
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('gongkai.probe')"
        ".warning('征地批复\\n2026-01-01 INFO admin login ok', extra={'n': 1})"
    )
    base = {"GONGKAI_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "gongkai.settings"}
    prod = run_python(script, {**PRODUCTION, **base})
    lines = prod.stderr.splitlines()
    assert len(lines) == 1, prod.stderr
    data = json.loads(lines[0])
    assert data["logger"] == "gongkai.probe" and data["n"] == 1 and data["timestamp"].endswith("+08:00")
    dev = run_python(script, base)
    assert dev.stderr.count("\n") == 1 and "+08:00 WARNING gongkai.probe 征地批复\\n2026" in dev.stderr
    chosen = run_python(script, {**PRODUCTION, **base, "GONGKAI_LOG_FORMAT": "plain"})
    assert chosen.stderr.startswith("20") and "+08:00 WARNING gongkai.probe" in chosen.stderr
    wrong = run_python(script, {**base, "GONGKAI_LOG_FORMAT": "xml"})
    assert wrong.returncode != 0 and "GONGKAI_LOG_FORMAT" in wrong.stderr


def run_python(script: str, env: dict[str, str]) -> Any:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@contextmanager
def json_log() -> Iterator[io.StringIO]:
    """Everything logged (at DEBUG and above) meanwhile, through the configured JSON formatter."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter("json"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.mark.django_db
def test_no_personal_data_and_no_forged_line_in_the_json_log(tree):
    """The scenario of test_bad_inputs::test_typed_text_and_personal_data_never_reach_the_logs, through
    the JSON formatter: a description with a forged line, a refusal (another applicant opens the case)."""
    identity = ApplicantFactory()
    c = login(identity.account)
    with json_log() as out:
        assert application_post(c, identity, tree["province"], description=FORGED).status_code == 302
        other = login(ApplicantFactory().account)
        url = reverse("applications_public:detail", args=[Application.objects.get().public_id])
        assert other.get(url).status_code == 404
        logging.getLogger("gongkai.test").warning("typed: %s", FORGED)  # even if typed text were logged
    lines = out.getvalue().splitlines()
    assert lines, "the refusal is logged"
    entries = [json.loads(line) for line in lines]  # every line is one whole JSON object
    assert all(e["timestamp"].endswith("+08:00") for e in entries)
    assert not any(line.lstrip().startswith("2026-01-01") for line in lines)
    assert entries[-1]["message"] == f"typed: {FORGED}"
    logged = "\n".join(json.dumps(e, ensure_ascii=False) for e in entries[:-1])
    assert "admin login ok" not in logged
    assert identity.id_number not in logged and identity.phone not in logged
    assert identity.id_number not in out.getvalue() and identity.phone not in out.getvalue()
