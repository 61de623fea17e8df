"""The library's pages through Django's client: the public list (filters, facets, status), the document
page (metadata, relations both ways, replacement link, history without staff names, downloads), 404 for
what is not public; the staff list, form, actions by stage, uploads, relations and clean-ups, and access
by URL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.normative import services
from gongkai.normative.lifecycle import Relation, Status
from gongkai.normative.models import Cleanup, Document, DocumentRelation, Stage
from gongkai.orgs.models import Role
from tests.factories import PASSWORD, applicant_account, staff
from tests.normative.conftest import make
from tests.upload_samples import PDF

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def public_list(agency, **params) -> str:
    r = Client().get(reverse("normative_public:list", args=[agency.code]), params)
    assert r.status_code == 200
    return r.content.decode()


def public_detail(doc) -> str:
    r = Client().get(reverse("normative_public:detail", args=[doc.agency.code, doc.pk]))
    assert r.status_code == 200
    return r.content.decode()


@pytest.fixture
def library(province, clerk):
    return build_library(province, clerk)


def build_library(province, clerk) -> dict[str, Document]:
    """An old document replaced by a new one, an amended one, a repealed one and a draft."""
    old = make(
        province,
        clerk,
        "湖南省自然资源厅关于规范征地信息公开工作的通知",
        formed_on=date(2019, 3, 1),
        published_on=date(2019, 3, 5),
        effective_on=date(2019, 4, 1),
        topic="土地管理",
        co_issuers="湖南省财政厅、湖南省农业农村厅",
        summary="规范征地信息公开的内容和程序。",
        body="<p>第一条 为规范征地信息公开……</p>",
        filed_with="湖南省人民政府办公厅",
        filed_on=date(2019, 3, 20),
        filing_number="HNBA-2019-17",
    )
    new = make(
        province,
        clerk,
        "湖南省自然资源厅关于进一步规范征地信息公开工作的通知",
        formed_on=date(2023, 6, 1),
        published_on=date(2023, 6, 5),
        effective_on=date(2023, 7, 1),
        topic="土地管理",
    )
    services.relate(source=new, target=old, kind=Relation.REPLACES, by=clerk, reason="新文件代替旧文件")
    base = make(
        province,
        clerk,
        "湖南省矿业权出让管理办法",
        formed_on=date(2021, 2, 1),
        published_on=date(2021, 2, 5),
        effective_on=date(2021, 3, 1),
        expires_on=date(2031, 2, 28),
        topic="矿产资源",
    )
    amending = make(
        province,
        clerk,
        "关于修改《湖南省矿业权出让管理办法》的决定",
        formed_on=date(2024, 1, 2),
        published_on=date(2024, 1, 5),
        effective_on=date(2024, 2, 1),
        topic="矿产资源",
    )
    services.relate(source=amending, target=base, kind=Relation.AMENDS, by=clerk)
    repealed = make(
        province,
        clerk,
        "湖南省国土资源厅关于土地复垦的暂行规定",
        formed_on=date(2022, 5, 1),
        published_on=date(2022, 5, 5),
        effective_on=date(2022, 6, 1),
        topic="土地管理",
    )
    services.relate(source=new, target=repealed, kind=Relation.REPEALS, by=clerk, on=date(2023, 7, 1))
    draft = services.create(
        agency=province, data={"title": "起草中的某通知", "formed_on": date(2025, 1, 2)}, by=clerk
    )
    for d in (old, new, base, amending, repealed):
        d.refresh_from_db()
    return {
        "old": old,
        "new": new,
        "base": base,
        "amending": amending,
        "repealed": repealed,
        "draft": draft,
    }


# --- public pages -------------------------------------------------------------------------------------


def test_public_list_shows_published_documents_with_their_status(province, library):
    body = public_list(province)
    assert '<html lang="zh-Hans">' in body
    for key in ("old", "new", "base", "amending", "repealed"):
        assert library[key].title in body
    assert library["draft"].title not in body
    assert 'class="status-tag status-expired">失效</span>' in body
    assert 'class="status-tag status-repealed">废止</span>' in body
    assert 'class="status-tag status-amended">已修改</span>' in body
    assert 'data-label="效力状态"' in body and '<th scope="col">' in body
    assert 'aria-current="page">规范性文件库</a>' in body  # the column nav highlights the library
    assert "共 5 件" in body


def test_public_list_filters_and_facets(province, library):
    body = public_list(province, status="repealed")
    assert library["repealed"].title in body and library["old"].title not in body
    assert "废止（1）" in body and "有效（2）" in body  # facet counts over the whole library
    body = public_list(province, year="2023")
    assert library["new"].title in body and library["old"].title not in body
    body = public_list(province, topic="矿产资源")
    assert library["base"].title in body and library["new"].title not in body
    body = public_list(province, q=library["old"].document_number)
    assert library["old"].title in body and library["new"].title not in body
    body = public_list(province, q="矿业权")
    assert "共 2 件" in body
    body = public_list(province, kind="rule")
    assert "共 0 件" in body and "没有符合条件的文件" in body
    body = public_list(province, status="nonsense", year="20x3")
    assert "共 5 件" in body


def test_public_list_pages_by_twenty(province, clerk):
    for i in range(22):
        make(province, clerk, f"测试文件{i:02d}", published_on=date(2020, 3, 5))
    body = public_list(province)
    assert body.count('data-label="标题"') == 20 and 'rel="next"' in body
    body = public_list(province, page="2")
    assert body.count('data-label="标题"') == 2


def test_public_detail_shows_every_fact_and_links_to_the_replacement(library, clerk):
    old, new = library["old"], library["new"]
    body = public_detail(old)
    for text in (
        old.index_number,
        old.document_number,
        old.registration_number,
        "湖南省自然资源厅",
        "（牵头）",
        "湖南省财政厅",
        "湖南省农业农村厅",
        "2019-03-01",
        "2019-03-05",
        "2019-04-01",
        "土地管理",
        "规范征地信息公开的内容和程序。",
        "<p>第一条 为规范征地信息公开……</p>",
        "经审核，合法",
        "HNBA-2019-17",
        "湖南省人民政府办公厅",
    ):
        assert text in body, text
    assert 'status-tag status-expired big">失效</span>' in body
    replacement_url = reverse("normative_public:detail", args=[new.agency.code, new.pk])
    assert "本文件已被代替，请查看：" in body and f'href="{replacement_url}"' in body
    assert "被代替" in body and "新文件代替旧文件" in body
    assert "起草" not in body.split("效力变化记录")[1]  # the public history starts at publication
    assert str(clerk) not in body  # no staff names in public
    new_body = public_detail(new)
    assert "代替了" in new_body and "废止了" in new_body
    assert reverse("normative_public:detail", args=[old.agency.code, old.pk]) in new_body


def test_public_detail_of_an_amended_document(library):
    body = public_detail(library["base"])
    assert 'status-amended big">已修改</span>' in body
    assert "本文件已被修改，请查看：" in body and library["amending"].title in body


def test_drafts_registered_and_other_agencies_documents_are_not_public(library, province, clerk, tree):
    c = Client()
    draft = library["draft"]
    assert c.get(reverse("normative_public:detail", args=[province.code, draft.pk])).status_code == 404
    registered = make(province, clerk, "已登记未发布的通知", published_on=None)
    assert c.get(reverse("normative_public:detail", args=[province.code, registered.pk])).status_code == 404
    old = library["old"]
    assert c.get(reverse("normative_public:detail", args=["4301S0", old.pk])).status_code == 404
    assert c.get(reverse("normative_public:list", args=["NOPE"])).status_code == 404


def test_original_files_download_as_attachments(library, clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old = library["old"]
    record = services.attach(document=old, upload=SimpleUploadedFile("原件 签发稿.pdf", PDF), by=clerk)
    body = public_detail(old)
    url = reverse("normative_public:file", args=[old.agency.code, old.pk, record.pk])
    assert url in body and "原件 签发稿.pdf" in body
    r = Client().get(url)
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert r["Content-Type"] == "application/pdf" and r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content) == PDF
    draft = library["draft"]
    hidden = services.attach(document=draft, upload=SimpleUploadedFile("d.pdf", PDF), by=clerk)
    url = reverse("normative_public:file", args=[draft.agency.code, draft.pk, hidden.pk])
    assert Client().get(url).status_code == 404
    wrong = reverse("normative_public:file", args=[old.agency.code, old.pk, hidden.pk])
    assert Client().get(wrong).status_code == 404


# --- staff pages: access ------------------------------------------------------------------------------


def test_staff_list_is_scoped_and_shows_the_expiring_panel(library, province, clerk, tree):
    soon = make(
        province,
        clerk,
        "快到期的通知",
        formed_on=date(2020, 1, 1),
        published_on=date(2020, 1, 2),
        effective_on=date(2020, 2, 1),
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    body = login(clerk).get(reverse("normative_staff:list")).content.decode()
    assert library["draft"].title in body and library["old"].title in body
    panel = body.split('id="h-expiring"')[1].split("</section>")[0]
    assert soon.title in panel and library["new"].title not in panel
    dashboard = login(clerk).get(reverse("staff:dashboard")).content.decode()
    assert "规范性文件：1 件将在 90 天内到期" in dashboard
    other = staff(tree["city_b"], Role.CLERK)
    body = login(other).get(reverse("normative_staff:list")).content.decode()
    assert library["old"].title not in body and "没有即将到期的文件" in body
    c = login(clerk)
    assert (
        library["draft"].title in c.get(reverse("normative_staff:list"), {"stage": "draft"}).content.decode()
    )
    filtered = c.get(reverse("normative_staff:list"), {"status": "repealed"}).content.decode()
    assert library["repealed"].title in filtered and library["old"].title not in filtered
    filtered = c.get(reverse("normative_staff:list"), {"q": "矿业权", "year": "2021"}).content.decode()
    assert library["base"].title in filtered and library["amending"].title not in filtered


def test_other_agencies_staff_get_404_and_supervisors_read_only(library, province, tree):
    old = library["old"]
    outsider = login(staff(tree["city_b"], Role.CLERK, Role.HEAD))
    for name in ("detail", "edit"):
        assert outsider.get(reverse(f"normative_staff:{name}", args=[old.pk])).status_code == 404
    assert outsider.post(reverse("normative_staff:register", args=[old.pk])).status_code == 404
    officer = login(staff(province, Role.REVIEWER))  # own agency, no role that changes documents
    assert officer.get(reverse("normative_staff:detail", args=[old.pk])).status_code == 200
    assert officer.get(reverse("normative_staff:edit", args=[old.pk])).status_code == 404
    assert officer.get(reverse("normative_staff:create")).status_code == 404
    city_doc = services.create(
        agency=tree["city_a"], data={"title": "长沙某通知", "formed_on": date(2024, 1, 1)}, by=None
    )
    supervisor = login(staff(province, Role.SUPERVISOR))
    page = supervisor.get(reverse("normative_staff:detail", args=[city_doc.pk]))
    assert page.status_code == 200 and "更正信息" not in page.content.decode()
    assert supervisor.get(reverse("normative_staff:edit", args=[city_doc.pk])).status_code == 404
    public = Client()
    assert public.login(username=applicant_account().username, password=PASSWORD)
    assert public.get(reverse("normative_staff:list")).status_code == 404
    assert Client().get(reverse("normative_staff:list")).status_code == 302


# --- staff pages: drafting, 三统一, correction ---------------------------------------------------------


def test_create_register_publish_through_the_pages(province, clerk):
    c = login(clerk)
    assert c.get(reverse("normative_staff:create")).status_code == 200
    r = c.post(
        reverse("normative_staff:create"),
        {
            "agency": province.code,
            "kind": "normative",
            "title": "湖南省自然资源厅关于加强耕地保护的通知",
            "formed_on": "2025-03-01",
            "body": "<p>正文</p><script>alert(1)</script>",
            "topic": "耕地保护",
        },
    )
    doc = Document.objects.get(title="湖南省自然资源厅关于加强耕地保护的通知")
    assert r.status_code == 302 and r["Location"] == reverse("normative_staff:detail", args=[doc.pk])
    assert doc.stage == Stage.DRAFT and "<script>" not in doc.body
    # registration needs the legality review: the page says so and nothing changes
    r = c.post(reverse("normative_staff:register", args=[doc.pk]), follow=True)
    assert "登记前须经合法性审核" in r.content.decode()
    doc.refresh_from_db()
    assert doc.stage == Stage.DRAFT
    r = c.post(
        reverse("normative_staff:edit", args=[doc.pk]),
        {
            "kind": "normative",
            "title": doc.title,
            "formed_on": "2025-03-01",
            "body": doc.body,
            "topic": "耕地保护",
            "legality_reviewed_on": "2025-03-02",
            "legality_review_note": "经审核，合法",
        },
    )
    assert r.status_code == 302
    r = c.post(reverse("normative_staff:register", args=[doc.pk]), follow=True)
    doc.refresh_from_db()
    assert doc.stage == Stage.REGISTERED and doc.document_number in r.content.decode()
    assert doc.registration_number.startswith("HNZRZY-")
    r = c.post(reverse("normative_staff:publish", args=[doc.pk]), {"published_on": "2025-03-05"})
    assert r.status_code == 302
    doc.refresh_from_db()
    assert doc.stage == Stage.PUBLISHED and doc.published_on == date(2025, 3, 5) and doc.index_number
    body = c.get(reverse("normative_staff:detail", args=[doc.pk])).content.decode()
    assert "统一发布" in body and "操作记录" in body and str(clerk) in body
    assert doc.title in public_list(province)


def test_form_errors_stay_on_the_fields_with_the_input_kept(province, clerk):
    c = login(clerk)
    r = c.post(
        reverse("normative_staff:create"),
        {"agency": province.code, "kind": "normative", "title": "", "formed_on": "2025-03-01"},
    )
    assert r.status_code == 200 and "请填写标题。" in r.content.decode()
    r = c.post(
        reverse("normative_staff:create"),
        {
            "agency": province.code,
            "kind": "normative",
            "title": "日期有误的通知",
            "formed_on": "2025-03-01",
            "effective_on": "2025-02-01",
        },
    )
    body = r.content.decode()
    assert "施行日期不能早于成文日期。" in body and 'value="日期有误的通知"' in body
    assert not Document.objects.filter(title="日期有误的通知").exists()


def test_a_published_document_is_corrected_only_with_a_reason(library, clerk):
    old = library["new"]
    c = login(clerk)
    form = c.get(reverse("normative_staff:edit", args=[old.pk])).content.decode()
    assert 'name="title"' not in form and 'name="body"' not in form and 'name="reason"' in form
    data = {"topic": "征地管理", "keywords": "征地 信息公开", "reason": ""}
    r = c.post(reverse("normative_staff:edit", args=[old.pk]), data)
    assert r.status_code == 200 and "请写明更正理由。" in r.content.decode()
    old.refresh_from_db()
    assert old.topic == "土地管理"
    r = c.post(reverse("normative_staff:edit", args=[old.pk]), {**data, "reason": "主题分类按新目录调整"})
    assert r.status_code == 302
    old.refresh_from_db()
    assert old.topic == "征地管理" and old.title.startswith("湖南省自然资源厅关于进一步")


# --- staff pages: files and relations -----------------------------------------------------------------


def test_upload_an_original_file_and_a_bad_one_is_refused_in_chinese(library, clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = library["new"]
    c = login(clerk)
    url = reverse("normative_staff:attach", args=[doc.pk])
    r = c.post(url, {"file": SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00 not a pdf at all")})
    body = r.content.decode()
    assert r.status_code == 200 and "只接受" in body and "文件未上传" in body
    assert doc.files.count() == 0
    r = c.post(url, {"file": SimpleUploadedFile("签发稿.pdf", PDF)})
    assert r.status_code == 302 and doc.files.get().name == "签发稿.pdf"
    f = doc.files.get()
    r = c.get(reverse("normative_staff:file", args=[doc.pk, f.pk]))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    r = c.post(url, {})
    assert r.status_code == 200 and "这个字段是必填项" in r.content.decode()


def test_relate_by_document_number_changes_the_target(library, province, clerk):
    target = make(
        province, clerk, "湖南省某旧办法", formed_on=date(2020, 5, 1), published_on=date(2020, 5, 5)
    )
    source = library["amending"]
    c = login(clerk)
    url = reverse("normative_staff:relate", args=[source.pk])
    number = target.document_number.replace("〔", "[").replace("〕", "]")  # a common variant
    r = c.post(url, {"kind": "repeals", "target": number, "on": "2024-02-01", "reason": "已不适应"})
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.status == Status.REPEALED and target.ended_on == date(2024, 2, 1)
    assert DocumentRelation.objects.filter(source=source, target=target, kind="repeals").exists()
    # again: the service refuses, the form keeps the input
    r = c.post(url, {"kind": "repeals", "target": number, "on": "2024-02-01", "reason": "再次"})
    body = r.content.decode()
    assert r.status_code == 200 and "已废止，不能再废止" in body and 'value="再次"' in body
    r = c.post(url, {"kind": "amends", "target": "湘自然资规〔1999〕99号"})
    assert "没有找到该文件" in r.content.decode()
    draft = library["draft"]
    r = c.post(
        reverse("normative_staff:relate", args=[draft.pk]),
        {"kind": "amends", "target": str(target.pk)},
        follow=True,
    )
    assert "本文件发布后才能" in r.content.decode()


def test_relate_refuses_documents_of_agencies_the_user_cannot_change(library, tree):
    supervisor = staff(tree["province"], Role.CLERK, Role.SUPERVISOR)
    city_doc = services.create(
        agency=tree["city_a"], data={"title": "长沙某通知", "formed_on": date(2024, 1, 1)}, by=None
    )
    c = login(supervisor)
    r = c.post(
        reverse("normative_staff:relate", args=[library["new"].pk]),
        {"kind": "repeals", "target": str(city_doc.pk)},
    )
    assert "您不能变更该机关文件的效力状态" in r.content.decode()


# --- staff pages: clean-ups ---------------------------------------------------------------------------


def test_cleanup_start_decide_apply(library, province, clerk):
    c = login(clerk)
    assert c.get(reverse("normative_staff:cleanups")).status_code == 200
    r = c.post(reverse("normative_staff:cleanups"), {"agency": province.code, "name": "2025 年度清理"})
    cleanup = Cleanup.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("normative_staff:cleanup", args=[cleanup.pk])
    in_force = {e.document_id for e in cleanup.entries.all()}
    assert in_force == {library["new"].pk, library["base"].pk, library["amending"].pk}
    page = c.get(r["Location"]).content.decode()
    assert "《湖南省矿业权出让管理办法》的清理意见" in page  # each select has its own label
    base, amending = library["base"], library["amending"]
    data = {}
    for pk in in_force:
        data[f"d{pk}"], data[f"r{pk}"] = "keep", ""
    data[f"d{base.pk}"], data[f"r{base.pk}"] = "repeal", "上位法已修改"
    data[f"d{amending.pk}"] = "expire"
    r = c.post(r["Location"], data)
    assert r.status_code == 302
    assert cleanup.entries.get(document=base).decision == "repeal"
    r = c.post(reverse("normative_staff:cleanup_apply", args=[cleanup.pk]), {"decided_on": "2025-06-30"})
    assert r.status_code == 200 and "请填写清理决定的文号。" in r.content.decode()
    r = c.post(
        reverse("normative_staff:cleanup_apply", args=[cleanup.pk]),
        {"decision_number": "湘自然资规[2025]3号", "decided_on": "2025-06-30"},
        follow=True,
    )
    body = r.content.decode()
    assert "废止 1 件，宣布失效 1 件，继续有效 1 件，拟修改 0 件" in body
    base.refresh_from_db()
    amending.refresh_from_db()
    assert base.status == Status.REPEALED and amending.status == Status.EXPIRED
    cleanup.refresh_from_db()
    assert cleanup.applied_at and cleanup.decision_number == "湘自然资规〔2025〕3号"
    assert 'name="d' not in body  # applied: read-only
    public = public_detail(base)
    assert "清理决定 湘自然资规〔2025〕3号" in public and "上位法已修改" in public
    r = c.post(
        reverse("normative_staff:cleanup_apply", args=[cleanup.pk]),
        {"decision_number": "湘自然资规〔2025〕4号", "decided_on": "2025-07-01"},
        follow=True,
    )
    assert "该清理决定已执行" in r.content.decode()


def test_cleanups_of_other_agencies_are_404(library, province, clerk, tree):
    cleanup = services.cleanup_start(agency=province, name="清理", documents=None, by=clerk)
    outsider = login(staff(tree["city_b"], Role.CLERK))
    assert outsider.get(reverse("normative_staff:cleanup", args=[cleanup.pk])).status_code == 404
    assert outsider.post(reverse("normative_staff:cleanup", args=[cleanup.pk]), {}).status_code == 404
    body = outsider.get(reverse("normative_staff:cleanups")).content.decode()
    assert "暂无清理记录" in body
    officer = login(staff(province, Role.REVIEWER))
    page = officer.get(reverse("normative_staff:cleanup", args=[cleanup.pk])).content.decode()
    assert "执行清理决定" not in page
    assert officer.post(reverse("normative_staff:cleanups"), {"agency": province.code}).status_code == 404
