"""The cases of ``../shared/spec/bad-inputs.md`` not already proven elsewhere (see docs/security.md,
"Bad inputs", for the whole table): through the real forms, views and services where there is one."""

from __future__ import annotations

import io
import logging
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from gongkai.applications import services
from gongkai.applications.models import Application, Attachment
from gongkai.core import uploads
from gongkai.orgs.models import Applicant
from gongkai.publishing import services as publishing_services
from gongkai.publishing.models import CatalogueNode
from tests.applications.conftest import office, register  # noqa: F401  (fixtures)
from tests.factories import PASSWORD, ApplicantFactory, applicant_account, resident_id
from tests.upload_samples import PDF

pytestmark = pytest.mark.django_db

ID_NUMBER = resident_id("43012119680315003")


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def applicant_form(**changes) -> dict[str, str]:
    return {
        "kind": "natural_person",
        "name": "王明",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": "13807310009",
        "address": "湖南省长沙县黄花镇某村",
        "postcode": "410137",
        **changes,
    }


# --- 1: the birth-date part of an ID number ----------------------------------------------------------


def test_an_id_number_born_in_the_future_is_a_form_error():
    from stdnum.cn import ric

    body = "11010520990101002"  # a valid check character, but born in 2099
    c = login(applicant_account())
    r = c.post(
        reverse("portal:applicant_new"), applicant_form(id_number=body + ric.calc_check_digit(body + "0"))
    )
    assert r.status_code == 200 and "出生日期" in r.content.decode()
    assert not Applicant.objects.exists()


# --- 2 and 5: what people type, through the applicant form ---------------------------------------------


def test_full_width_id_and_phone_with_separators_are_stored_canonical():
    """Case 2: typed in full-width digits with spaces and dashes, stored in the canonical ASCII form."""
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in ID_NUMBER)
    typed_id = f"{full_width[:6]} {full_width[6:14]}-{full_width[14:]}"
    c = login(applicant_account())
    r = c.post(reverse("portal:applicant_new"), applicant_form(id_number=typed_id, phone="１３８-0731 0009"))
    assert r.status_code == 302
    applicant = Applicant.objects.get()
    assert applicant.id_number == ID_NUMBER and applicant.phone == "13807310009"


def test_arabic_indic_digits_are_refused_by_the_form():
    arabic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in ID_NUMBER)
    c = login(applicant_account())
    r = c.post(reverse("portal:applicant_new"), applicant_form(id_number=arabic))
    assert r.status_code == 200 and not Applicant.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "𠀀" * 60,  # 60 Extension-B characters: 60 code points, 120 UTF-16 units, 240 UTF-8 bytes
        "𠀀" * 100,  # the limit (organisations' names are long), counted in code points
        "阿卜杜热合曼·买买提",  # the minority-name dot
        "王😀明",  # emoji
    ],
)
def test_names_are_stored_intact_and_counted_in_code_points(name):
    """Case 5: stored as typed; the 100-character limit counts code points, not bytes or UTF-16 units."""
    c = login(applicant_account())
    r = c.post(reverse("portal:applicant_new"), applicant_form(name=name))
    assert r.status_code == 302
    assert Applicant.objects.get().name == name
    assert name in c.get(r["Location"]).content.decode()


def test_a_101_character_name_is_a_form_error():
    c = login(applicant_account())
    r = c.post(reverse("portal:applicant_new"), applicant_form(name="𠀀" * 101))
    assert r.status_code == 200 and not Applicant.objects.exists()


# --- NUL, bidi overrides, over-long text: the online application form -----------------------------------


def apply_url(agency) -> str:
    return reverse("applications_public:apply", args=[agency.code])


def application_post(client: Client, identity, agency, **changes):
    token = client.get(apply_url(agency)).context["form"].initial["token"]
    data = {
        "applicant": identity.pk,
        "description": "黄花镇2018年征地批复",
        "delivery_form": "paper",
        "delivery_method": "post",
        "token": token,
        **changes,
    }
    return client.post(apply_url(agency), data)


def test_nul_in_a_form_field_is_a_form_error_not_a_500(tree):
    identity = ApplicantFactory()
    c = login(identity.account)
    r = application_post(c, identity, tree["province"], description="征地\x00批复")
    assert r.status_code == 200 and not Application.objects.exists()


def test_bidi_overrides_and_controls_are_removed_rare_characters_kept(tree):
    identity = ApplicantFactory()
    c = login(identity.account)
    r = application_post(
        c,
        identity,
        tree["province"],
        description="𠀀村\u202e征地批复\u2066文件\x0b·😀",
        document_title="批复\x1f",
    )
    assert r.status_code == 302
    application = Application.objects.get()
    assert application.description == "𠀀村征地批复文件·😀" and application.document_title == "批复"


def test_over_long_description_is_a_form_error_and_nothing_is_saved(tree):
    identity = ApplicantFactory()
    c = login(identity.account)
    r = application_post(c, identity, tree["province"], description="征" * 4001)
    assert r.status_code == 200 and "4000" in r.content.decode()
    assert not Application.objects.exists()
    assert application_post(c, identity, tree["province"], description="征" * 4000).status_code == 302


# --- 6, 7, 8, 9: uploads ------------------------------------------------------------------------------


def upload(name: str, data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@override_settings(GONGKAI_MAX_UPLOAD_BYTES=1024)
def test_a_chunked_upload_is_stopped_once_it_passes_the_limit():
    """Case 6: a body without Content-Length passes the middleware; the upload handler stops it."""
    handler = uploads.LimitedUploadHandler()
    handler.new_file("file", "x.pdf", "application/pdf", None)
    handler.receive_data_chunk(b"0" * 1000, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"0" * 100, 1000)


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03 an executable",
        b"<html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"%!PS-Adobe-3.0\n",
        b"",
    ],
)
def test_content_that_is_not_the_named_type_is_refused(data):
    """Case 7: the extension says PDF, the bytes say otherwise."""
    with pytest.raises(uploads.UploadRejected):
        uploads.check(upload("批复.pdf", data))


def test_a_real_pdf_with_an_image_extension_is_refused():
    with pytest.raises(uploads.UploadRejected, match="不符"):
        uploads.check(upload("照片.png"))


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_a_docx_bomb_is_refused_before_it_is_unpacked():
    """Case 8: 210 MB of zeros in a few hundred kB; the sizes in the zip directory are checked."""
    bomb = zip_bytes(
        {"word/document.xml": b"<w/>", "word/bomb.xml": b"\0" * (uploads.MAX_ZIP_UNCOMPRESSED + 1)}
    )
    assert len(bomb) < 1024 * 1024
    with pytest.raises(uploads.UploadRejected, match="压缩内容过大"):
        uploads.check(upload("申请书.docx", bomb))


def test_a_docx_with_too_many_entries_is_refused():
    entries = {"word/document.xml": b"<w/>"} | {f"x/{i}": b"" for i in range(uploads.MAX_ZIP_ENTRIES)}
    with pytest.raises(uploads.UploadRejected, match="文件数过多"):
        uploads.check(upload("申请书.docx", zip_bytes(entries)))


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\windows\\x.pdf", "x.pdf"),
        ("/etc/passwd/../批复.pdf", "批复.pdf"),
        ("\u202egpj.pdf", "gpj.pdf"),
        (" 批复\t\n.pdf ", "批复.pdf"),
        ("批复  2025 .pdf", "批复 2025 .pdf"),
    ],
)
def test_client_file_names_are_only_display_text(name, shown):
    """Case 9: the display name has no path, no controls and no bidi override; the stored name is random."""
    assert uploads.display_name(name) == shown
    ext, _ = uploads.check(upload(name))
    stored = uploads.storage_name("applications", ext)
    assert stored.startswith("applications/") and stored.endswith(".pdf")
    assert ".." not in stored and len(stored) == len("applications/") + 32 + 4


@pytest.mark.parametrize("name", ["a.pdf\x00.exe", "\u202efdp.exe", "批复.pdf.exe", "批复"])
def test_names_that_end_in_another_type_are_refused(name):
    with pytest.raises(uploads.UploadRejected):
        uploads.check(upload(name))


def test_a_300_character_name_keeps_its_extension():
    """Case 9: a long name is shortened for display, but the file is still accepted as what it is."""
    name = "关于" + "征地" * 147 + ".pdf"
    assert len(name) == 300
    ext, _ = uploads.check(upload(name))
    shown = uploads.display_name(name)
    assert ext == "pdf" and len(shown) <= 120 and shown.endswith(".pdf")


def test_download_header_is_rfc6266_and_nosniff(register, office, tmp_path, settings):  # noqa: F811
    """Case 9 (and 7): a stored attachment is downloaded as an attachment with filename*=UTF-8''… and
    nosniff, whatever its name was."""
    settings.MEDIA_ROOT = tmp_path
    app = register(date(2025, 9, 26))
    c = login(office["clerk"])
    url = reverse("applications_staff:act", args=[app.public_id, "attach"])
    c.post(url, {"version": app.version, "kind": "disclosed", "attach-file": upload('..\\"批复\u202e".pdf')})
    attachment = Attachment.objects.get()
    assert attachment.name == '"批复".pdf' and "\u202e" not in attachment.name
    r = c.get(reverse("applications_staff:file", args=[app.public_id, attachment.public_id]))
    disposition = r["Content-Disposition"]
    assert r.status_code == 200 and disposition.startswith("attachment;")
    assert "filename*=utf-8''%22%E6%89%B9%E5%A4%8D%22.pdf" in disposition
    assert r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content) == PDF


# --- 20: the receipt date is the Beijing calendar date ------------------------------------------------


def test_late_evening_in_beijing_is_that_day_and_after_midnight_the_next(tree, monkeypatch):
    identity = ApplicantFactory()

    def submit_at(moment: datetime) -> Application:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return services.application_submit_online(
            applicant=identity, agency=tree["province"], data={"description": "征地批复"}
        )

    before = submit_at(datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC))  # 23:59:59 in Beijing
    after = submit_at(datetime(2026, 12, 31, 16, 0, 0, tzinfo=UTC))  # 00:00:00 on 1 January in Beijing
    assert "-2026-" in before.number and "-2027-" in after.number
    monkeypatch.undo()
    from tests.factories import staff

    clerk = staff(tree["province"], "clerk")
    with pytest.raises(ValidationError, match="受理日期不能早于提交日期"):
        services.application_accept(application=after, accepted_on=date(2026, 12, 31), by=clerk)
    services.application_accept(application=before, accepted_on=date(2026, 12, 31), by=clerk)
    before.refresh_from_db()
    assert before.received_on == date(2026, 12, 31)


# --- 24: search abuse --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "征" * 10_000,
        "%",
        "_",
        "%_%",
        "100%",
        ".*[(?",
        "\\",
        "'; DROP TABLE x; --",
        "",
        " ",
        "\x00",
        "徵地",
        "zhengdi",
    ],
)
def test_search_survives_any_query(tree, q):
    c = Client()
    page = c.get(reverse("search:page"), {"q": q})
    assert page.status_code == 200
    assert c.get(reverse("search:suggest"), {"q": q}).status_code == 200
    assert c.get("/api/v1/search", {"q": q}).status_code < 500


@pytest.mark.parametrize("param", ["year", "page"])
@pytest.mark.parametrize("value", ["²", "١٢", "²⁰²⁵", "9" * 30])
def test_list_pages_survive_digits_of_other_scripts_and_huge_numbers(tree, param, value):
    """``"²".isdigit()`` is true but ``int("²")`` raises: such parameters gave 500 before."""
    code = tree["province"].code
    publishing_services.catalogue_seed(tree["province"])
    node = CatalogueNode.objects.filter(agency=tree["province"]).first()
    urls = [
        reverse("search:page"),
        reverse("credit_public:list", args=[code]),
        reverse("normative_public:list", args=[code]),
        reverse("publishing_public:list", args=[code, node.pk]),
    ]
    for url in urls:
        assert Client().get(url, {param: value}).status_code == 200, url


# --- the open-data API: parameters the schema does not allow -----------------------------------------


def test_api_parameters_out_of_range_are_not_server_errors(tree):
    c = Client()
    r = c.get("/api/v1/items/", {"node": "9" * 30})
    assert r.status_code == 200 and r.json()["count"] == 0
    assert c.get("/api/v1/items/", {"node": "²"}).status_code == 200
    for since in ("abc", "2025-02-30", "\x00"):
        r = c.get("/api/v1/items/", {"since": since})
        assert r.status_code == 400 and "since" in r.json()["error"]
    assert c.get("/api/v1/items/" + "9" * 30 + "/").status_code == 404
    assert c.get("/api/v1/items/", {"page": "9" * 30}).status_code == 200


# --- 25: log injection and personal data in logs -------------------------------------------------------


def test_typed_text_and_personal_data_never_reach_the_logs(tree, caplog):
    identity = ApplicantFactory()
    c = login(identity.account)
    forged = "征地批复\n2026-01-01 00:00:00 INFO gongkai admin login ok"
    with caplog.at_level(logging.DEBUG):
        assert application_post(c, identity, tree["province"], description=forged).status_code == 302
        other = login(ApplicantFactory().account)
        assert other.get(reverse("applications_public:detail", args=[Application.objects.get().public_id]))
    logged = caplog.text
    assert "admin login ok" not in logged
    assert identity.id_number not in logged and identity.phone not in logged


@pytest.mark.parametrize("text", ["²", "２０２５", "2025x", "9" * 30, ""])
def test_numbers_in_urls_are_ascii_digits_only(text):
    from gongkai.core.text import parse_int, parse_year

    assert parse_year(text) is None
    assert parse_int(text) is None
    assert parse_year(" 2025 ") == 2025 and parse_int("42") == 42
