"""The path a migrating agency takes: a generated ledger file → `gongkai import ledger` → `gongkai
report annual` (JSON); the report's section 三 equals a direct count of the file's rows."""

from __future__ import annotations

import csv
import io
import json
import random
from io import StringIO

import pytest
from django.core.management import call_command

from gongkai.applications import ledger, outcomes
from gongkai.orgs import demo as orgs_demo
from gongkai.orgs.models import Agency
from gongkai.reports import demo, formats

pytestmark = pytest.mark.django_db

KIND_COLUMN = {
    "自然人": "natural_person",
    "商业企业": "commercial_enterprise",
    "科研机构": "research_institution",
    "社会公益组织": "public_interest_org",
    "法律服务机构": "legal_service_org",
    "其他": "other_org",
}


def test_generated_ledger_imports_and_reports_exactly(tmp_path):
    orgs_demo.load(StringIO())
    agency = Agency.objects.get(code="430S00")
    rng = random.Random(7)
    rows = demo.ledger_rows(2020, agency, rng)[:300] + demo.ledger_rows(2021, agency, rng)[:300]
    path = tmp_path / "ledger.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        keys = [c.key for c in ledger.COLUMNS]
        writer.writerow([c.header for c in ledger.COLUMNS])
        for r in rows:
            writer.writerow([r.get(k, "") for k in keys])
    call_command("import", "ledger", str(path), "--agency", "430S00", stdout=StringIO())
    for year in (2020, 2021):
        out = io.StringIO()
        call_command("report", "annual", "--agency", "430S00", "--year", str(year), stdout=out)
        data = json.loads(out.getvalue())
        facts = [
            formats.CaseFact(
                KIND_COLUMN[r["applicant_kind"]],
                int(r["received_on"][:4]),
                int(r["concluded_on"][:4]) if r["concluded_on"] else None,
                outcomes.report_row(r["outcome"], 2021) if r["outcome"] else None,
                r["number"],
            )
            for r in rows
        ]
        assert data["section3"] == formats.count_cases(facts, year)
        assert all(c["ok"] for c in data["checks"] if not c["rule"].startswith("carry_over"))
