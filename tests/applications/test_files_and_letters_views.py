"""Downloads (letters, attachments), the ledger page, upload checks and the daily limit, through views."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application, Attachment
from gongkai.orgs.models import Role
from tests.factories import PASSWORD, ApplicantFactory, staff
from tests.upload_samples import PDF

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.fixture
def replied(register, office):
    app = register(date(2025, 9, 26))
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    services.application_draft_reply(
        application=app, outcome="disclosed", text="现提供所申请的信息。", by=office["officer"]
    )
    return app


def test_staff_downloads_draft_letter_applicant_only_the_final_one(replied, office, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    identity = ApplicantFactory()
    Application.objects.filter(pk=replied.pk).update(account=identity.account)
    staff_url = reverse("applications_staff:letter", args=[replied.public_id, "reply", "pdf"])
    r = login(office["clerk"]).get(staff_url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert "attachment" in r["Content-Disposition"] and r["Cache-Control"] == "private, no-store"
    public_url = reverse("applications_public:letter", args=[replied.public_id, "reply", "pdf"])
    applicant = login(identity.account)
    assert applicant.get(public_url).status_code == 404  # still a draft awaiting the head
    replied.refresh_from_db()
    services.application_approve_reply(application=replied, replied_on=date(2025, 10, 20), by=office["head"])
    r = applicant.get(public_url)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    docx = applicant.get(reverse("applications_public:letter", args=[replied.public_id, "reply", "docx"]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    other = login(ApplicantFactory().account)
    assert other.get(public_url).status_code == 404


def test_disclosed_files_reach_the_applicant_after_the_reply(replied, office, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    identity = ApplicantFactory()
    Application.objects.filter(pk=replied.pk).update(account=identity.account)
    c = login(office["clerk"])
    replied.refresh_from_db()
    url = reverse("applications_staff:act", args=[replied.public_id, "attach"])
    fake = SimpleUploadedFile("批复.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    c.post(url, {"version": replied.version, "kind": "disclosed", "attach-file": fake})
    assert not Attachment.objects.exists()  # .exe renamed to .pdf refused by its content
    good = SimpleUploadedFile("../../批复.pdf", PDF, content_type="application/pdf")
    c.post(url, {"version": replied.version, "kind": "disclosed", "attach-file": good})
    attachment = Attachment.objects.get()
    assert (
        attachment.name == "批复.pdf"
        and ".." not in attachment.file.name
        and "批复" not in attachment.file.name
    )
    file_url = reverse("applications_public:file", args=[replied.public_id, attachment.public_id])
    applicant = login(identity.account)
    assert applicant.get(file_url).status_code == 404  # not before the reply
    replied.refresh_from_db()
    services.application_approve_reply(application=replied, replied_on=date(2025, 10, 20), by=office["head"])
    r = applicant.get(file_url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert "attachment" in r["Content-Disposition"]


@override_settings(GONGKAI_MAX_UPLOAD_BYTES=1024)
def test_oversized_body_is_refused_before_it_is_read(tree):
    identity = ApplicantFactory()
    c = login(identity.account)
    big = SimpleUploadedFile("id.pdf", PDF + b"0" * 3 * 1024 * 1024, content_type="application/pdf")
    r = c.post(reverse("applications_public:apply", args=[tree["province"].code]), {"identity_copy": big})
    assert r.status_code == 413 and "文件过大" in r.content.decode()


@override_settings(GONGKAI_DAILY_APPLICATION_LIMIT=2)
def test_daily_limit_answers_429_and_keeps_the_draft(tree):
    identity = ApplicantFactory()
    for text in ("甲", "乙"):
        services.application_submit_online(
            applicant=identity, agency=tree["province"], data={"description": text}
        )
    c = login(identity.account)
    url = reverse("applications_public:apply", args=[tree["province"].code])
    r = c.post(
        url,
        {
            "applicant": identity.pk,
            "description": "第三件申请的内容",
            "delivery_form": "paper",
            "delivery_method": "post",
            "token": "abc",
        },
    )
    assert r.status_code == 429 and r["Retry-After"] == "86400"
    assert "第三件申请的内容" in r.content.decode()
    assert Application.objects.count() == 2


def test_ledger_page_checks_then_imports(tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    clerk = staff(tree["province"], Role.CLERK)
    c = login(clerk)
    csv_text = (
        "申请编号,受理机关,收到日期,申请方式,申请人类型,申请人,申请内容,办理结果,答复日期\n"
        "GK-2020-001,430S00,2020-03-02,当面,自然人,张三,征地批复,予以公开,2020-03-20\n"
        "GK-2020-002,430S00,2020-03-05,邮寄,律师,李四,征地补偿方案,,\n"
    )
    upload = SimpleUploadedFile("台账.csv", csv_text.encode(), content_type="text/csv")
    r = c.post(reverse("applications_staff:ledger"), {"agency": "430S00", "action": "import", "file": upload})
    assert r.status_code == 200 and "申请人类型" in r.content.decode() and not Application.objects.exists()
    # Import the valid row only, with the file kept from the first upload.
    r = c.post(reverse("applications_staff:ledger"), {"agency": "430S00", "action": "import_valid"})
    assert r.status_code == 302
    assert list(Application.objects.values_list("number", flat=True)) == ["GK-2020-001"]
    export = c.get(reverse("applications_staff:ledger_export") + "?agency=430S00&year=2020")
    assert export.status_code == 200 and export.content.startswith(b"PK")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.cell(2, 1).value == "GK-2020-001"
    other_clerk = staff(tree["city_b"], Role.CLERK)
    assert (
        login(other_clerk).get(reverse("applications_staff:ledger_export") + "?agency=430S00").status_code
        == 404
    )


def test_uploaded_identity_copy_survives_a_form_error(tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    identity = ApplicantFactory()
    c = login(identity.account)
    url = reverse("applications_public:apply", args=[tree["province"].code])
    token = c.get(url).context["form"].initial["token"]
    base = {"applicant": identity.pk, "delivery_form": "paper", "delivery_method": "post", "token": token}
    upload = SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf")
    r = c.post(url, {**base, "description": "", "identity_copy": upload})
    assert r.status_code == 200 and "已保留您上传的身份证明：身份证.pdf" in r.content.decode()
    r = c.post(url, {**base, "description": "征地批复"})
    assert r.status_code == 302
    attachment = Application.objects.get().attachments.get()
    assert attachment.name == "身份证.pdf" and attachment.kind == "identity"
    assert attachment.file.read() == PDF
    assert not list((tmp_path / "private" / "pending").glob("*"))
