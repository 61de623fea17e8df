"""Concurrency and faults (issue 10, item 7): two staff on one case at once, a double-clicked submit, a
failure in the middle of a reply.

The threaded tests need PostgreSQL (SQLite serialises writers, so nothing really overlaps there); the
fault tests run on both databases.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.applications import services
from gongkai.applications.models import Application, Assignment, Attachment, CaseEvent
from gongkai.applications.workflow import Status
from gongkai.orgs.models import Role
from tests.factories import PASSWORD, ApplicantFactory, UnitFactory, staff
from tests.upload_samples import PDF

COUNTER_APPLICANT = {
    "applicant_column": "natural_person",
    "applicant_name": "张建国",
    "id_type": "resident_id",
    "id_number": "430121196803150032",
    "phone": "13807310001",
    "address": "湖南省长沙县黄花镇某村",
}


def login(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def in_threads(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs at the same moment, each in its own thread (and database connection)."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def office(tree):
    province = tree["province"]
    unit = UnitFactory(agency=province, name="耕地保护监督处")
    return {
        "agency": province,
        "city": tree["city_a"],
        "unit": unit,
        "clerk": staff(province, Role.CLERK),
        "clerk2": staff(province, Role.CLERK),
        "head": staff(province, Role.HEAD),
        "officer": staff(province, Role.OFFICER, unit=unit),
    }


def registered(office) -> Application:
    return services.application_register(
        agency=office["agency"],
        channel="in_person",
        event_date=date(2025, 9, 26),
        applicant=dict(COUNTER_APPLICANT),
        data={"description": "长沙县黄花镇2019年征地批复"},
        by=office["clerk"],
    )


def slow_first_call(monkeypatch, owner: Any, name: str, seconds: float) -> None:
    """The first call of ``owner.name`` (in whichever thread) waits ``seconds`` before it runs: whatever
    lock its transaction holds is held while the other thread runs into it (a real overlap, not two
    turns)."""
    original = getattr(owner, name)
    first = threading.Event()

    def slowed(*args: Any, **kwargs: Any) -> Any:
        if not first.is_set():
            first.set()
            time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, slowed)


@pytest.fixture
def slow_first_record(monkeypatch):
    """The first case event written waits a moment inside its transaction (the row lock taken by its
    UPDATE is held meanwhile)."""
    slow_first_call(monkeypatch, services, "_record", 0.5)


# --- two staff, one case --------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_acting_at_once_through_the_services(office, slow_first_record):
    app = services.application_submit_online(
        applicant=ApplicantFactory(), agency=office["agency"], data={"description": "征地批复"}
    )
    today = timezone.localdate()
    # Both people opened the case before either acted (loaded here, not in the threads: a thread started
    # late on a busy machine would otherwise read the other's result and never be stale).
    seen_by_clerk, seen_by_clerk2 = Application.objects.get(pk=app.pk), Application.objects.get(pk=app.pk)

    def accept() -> Any:
        return services.application_accept(application=seen_by_clerk, accepted_on=today, by=office["clerk"])

    def discard() -> Any:
        return services.application_discard(
            application=seen_by_clerk2, reason="申请内容不明确", by=office["clerk2"]
        )

    results = in_threads(accept, discard)
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1, results
    assert isinstance(failures[0], services.StaleApplication)
    assert failures[0].messages == ["该申请已被他人修改，请刷新后再操作。"]
    app.refresh_from_db()
    assert app.version == 2 and app.status in (Status.REGISTERED, Status.DISCARDED)
    assert list(app.events.values_list("verb", flat=True)) == [
        "submitted",
        "accepted" if app.status == Status.REGISTERED else "discarded",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_acting_at_once_through_the_case_page(office, slow_first_record):
    """What the two people see: one "已完成", the other a clear message, nothing half-done."""
    app = services.application_submit_online(
        applicant=ApplicantFactory(), agency=office["agency"], data={"description": "征地批复"}
    )
    today = timezone.localdate().isoformat()
    a, b = login(office["clerk"]), login(office["clerk2"])

    def post(client: Client, action: str, data: dict[str, str]) -> str:
        url = reverse("applications_staff:act", args=[app.public_id, action])
        response = client.post(url, {"version": "1", **data}, follow=True)
        assert response.status_code in (200, 409)  # 409: the stale form's page, with what changed
        return response.content.decode()

    pages = in_threads(
        lambda: post(a, "accept", {"accept-on": today}),
        lambda: post(b, "discard", {"discard-on": today, "discard-reason": "申请内容不明确"}),
    )
    assert all(isinstance(p, str) for p in pages), pages
    done = [p for p in pages if "已完成" in p]
    told = [p for p in pages if "已被他人修改" in p]
    assert len(done) == 1 and len(told) == 1
    assert "请刷新后再操作" in told[0] or "请查看最新情况后再操作" in told[0]
    app.refresh_from_db()
    assert app.version == 2 and app.events.count() == 2


# --- a double-clicked submit ----------------------------------------------------------------------------


def _online_form(client: Client, applicant: Any, agency: Any) -> tuple[str, dict[str, Any]]:
    url = reverse("applications_public:apply", args=[agency.code])
    token = client.get(url).context["form"].initial["token"]
    return url, {
        "applicant": applicant.pk,
        "description": "黄花镇2018年征地批复",
        "delivery_form": "electronic",
        "delivery_method": "email",
        "token": token,
    }


@pytest.mark.django_db
def test_a_double_clicked_submit_with_a_file_creates_one_application_and_one_file(office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    identity = ApplicantFactory()
    c = login(identity.account)
    url, data = _online_form(c, identity, office["agency"])
    responses = [
        c.post(url, {**data, "identity_copy": SimpleUploadedFile("身份证.pdf", PDF, "application/pdf")})
        for _ in range(2)
    ]
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    application = Application.objects.get()
    assert application.attachments.count() == 1
    assert list(application.events.values_list("verb", flat=True)) == ["submitted", "attached"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_arriving_at_the_same_moment_creates_one_application(office):
    """Two requests with the same form token at once (two worker processes): one application, and both
    clicks land on its page (neither gets an error)."""
    identity = ApplicantFactory()
    first, second = login(identity.account), login(identity.account)
    url, data = _online_form(first, identity, office["agency"])
    responses = in_threads(lambda: first.post(url, data), lambda: second.post(url, data))
    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    application = Application.objects.get()
    assert list(application.events.values_list("verb", flat=True)) == ["submitted"]
    # The number the failed twin took was rolled back: the next application gets the next number.
    other = services.application_submit_online(
        applicant=identity, agency=office["agency"], data={"description": "另一件"}
    )
    assert int(other.number[-5:]) == int(application.number[-5:]) + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_one_account_at_the_same_moment_stay_within_its_quota(
    office, settings, tmp_path, monkeypatch
):
    """Bad-inputs 6: two applications with an identity copy from one account at once, with room in the
    quota for one file. Both pass the form's check (nothing is stored yet); storing the first is slowed
    while it holds the account's row lock, so the second really waits on it, then counts the first file
    and is refused with the form kept. One application, one file."""
    from gongkai.core import uploads

    settings.MEDIA_ROOT = tmp_path
    settings.GONGKAI_UPLOAD_QUOTA_BYTES = 2 * len(PDF) - 1
    slow_first_call(monkeypatch, uploads, "store", 0.7)
    identity = ApplicantFactory()
    a, b = login(identity.account), login(identity.account)
    # Two agencies: the two filings share no number sequence row, so only the account's lock orders them.
    one, two = _online_form(a, identity, office["agency"]), _online_form(b, identity, office["city"])

    def post(client: Client, form: tuple[str, dict[str, Any]], text: str) -> Any:
        url, data = form
        pdf = SimpleUploadedFile("身份证.pdf", PDF, "application/pdf")
        return client.post(url, {**data, "description": text, "identity_copy": pdf})

    responses = in_threads(lambda: post(a, one, "第一件"), lambda: post(b, two, "第二件"))
    codes = sorted(getattr(r, "status_code", r) for r in responses)
    assert codes == [200, 302], responses
    refused = next(r for r in responses if r.status_code == 200).content.decode()
    assert "24 小时内上传的文件合计将超过" in refused
    assert Application.objects.count() == 1 and Attachment.objects.count() == 1
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


# --- a failure in the middle of a reply -----------------------------------------------------------------


def _drafted(office) -> Application:
    app = registered(office)
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    services.application_draft_reply(
        application=app, outcome="disclosed", text="答复正文", by=office["officer"]
    )
    return app


@pytest.mark.django_db
def test_a_failure_while_approving_the_reply_leaves_the_draft_as_it_was(office, monkeypatch):
    app = _drafted(office)
    before = (app.status, app.version, app.concluded_on, app.outcome)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(services.notify, "applicant", broken)
    with pytest.raises(RuntimeError):
        services.application_approve_reply(application=app, replied_on=date(2025, 10, 20), by=office["head"])
    app = Application.objects.get(pk=app.pk)
    assert (app.status, app.version, app.concluded_on, app.outcome) == before
    assert not app.events.filter(verb="replied").exists()
    assert set(Assignment.objects.filter(application=app).values_list("status", flat=True)) == {"drafted"}
    monkeypatch.undo()
    services.application_approve_reply(application=app, replied_on=date(2025, 10, 20), by=office["head"])
    assert Application.objects.get(pk=app.pk).status == Status.REPLIED


@pytest.mark.django_db
def test_the_reply_letter_failing_to_render_changes_nothing(office, monkeypatch):
    """A letter is rendered from the case on download; a rendering error is a failed download, not a
    half-saved reply."""
    from gongkai.applications import letters

    app = _drafted(office)
    services.application_approve_reply(application=app, replied_on=date(2025, 10, 20), by=office["head"])
    events = app.events.count()

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(letters, "letter_pdf", broken)
    c = login(office["clerk"])
    c.raise_request_exception = False
    r = c.get(reverse("applications_staff:letter", args=[app.public_id, "reply", "pdf"]))
    assert r.status_code == 500
    app.refresh_from_db()
    assert app.status == Status.REPLIED and app.events.count() == events


@pytest.mark.django_db
def test_a_failed_file_save_leaves_no_attachment(office, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    app = _drafted(office)

    def broken(self: Any, name: str, content: Any) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "_save", broken)
    with pytest.raises(OSError, match="disk full"):
        services.attach(
            application=app,
            upload=SimpleUploadedFile("批复.pdf", PDF, "application/pdf"),
            kind="disclosed",
            by=office["officer"],
        )
    assert not Attachment.objects.exists() and not app.events.filter(verb="attached").exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_a_failure_after_the_file_is_stored_leaves_no_half_saved_attachment(
    office, settings, tmp_path, monkeypatch
):
    """The file is stored, then the row and the case event are written: if writing them fails, there
    is neither a row without its timeline entry nor a stored file left behind."""
    settings.MEDIA_ROOT = tmp_path
    app = _drafted(office)
    original = services._record

    def broken(application: Any, by: Any, verb: str, **kwargs: Any) -> Any:
        if verb == "attached":
            raise RuntimeError("killed")
        return original(application, by, verb, **kwargs)

    monkeypatch.setattr(services, "_record", broken)
    with pytest.raises(RuntimeError, match="killed"):
        services.attach(
            application=app,
            upload=SimpleUploadedFile("批复.pdf", PDF, "application/pdf"),
            kind="disclosed",
            by=office["officer"],
        )
    assert not Attachment.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    # Every attachment that does exist refers to a stored file.
    monkeypatch.undo()
    services.attach(
        application=app,
        upload=SimpleUploadedFile("批复.pdf", PDF, "application/pdf"),
        kind="disclosed",
        by=office["officer"],
    )
    for attachment in Attachment.objects.all():
        assert (tmp_path / attachment.file.name).read_bytes() == PDF
    assert CaseEvent.objects.filter(application=app, verb="attached").count() == 1
