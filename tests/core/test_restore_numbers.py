"""Numbers after a restore (bad inputs 19): a number handed out is never handed out again.

Application numbers, 索引号, 文号 and 登记号 come from sequences (``gongkai.core.sequences``). Restoring
an older backup brings the sequences back to where they were then; ``gongkai restore`` therefore reads
the sequences of the database it replaces and keeps the higher value, ``--sequence-margin N`` skips N
more (for when that database is lost), and ``gongkai sequences check [--repair]`` compares every
sequence with the numbers the rows carry.

The restores run as the operator runs them, ``gongkai restore`` in a subprocess against a fresh
database (helpers of ``test_backup``); the numbers are issued in that database by ``gongkai shell``.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from gongkai.applications import services
from gongkai.core import sequences
from gongkai.core.models import AuditEvent, Sequence
from gongkai.normative.models import Kind, NumberingScheme
from gongkai.orgs.models import Role
from tests.core.test_backup import alias, fresh_database, run
from tests.factories import staff
from tests.normative.conftest import make

pytestmark = pytest.mark.django_db(transaction=True)

CLERK = "numbers-clerk"
ISSUE = f"""
from datetime import date
from gongkai.applications import services
from gongkai.normative import services as normative
from gongkai.orgs.models import Agency, User
agency = Agency.objects.get(code="430S00")
by = User.objects.get(username="{CLERK}")
app = services.application_register(
    agency=agency, channel="in_person", event_date=date(2025, 9, 29),
    applicant={{"applicant_column": "natural_person", "applicant_name": "李四"}},
    data={{"description": "恢复后的新申请"}}, by=by)
doc = normative.create(agency=agency, by=by, data={{
    "title": "恢复后的新文件", "kind": "normative", "formed_on": date(2025, 9, 1),
    "legality_reviewed_on": date(2025, 9, 1), "legality_review_note": "经审核，合法"}})
doc = normative.register(document=doc, by=by, year=2025)
doc = normative.publish(document=doc, by=by, published_on=date(2025, 9, 30))
print(app.number, doc.document_number, doc.registration_number, doc.index_number)
"""


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def numbered(tree, media) -> dict[str, Any]:
    """Three applications (2025-00001…3) and one published normative document (〔2025〕1号, 登记号 001,
    索引号 000001) of the province."""
    province = tree["province"]
    NumberingScheme.objects.create(
        agency=province, kind=Kind.NORMATIVE, document_prefix="湘自然资规", registration_prefix="HNZRZY"
    )
    clerk = staff(province, Role.CLERK, Role.PUBLISHER, username=CLERK)
    cases = [
        services.application_register(
            agency=province,
            channel="in_person",
            event_date=date(2025, 9, 26),
            applicant={"applicant_column": "natural_person", "applicant_name": "张建国"},
            data={"description": f"长沙县黄花镇2019年征地批复（第{i}件）"},
            by=clerk,
        )
        for i in range(3)
    ]
    doc = make(province, clerk, "某通知", formed_on=date(2025, 9, 1), published_on=date(2025, 9, 5))
    doc.refresh_from_db()
    assert [c.number for c in cases][-1] == "430S00-2025-00003"
    assert (doc.document_number, doc.registration_number, doc.index_number) == (
        "湘自然资规〔2025〕1号",
        "HNZRZY-2025-001",
        "430S00/2025-000001",
    )
    return {"agency": province, "clerk": clerk, "cases": cases, "document": doc}


def issue(env: dict[str, str]) -> list[str]:
    """Take an application number, a 文号, a 登记号 and a 索引号 in the restored database."""
    done = run("shell", "-c", ISSUE, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()[-4:]


def backup_now(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    from tests.core.test_backup import members

    archive = tmp_path / "numbers.tar.gz"
    call_command("backup", "-o", str(archive), "--no-progress", stdout=io.StringIO())
    return archive, json.loads(members(archive)["manifest.json"])


# --- restoring an older backup over the database in use --------------------------------------------------


def test_numbers_issued_after_the_backup_are_not_issued_again_sqlite(numbered, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL run is test_numbers_issued_after_the_backup_are_not_issued_again_pg")
    restore_over_newer(tmp_path)


@pytest.mark.postgres
def test_numbers_issued_after_the_backup_are_not_issued_again_pg(numbered, tmp_path):
    restore_over_newer(tmp_path)


def restore_over_newer(tmp_path: Path) -> None:
    """Back up; restore; issue numbers (the site goes on after the backup); restore the older backup
    again over it; issue again: every number is new, and the restore is in the audit trail."""
    archive, manifest = backup_now(tmp_path)
    with fresh_database(tmp_path) as (env, settings_dict):
        first = run("restore", str(archive), "--no-progress", env=env)
        assert first.returncode == 0, first.stderr
        after_backup = issue(env)
        assert after_backup == [
            "430S00-2025-00004",
            "湘自然资规〔2025〕2号",
            "HNZRZY-2025-002",
            "430S00/2025-000002",
        ]

        again = run("restore", str(archive), "--yes", "--no-progress", env=env)
        assert again.returncode == 0, again.stderr
        assert "编号序列已调整（保留恢复前已发出的编号）" in again.stdout
        assert "application:430S00 2025：3 → 4" in again.stdout
        after_restore = issue(env)
        assert after_restore == [
            "430S00-2025-00005",
            "湘自然资规〔2025〕3号",
            "HNZRZY-2025-003",
            "430S00/2025-000003",
        ]
        assert not set(after_restore) & set(after_backup)

        checked = run("sequences", "check", env=env)
        assert checked.returncode == 0 and "每个编号序列都已超过已有的最大编号" in checked.stdout, (
            checked.stderr
        )

        with alias(settings_dict) as db:
            event = AuditEvent.objects.using(db).filter(verb="system.restore").order_by("-seq").first()
            assert event is not None
            data = event.data
            assert data["file"] == "numbers.tar.gz" and data["backup_created_at"] == manifest["created_at"]
            assert data["previous_sequences_read"] is True and data["sequence_margin"] == 0
            assert {"scope": "application:430S00", "year": 2025, "before": 3, "after": 4} in data["sequences"]
            assert {"scope": "index:430S00", "year": 2025, "before": 1, "after": 2} in data["sequences"]
            assert {"scope": "normative-num:430S00:normative", "year": 2025, "before": 1, "after": 2} in data[
                "sequences"
            ]
            text = json.dumps(data, ensure_ascii=False) + event.reason
            assert "张建国" not in text and "李四" not in text and "征地" not in text  # no personal data
        verified = run("audit", "verify", "--no-progress", env=env)
        assert verified.returncode == 0 and "OK" in verified.stdout, verified.stderr


def test_a_margin_skips_numbers_when_the_current_database_is_lost(numbered, tmp_path):
    """Restored into an empty database (the one in use is gone): --sequence-margin 50 skips 50 numbers in
    every sequence, also this year's sequences of agencies that had none when the backup was taken."""
    archive, _manifest = backup_now(tmp_path)
    with fresh_database(tmp_path) as (env, settings_dict):
        done = run("restore", str(archive), "--sequence-margin", "50", "--no-progress", env=env)
        assert done.returncode == 0, done.stderr
        assert "含向后跳 50 号" in done.stdout
        assert issue(env) == [
            "430S00-2025-00054",
            "湘自然资规〔2025〕52号",
            "HNZRZY-2025-052",
            "430S00/2025-000052",
        ]
        this_year = timezone.localdate().year
        with alias(settings_dict) as db:
            rows = dict(Sequence.objects.using(db).filter(year=this_year).values_list("scope", "last"))
            assert rows["application:4301S0"] >= 50 and rows["index:430121S"] >= 50
            assert rows["normative-reg:430S00:normative"] >= 50
            event = AuditEvent.objects.using(db).filter(verb="system.restore").order_by("-seq").first()
            assert event is not None and event.data["sequence_margin"] == 50


def test_a_negative_margin_is_refused(numbered, tmp_path):
    archive, _manifest = backup_now(tmp_path)
    with pytest.raises(CommandError, match="不能为负数"):
        call_command("restore", str(archive), "--yes", "--sequence-margin", "-1", "--no-progress")


# --- gongkai sequences check [--repair] -------------------------------------------------------------------


def sequences_command(*args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("sequences", "check", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + str(exc), exc.returncode
    return out.getvalue(), err.getvalue(), 0


def test_check_finds_every_kind_of_sequence_behind_its_numbers_and_repair_moves_it(numbered):
    out, err, code = sequences_command()
    assert code == 0, err
    # As if an older database had been restored without the numbers issued since.
    Sequence.objects.filter(scope="application:430S00").update(last=1)
    Sequence.objects.filter(scope__startswith="normative-").delete()
    Sequence.objects.filter(scope="index:430S00").update(last=0)
    behind = {(b.scope, b.year): (b.last, b.issued.number) for b in sequences.check()}
    assert behind == {
        ("application:430S00", 2025): (1, "430S00-2025-00003"),
        ("index:430S00", 2025): (0, "430S00/2025-000001"),
        ("normative-num:430S00:normative", 2025): (None, "湘自然资规〔2025〕1号"),
        ("normative-reg:430S00:normative", 2025): (None, "HNZRZY-2025-001"),
    }
    out, err, code = sequences_command()
    assert code == 1 and "4 个编号序列落后于已有编号" in err
    assert "application:430S00 2025：序列为 1，已有编号 430S00-2025-00003（申请编号）" in err

    events = AuditEvent.objects.count()
    out, err, code = sequences_command("--repair")
    assert code == 0 and "已调整 4 个编号序列" in out
    assert "application:430S00 2025：1 → 3" in out and "normative-reg:430S00:normative 2025：无 → 1" in out
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == events + 1 and event is not None
    assert event.verb == "system.sequences_repair" and len(event.data["changes"]) == 4
    assert sequences_command() == (sequences_command()[0], "", 0)
    assert sequences.check() == []

    # The next number is a new one.
    case = services.application_register(
        agency=numbered["agency"],
        channel="in_person",
        event_date=date(2025, 9, 30),
        applicant={"applicant_column": "natural_person", "applicant_name": "王五"},
        data={"description": "修正后的新申请"},
        by=numbered["clerk"],
    )
    assert case.number == "430S00-2025-00004"
    # Nothing to repair: nothing written.
    out, _err, code = sequences_command("--repair")
    assert code == 0 and "没有落后的编号序列" in out and AuditEvent.objects.count() == events + 1


def test_numbers_in_another_format_are_not_taken_for_sequence_numbers(numbered):
    from gongkai.applications.models import Application

    Application.objects.filter(pk=numbered["cases"][0].pk).update(number="湘自然资依申〔2025〕99号")
    Application.objects.filter(pk=numbered["cases"][1].pk).update(
        number="4301S0-2025-00077"
    )  # another agency
    assert sequences.check() == []
    found = sequences.issued()
    assert found[("application:430S00", 2025)].serial == 3 and ("application:4301S0", 2025) not in found


def test_checking_takes_one_query_per_kind_of_row(numbered, django_assert_max_num_queries):
    for _ in range(10):
        make(
            numbered["agency"],
            numbered["clerk"],
            "又一件",
            formed_on=date(2025, 9, 2),
            published_on=date(2025, 9, 5),
        )
    with django_assert_max_num_queries(6):
        behind = sequences.check()
    assert behind == []
