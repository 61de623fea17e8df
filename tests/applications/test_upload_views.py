"""Upload checks through the views: a staff upload with an embedded file, the applicant's 24-hour quota.

Bad-inputs 6 (per-user quota) and 7; the unit tests of the checks are in ``tests/core/test_upload_safety.py``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.applications import services
from gongkai.applications.models import Application, Attachment
from tests.factories import PASSWORD, ApplicantFactory
from tests.upload_samples import pdf, png

EMBEDDED_FILE = pdf(
    b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
    (
        b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
    ),
)

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_a_staff_upload_with_an_embedded_file_is_refused(register, office, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    app = register()
    c = login(office["clerk"])
    url = reverse("applications_staff:act", args=[app.public_id, "attach"])
    data = {"version": app.version, "kind": "request", "attach-file": upload("材料.pdf", EMBEDDED_FILE)}
    r = c.post(url, data, follow=True)
    assert "含有脚本、嵌入文件" in r.content.decode()
    assert not Attachment.objects.exists()


# --- case 6: per-applicant quota per rolling 24 hours ----------------------------------------------------


def apply_with(c: Client, tree, identity, token: str, data: bytes, description: str = "征地批复及附图"):
    return c.post(
        reverse("applications_public:apply", args=[tree["province"].code]),
        {
            "applicant": identity.pk,
            "description": description,
            "delivery_form": "paper",
            "delivery_method": "post",
            "token": token,
            "identity_copy": upload("身份证.png", data),
        },
    )


def _first_file_stored(tree, tmp_path, settings):
    """An applicant who filed with one file, the quota leaving no room for ``second``: (client, identity,
    the file that no longer fits, the files stored so far)."""
    settings.MEDIA_ROOT = tmp_path
    first, second = png(10, 10), png(20, 20)
    settings.GONGKAI_UPLOAD_QUOTA_BYTES = len(first) + len(second) - 1
    identity = ApplicantFactory()
    c = login(identity.account)
    assert apply_with(c, tree, identity, "q1", first).status_code == 302
    return c, identity, second, {p for p in Path(tmp_path).rglob("*") if p.is_file()}


def test_over_the_quota_is_a_form_error_keeping_the_draft_and_storing_nothing(tree, tmp_path, settings):
    c, identity, second, stored = _first_file_stored(tree, tmp_path, settings)

    r = apply_with(c, tree, identity, "q2", second, description="第二件申请：土地征收补偿方案")
    body = r.content.decode()
    assert r.status_code == 200 and "24 小时内上传的文件合计将超过" in body
    assert "第二件申请：土地征收补偿方案" in body  # what was typed is kept
    assert Application.objects.count() == 1 and Attachment.objects.count() == 1
    assert {p for p in Path(tmp_path).rglob("*") if p.is_file()} == stored  # nothing stored

    # A day later the first file no longer counts.
    Attachment.objects.update(uploaded_at=timezone.now() - timedelta(hours=24, minutes=1))
    assert apply_with(c, tree, identity, "q3", second).status_code == 302
    assert Attachment.objects.count() == 2


def test_the_quota_counts_only_the_applicants_own_uploads(register, office, tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    identity = ApplicantFactory()
    other = ApplicantFactory()
    staff_app = register()
    services.attach(
        application=staff_app, upload=upload("材料.png", png(30, 30)), kind="request", by=office["clerk"]
    )
    other_app = services.application_submit_online(
        applicant=other, agency=tree["province"], data={"description": "甲"}
    )
    services.attach(
        application=other_app, upload=upload("身份证.png", png(30, 30)), kind="identity", by=other.account
    )
    settings.GONGKAI_UPLOAD_QUOTA_BYTES = len(png(10, 10))  # the others' uploads above exceed it
    c = login(identity.account)
    assert apply_with(c, tree, identity, "q4", png(10, 10)).status_code == 302
    r = apply_with(c, tree, identity, "q5", png(10, 10))
    assert r.status_code == 200 and "24 小时内" in r.content.decode()


def test_filing_checks_the_quota_again_after_the_form_check_passed(tree, tmp_path, settings, monkeypatch):
    """Two uploads of one account at the same instant both pass the form's early check (here: that check
    switched off); the check inside the storing transaction, under the account's row lock, refuses the
    one that would pass the quota: a form error, the draft kept, no application, nothing stored."""
    from gongkai.applications import quota

    c, identity, second, stored = _first_file_stored(tree, tmp_path, settings)

    monkeypatch.setattr(quota, "check_quota", lambda account, size: None)
    r = apply_with(c, tree, identity, "r2", second, description="同一时刻的第二件申请")
    body = r.content.decode()
    assert r.status_code == 200 and "24 小时内上传的文件合计将超过" in body and "同一时刻的第二件申请" in body
    assert Application.objects.count() == 1 and Attachment.objects.count() == 1
    assert {p for p in Path(tmp_path).rglob("*") if p.is_file()} == stored


def test_a_kept_copy_refused_when_filing_is_dropped_so_the_next_try_files(tree, tmp_path, settings):
    """A checked identity copy kept from a form with an error, while the account's quota filled up with
    another upload: filing refuses it (the check under the lock), drops it and says so; the typed form is
    back, and sending it again files the application without the copy."""
    settings.MEDIA_ROOT = tmp_path
    first, second = png(10, 10), png(20, 20)
    settings.GONGKAI_UPLOAD_QUOTA_BYTES = len(first) + len(second) - 1
    identity = ApplicantFactory()
    c = login(identity.account)
    url = reverse("applications_public:apply", args=[tree["province"].code])
    form = {
        "applicant": identity.pk,
        "description": "",
        "delivery_form": "paper",
        "delivery_method": "post",
        "token": "k1",
    }
    r = c.post(url, {**form, "identity_copy": upload("身份证.png", second)})  # no description: kept
    assert r.status_code == 200 and c.session.get("gongkai_pending_identity_copy")
    other_device = login(identity.account)  # another session of the account fills the quota meanwhile
    assert apply_with(other_device, tree, identity, "k0", first).status_code == 302

    form["description"] = "黄花镇2019年征地批复"
    r = c.post(url, form)
    body = r.content.decode()
    assert r.status_code == 200 and "此前保留的身份证明文件未被接收，已删除" in body
    assert "黄花镇2019年征地批复" in body
    assert not c.session.get("gongkai_pending_identity_copy")
    assert Application.objects.count() == 1

    r = c.post(url, form)
    assert r.status_code == 302
    assert Application.objects.count() == 2 and Attachment.objects.count() == 1
    assert len([p for p in Path(tmp_path).rglob("*") if p.is_file()]) == 1  # the kept copy is deleted
