from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from gongkai.applications.models import Application


def application(
    agency, number: str, received: date = date(2020, 1, 10), status: str = "processing"
) -> Application:
    replied = status == "replied"
    return Application.objects.create(
        outcome="disclosed" if replied else "",
        concluded_on=received + timedelta(days=15) if replied else None,
        agency=agency,
        number=number,
        status=status,
        channel="in_person",
        submitted_at=datetime.combine(received, time(9), tzinfo=ZoneInfo("Asia/Shanghai")),
        received_on=received,
        applicant_column="natural_person",
        applicant_name="张建国",
        description="征收土地批复文件",
    )
