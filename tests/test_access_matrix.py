"""The access-control matrix (issue 10, item 3): role × object × action over every back-office view,
htmx fragment, POST action and file download, the public pages that show private or unpublished things,
and the open-data API.

Every object is owned by county A (长沙县, 430121S). The people:

========== ====================================================================================
anon       not logged in
applicant  a public account (not the owner of anything here)
b          a staff member of county B (浏阳市, 430181S) holding *every* role there
clerk      county A's clerk (登记分办员)
sup        a supervisor of 长沙 (4301S0), the city above county A: reads, never changes
publisher  county A's publisher (信息发布员)
head       county A's head (公开工作负责人; two-factor session marked verified)
========== ====================================================================================

Expected outcomes:

========== ====================================================================================
LOGIN      302 to the staff login
NF         404, indistinguishable from "does not exist", and a warning on the ``gongkai.access`` logger
NONE       404: the page is not offered to this person at all (no object of county A is involved)
OK         allowed: not 404, not a login redirect, no 5xx (a form page with errors counts as allowed)
HIDDEN     200, but county A's object does not appear on the page (a list scoped to the viewer)
SHOWN      200 and county A's object appears on the page
========== ====================================================================================

Each staff row runs the people in a fixed order (refusals first, the owner last), so an allowed POST
that changes the object cannot hide a refusal that should have come before it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gongkai.appeals import services as appeals
from gongkai.applications import services as applications
from gongkai.applications.letters import applicable_letters
from gongkai.credit import services as credit
from gongkai.land import services as land
from gongkai.land.models import PlaceLevel
from gongkai.mailbox import services as mailbox
from gongkai.mailbox.models import Box, BoxKind
from gongkai.normative import services as normative
from gongkai.normative.models import Kind, NumberingScheme
from gongkai.orgs import twofactor
from gongkai.orgs.models import Role
from gongkai.publishing import services as publishing
from gongkai.publishing.models import CatalogueNode
from gongkai.reports import services as reports
from tests.credit.conftest import COMPANY, DATA
from tests.factories import ApplicantFactory, UnitFactory, staff
from tests.upload_samples import PDF

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)

LOGIN, NF, NONE, OK, HIDDEN, SHOWN = "LOGIN", "NF", "NONE", "OK", "HIDDEN", "SHOWN"
GET, POST = "GET", "POST"

# The order in which a row's people are tried: refusals first, the owners last.
ORDER = ("anon", "applicant", "b", "sup", "clerk", "publisher", "head")


# --- the objects -------------------------------------------------------------------------------------


@dataclass
class World:
    a: Any
    people: dict[str, Any]
    app: Any
    attachment: Any
    letter_kind: str
    item: Any
    item_published: Any
    node: Any
    decision: Any
    decision_published: Any
    doc: Any
    doc_published: Any
    doc_file: Any
    cleanup: Any
    case: Any
    case_document: Any
    report: Any
    project: Any
    disclosure: Any
    letter: Any
    unit: Any
    owner: Any  # the applicant account that owns ``app``
    identity: Any  # the owner's Applicant record


def upload(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def w(tree, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    a, b, city = tree["county_a1"], tree["county_a2"], tree["city_a"]
    people = {
        "b": staff(b, *Role.values, unit=UnitFactory(agency=b)),
        "sup": staff(city, Role.SUPERVISOR),
        "clerk": staff(a, Role.CLERK),
        "publisher": staff(a, Role.PUBLISHER),
        "head": staff(a, Role.HEAD),
        "reviewer": staff(a, Role.REVIEWER),
        "applicant": ApplicantFactory().account,
    }
    clerk, head, publisher = people["clerk"], people["head"], people["publisher"]
    unit = UnitFactory(agency=a, name="矩阵测试处")

    # 依申请公开: an application of an applicant account, with the applicant's identity file
    identity = ApplicantFactory()
    app = applications.application_register(
        agency=a,
        channel="in_person",
        event_date=date(2025, 9, 26),
        applicant={
            "applicant_column": "natural_person",
            "applicant_name": "矩阵申请人",
            "id_type": "resident_id",
            "id_number": identity.id_number,
            "phone": "13807310001",
            "address": "湖南省长沙县黄花镇某村",
        },
        data={"description": "矩阵测试：长沙县黄花镇征地批复"},
        by=clerk,
    )
    type(app).objects.filter(pk=app.pk).update(account=identity.account)
    app.refresh_from_db()
    attachment = applications.attach(application=app, upload=upload("身份证.pdf"), kind="identity", by=clerk)
    officer = staff(a, Role.OFFICER, unit=unit)
    applications.application_assign(application=app, units=[unit], by=clerk)
    applications.application_draft_reply(application=app, outcome="disclosed", text="现提供。", by=officer)
    app.refresh_from_db()
    letters = applicable_letters(app)

    # 主动公开: a draft item and a published one
    publishing.catalogue_seed(a)
    node = CatalogueNode.objects.filter(agency=a).order_by("pk").first()
    item = publishing.item_create(
        agency=a,
        by=clerk,
        data={"node": node, "title": "矩阵草稿信息", "formed_on": date(2025, 9, 1), "body": "<p>x</p>"},
    )
    item_published = publishing.item_create(
        agency=a,
        by=clerk,
        data={"node": node, "title": "矩阵已发布信息", "formed_on": date(2025, 9, 1), "body": "<p>y</p>"},
    )
    publishing.item_submit(item=item_published, by=clerk)
    publishing.item_review(item=item_published, approve=True, note="不涉密", by=people["reviewer"])
    item_published = publishing.item_publish(item=item_published, by=publisher)

    # 双公示: a draft decision and a published one
    def decision(number: str) -> Any:
        data = {
            **COMPANY,
            **DATA["penalty"],
            "number": number,
            "authority_name": a.name,
            "source_name": a.name,
        }
        return credit.decision_save(agency=a, kind="penalty", data=data, by=publisher, today=TODAY).decision

    draft_decision = decision("长县自然资罚〔2025〕901号")
    published_decision = credit.decision_publish(
        decision("长县自然资罚〔2025〕902号"), by=publisher, today=TODAY
    )

    # 规范性文件: a draft with a file, a published one, a clean-up
    NumberingScheme.objects.create(
        agency=a, kind=Kind.NORMATIVE, document_prefix="长县自然资规", registration_prefix="CSXZRZY"
    )

    def document(title: str) -> Any:
        data = {
            "title": title,
            "kind": Kind.NORMATIVE,
            "formed_on": date(2025, 3, 1),
            "legality_reviewed_on": date(2025, 3, 1),
            "legality_review_note": "经审核，合法",
        }
        return normative.create(agency=a, data=data, by=clerk)

    doc = document("矩阵草稿规范性文件")
    doc_file = normative.attach(document=doc, upload=upload("草稿.pdf"), by=clerk)
    doc_published = normative.register(document=document("矩阵已发布规范性文件"), by=clerk, year=2025)
    doc_published = normative.publish(document=doc_published, by=clerk, published_on=date(2025, 3, 5))
    cleanup = normative.cleanup_start(agency=a, name="矩阵清理", documents=None, by=clerk)

    # 行政复议: a case with a document
    case = appeals.appeal_create(
        agency=a,
        data={
            "number": "长政复〔2025〕901号",
            "kind": "reconsideration",
            "body": "长沙县人民政府",
            "filed_on": date(2025, 4, 1),
            "result": "pending",
        },
        by=clerk,
    )
    case_document = appeals.document_attach(case, upload=upload("申请书.pdf"), kind="petition", by=clerk)

    # 年报: a draft
    report = reports.draft(agency=a, year=2025, by=head)

    # 征地: a project of county A
    land.ensure_requirements()
    province = land.place_ensure(code="430000", name="湖南省", level=PlaceLevel.PROVINCE, parent=None)
    cs = land.place_ensure(code="430100", name="长沙市", level=PlaceLevel.CITY, parent=province)
    csx = land.place_ensure(code="430121", name="长沙县", level=PlaceLevel.COUNTY, parent=cs)
    town = land.place_ensure(
        code="430121104", name="黄花镇", level=PlaceLevel.TOWNSHIP, parent=csx, local=True
    )
    village = land.place_ensure(
        code="430121104200", name="黄花村", level=PlaceLevel.VILLAGE, parent=town, local=True
    )
    project = land.project_create(
        agency=a,
        data={
            "name": "长沙县矩阵批次",
            "approval_number": "",
            "approval_date": date(2025, 10, 20),
            "area_ha": Decimal("15.2"),
            "farmland_ha": Decimal("8.7"),
            "purpose": "产业园区道路",
            "county": csx,
        },
        places=[village],
        by=None,
    )

    # 信箱: a letter to county A's box (not published)
    box = Box.objects.create(agency=a, kind=BoxKind.CONSULTATION, reply_days=10)
    letter = mailbox.letter_submit(
        box=box,
        data={
            "title": "矩阵来信",
            "body": "请问长沙县征地补偿标准？",
            "writer_name": "张建国",
            "phone": "13807310001",
            "email": "zhang@example.com",
            "agrees_to_publish": True,
        },
    )
    return World(
        a=a,
        people=people,
        app=app,
        attachment=attachment,
        letter_kind=letters[0][0] if letters else "reply",
        item=item,
        item_published=item_published,
        node=node,
        decision=draft_decision,
        decision_published=published_decision,
        doc=doc,
        doc_published=doc_published,
        doc_file=doc_file,
        cleanup=cleanup,
        case=case,
        case_document=case_document,
        report=report,
        project=project,
        disclosure=project.disclosures.order_by("pk").first(),
        letter=letter,
        unit=unit,
        owner=identity.account,
        identity=identity,
    )


def client_for(w: World, who: str) -> Client:
    client = Client()
    if who == "anon":
        return client
    user = w.owner if who == "owner" else w.people[who]
    client.force_login(user)
    if user.kind == "staff":
        # Heads and administrators need the second step; a verified session is what a real login leaves.
        session = client.session
        session[twofactor.STATE] = "ok"
        session.save()
    return client


# --- the staff matrix ----------------------------------------------------------------------------------

# target → (URL arguments, the text that identifies county A's object on a page)
TARGETS: dict[str, Any] = {
    "-": lambda w: ([], None),
    # list pages, with the object of county A that must (not) appear on them
    "apps": lambda w: ([], w.app.number),
    "items": lambda w: ([], "矩阵草稿信息"),
    "decisions": lambda w: ([], "长县自然资罚〔2025〕901号"),
    "letters": lambda w: ([], "矩阵来信"),
    "docs": lambda w: ([], "矩阵草稿规范性文件"),
    "cleanups": lambda w: ([], "矩阵清理"),
    "cases": lambda w: ([], "长政复〔2025〕901号"),
    "projects": lambda w: ([], "长沙县矩阵批次"),
    "app": lambda w: ([w.app.public_id], w.app.number),
    "app_act": lambda w: ([w.app.public_id, "note"], None, {"version": w.app.version}),
    "app_reveal": lambda w: ([w.app.public_id], None, {"field": "id_number"}),
    "app_file": lambda w: ([w.app.public_id, w.attachment.public_id], None),
    "app_letter": lambda w: ([w.app.public_id, w.letter_kind, "pdf"], None),
    "item": lambda w: ([w.item.pk], "矩阵草稿信息"),
    "item_act": lambda w: ([w.item.pk, "submit"], None),
    "agency_a": lambda w: ([w.a.code], None),
    "node": lambda w: ([w.a.code, w.node.pk], None),
    "node_shift": lambda w: ([w.a.code, w.node.pk, "down"], None),
    "decision": lambda w: ([w.decision.public_id], "长县自然资罚〔2025〕901号"),
    "decision_published": lambda w: ([w.decision_published.public_id], None),
    "kind": lambda w: (["penalty"], None),
    "letter": lambda w: ([w.letter.public_id], "矩阵来信"),
    "letter_act": lambda w: ([w.letter.public_id, "route"], None),
    "doc": lambda w: ([w.doc.pk], "矩阵草稿规范性文件"),
    "doc_file": lambda w: ([w.doc.pk, w.doc_file.pk], None),
    "cleanup": lambda w: ([w.cleanup.pk], "矩阵清理"),
    "case": lambda w: ([w.case.public_id], "长政复〔2025〕901号"),
    "case_document": lambda w: ([w.case.public_id, w.case_document.public_id], None),
    "report": lambda w: ([w.report.pk], None),
    "report_download": lambda w: ([w.report.pk, "html"], None),
    "report_action": lambda w: ([w.report.pk, "review"], None),
    "rollup": lambda w: (["4301S0", 2025], None),
    "project": lambda w: ([w.project.pk], "长沙县矩阵批次"),
    "disclosure": lambda w: ([w.project.pk, w.disclosure.pk], None),
    "unit": lambda w: ([w.unit.pk], None),
    "year": lambda w: ([2027], None),
    "fmt_csv": lambda w: (["csv"], None),
    # GET query strings and POST bodies that name county A
    "ledger_a": lambda w: ([], None, {"agency": w.a.code}),
    "credit_export_a": lambda w: ([], None, {"agency": w.a.code, "kind": "penalty", "format": "csv"}),
    "report_start_a": lambda w: ([], None, {"agency": w.a.code, "year": "2024"}),
    "report_cell": lambda w: ([w.report.pk], None, {"path": "section3.new_received.natural_person"}),
    "land_create_a": lambda w: ([], None, {"agency": w.a.pk}),
}


def row(name: str, target: str, method: str, **expect: str) -> tuple[str, str, str, dict[str, str]]:
    """One line of the specification; anonymous visitors and applicants are the same everywhere."""
    return (name, target, method, {"anon": LOGIN, "applicant": NF, **expect})


# Reads of one of county A's objects: B never, the city's supervisor and A's own staff always.
READ = {"b": NF, "sup": OK, "clerk": OK}
# Changes to one of county A's objects: B and the supervisor never, the named owner role yes.
CHANGE = {"b": NF, "sup": NF}
# A list page scoped to the viewer.
LIST = {"b": HIDDEN, "sup": SHOWN, "clerk": SHOWN}
# A page with nothing of county A's on it (a form to start something, a page of one's own).
ANY_STAFF = {"b": OK, "sup": OK, "clerk": OK}

# fmt: off
STAFF_MATRIX = [
    # --- 依申请公开 -----------------------------------------------------------------------------------
    row("applications_staff:queue", "apps", GET, **LIST),
    row("applications_staff:register", "-", GET, b=OK, clerk=OK),
    row("applications_staff:ledger", "-", GET, b=OK, sup=NONE, clerk=OK),
    row("applications_staff:ledger_export", "ledger_a", GET, b=NF, sup=NF, clerk=OK),
    row("applications_staff:detail", "app", GET, **READ, head=OK),
    row("applications_staff:letter", "app_letter", GET, **READ),
    row("applications_staff:file", "app_file", GET, **READ),
    row("applications_staff:act", "app_act", POST, **CHANGE, publisher=NF, clerk=OK),
    row("applications_staff:reveal", "app_reveal", POST, **CHANGE, publisher=NF, clerk=OK, head=OK),
    # --- 主动公开 -------------------------------------------------------------------------------------
    row("publishing_staff:list", "items", GET, b=HIDDEN, clerk=SHOWN, sup=SHOWN),
    row("publishing_staff:new", "-", GET, b=OK, clerk=OK),
    row("publishing_staff:stats", "-", GET, **ANY_STAFF),
    row("publishing_staff:guide", "agency_a", GET, **CHANGE, clerk=NF, publisher=OK),
    row("publishing_staff:catalogue_index", "-", GET, **ANY_STAFF),
    row("publishing_staff:catalogue", "agency_a", GET, **READ),
    row("publishing_staff:catalogue_add", "agency_a", GET, **CHANGE, head=OK),
    row("publishing_staff:catalogue_edit", "node", GET, **CHANGE, head=OK),
    row("publishing_staff:catalogue_delete", "node", POST, **CHANGE),
    row("publishing_staff:catalogue_shift", "node_shift", POST, **CHANGE, head=OK),
    row("publishing_staff:detail", "item", GET, **READ),
    row("publishing_staff:edit", "item", GET, **CHANGE, clerk=OK),
    row("publishing_staff:act", "item_act", POST, **CHANGE, clerk=OK),
    # --- 双公示 -------------------------------------------------------------------------------------
    row("credit_staff:list", "decisions", GET, **LIST),
    row("credit_staff:create", "kind", GET, b=OK, publisher=OK),
    row("credit_staff:export", "credit_export_a", GET, **READ),
    row("credit_staff:detail", "decision", GET, **READ),
    row("credit_staff:edit", "decision", GET, **CHANGE, publisher=OK),
    row("credit_staff:reveal", "decision", POST, **CHANGE, publisher=OK),
    row("credit_staff:publish", "decision", POST, **CHANGE, publisher=OK),
    row("credit_staff:withdraw", "decision_published", POST, **CHANGE, publisher=OK),
    row("credit_staff:delete", "decision", POST, **CHANGE, publisher=OK),
    # --- 信箱 ---------------------------------------------------------------------------------------
    row("mailbox_staff:queue", "letters", GET, **LIST),
    row("mailbox_staff:detail", "letter", GET, **READ),
    row("mailbox_staff:act", "letter_act", POST, **CHANGE, clerk=OK),
    # --- 规范性文件 -----------------------------------------------------------------------------------
    row("normative_staff:list", "docs", GET, **LIST),
    row("normative_staff:create", "-", GET, b=OK, clerk=OK),
    row("normative_staff:detail", "doc", GET, **READ),
    row("normative_staff:edit", "doc", GET, **CHANGE, clerk=OK),
    row("normative_staff:file", "doc_file", GET, **READ),
    row("normative_staff:register", "doc", POST, **CHANGE, clerk=OK),
    row("normative_staff:publish", "doc", POST, **CHANGE, clerk=OK),
    row("normative_staff:attach", "doc", POST, **CHANGE, clerk=OK),
    row("normative_staff:relate", "doc", POST, **CHANGE, clerk=OK),
    row("normative_staff:cleanups", "cleanups", GET, **LIST),
    row("normative_staff:cleanup", "cleanup", GET, **READ),
    row("normative_staff:cleanup_apply", "cleanup", POST, **CHANGE, clerk=OK),
    # --- 行政复议和诉讼 -------------------------------------------------------------------------------
    row("appeals_staff:list", "cases", GET, **LIST),
    row("appeals_staff:create", "-", GET, b=OK, clerk=OK),
    row("appeals_staff:detail", "case", GET, **READ),
    row("appeals_staff:edit", "case", GET, **CHANGE, clerk=OK),
    row("appeals_staff:conclude", "case", POST, **CHANGE, clerk=OK),
    row("appeals_staff:attach", "case", POST, **CHANGE, clerk=OK),
    row("appeals_staff:document", "case_document", GET, **READ),
    # --- 年报 ---------------------------------------------------------------------------------------
    row("reports_staff:list", "-", GET, **ANY_STAFF),
    row("reports_staff:start", "report_start_a", POST, **CHANGE, publisher=NF, clerk=OK, head=OK),
    row("reports_staff:rollup", "rollup", GET, b=NF, clerk=NF, sup=OK),
    row("reports_staff:detail", "report", GET, **READ),
    row("reports_staff:cell", "report_cell", GET, **READ),
    row("reports_staff:download", "report_download", GET, **READ),
    row("reports_staff:text", "report", POST, **CHANGE, publisher=NF, clerk=OK),
    row("reports_staff:enter_cell", "report", POST, **CHANGE, publisher=NF, clerk=OK),
    row("reports_staff:explain", "report", POST, **CHANGE, publisher=NF, clerk=OK),
    row("reports_staff:action", "report_action", POST, **CHANGE, clerk=NF, head=OK),
    # --- 征地 ---------------------------------------------------------------------------------------
    row("land_staff:list", "projects", GET, **LIST),
    row("land_staff:supervision", "-", GET, b=NF, clerk=NF, sup=NF),
    row("land_staff:notice_save", "-", POST, b=NF, clerk=NF, sup=NF),
    row("land_staff:detail", "project", GET, **READ),
    row("land_staff:disclosure_edit", "disclosure", POST, **CHANGE, clerk=OK),
    row("land_staff:link_application", "project", POST, **CHANGE, clerk=OK),
    row("land_staff:create", "-", GET, b=OK, sup=NONE, clerk=OK),
    row("land_staff:create", "land_create_a", POST, b=NF, sup=NF, clerk=OK),
    # --- the back office itself -----------------------------------------------------------------------
    row("staff:dashboard", "-", GET, **ANY_STAFF),
    row("staff:agency", "agency_a", GET, **READ),
    row("staff:unit", "unit", GET, **READ),
    row("staff:calendar", "-", GET, **ANY_STAFF),
    row("staff:calendar_edit", "year", GET, b=NF, sup=NF, head=NF),
    row("staff:audit", "-", GET, b=OK, sup=NF, clerk=NF),
    row("staff:audit_export", "fmt_csv", GET, b=OK, sup=NF, clerk=NF),
]
# fmt: on

# Staff routes outside the matrix, each with the reason.
STAFF_EXEMPT = {
    "staff:login": "the login form itself (open to everyone)",
    "staff:login_otp": "step two of the login (tests/staff/test_2fa.py)",
    "staff:logout": "ends one's own session",
    "staff:enrol": "one's own authenticator (tests/staff/test_2fa.py)",
}


def _check(response: Any, expected: str, marker: str | None, denied: list[logging.LogRecord]) -> str:
    """'' if ``response`` is what ``expected`` says, else what was wrong."""
    status = response.status_code
    location = response.get("Location", "") if status in (301, 302) else ""
    if expected == LOGIN:
        return "" if status == 302 and location.startswith(reverse("staff:login")) else f"{status} {location}"
    if expected == NONE:
        return "" if status == 404 else f"{status} instead of 404"
    if expected == NF:
        if status != 404:
            return f"{status} instead of 404"
        return "" if denied else "404 but no warning on gongkai.access"
    if status == 404 or status >= 500 or location.startswith(reverse("staff:login")):
        return f"{status} {location}".strip()
    if expected == OK:
        return ""
    if status != 200:
        return f"{status} instead of 200"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    shown = marker is not None and marker in content.decode("utf-8", "replace")
    if expected == HIDDEN and shown:
        return f"county A's {marker!r} is listed"
    if expected == SHOWN and not shown:
        return f"county A's {marker!r} is missing"
    return ""


@pytest.mark.parametrize(
    ("name", "target", "method", "expect"), STAFF_MATRIX, ids=[f"{r[0]}:{r[2]}" for r in STAFF_MATRIX]
)
def test_staff_matrix(w, caplog, name, target, method, expect):
    args, marker, *rest = TARGETS[target](w)
    data = rest[0] if rest else {}
    url = reverse(name, args=args)
    failures = []
    for who in sorted(expect, key=ORDER.index):
        client = client_for(w, who)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="gongkai.access"):
            response = client.post(url, data) if method == POST else client.get(url, data)
        denied = [r for r in caplog.records if r.name == "gongkai.access"]
        problem = _check(response, expect[who], marker, denied)
        if problem:
            failures.append(f"{who} {method} {url}: expected {expect[who]}, got {problem}")
    assert not failures, "\n".join(failures)


# --- the public side: drafts are 404 for everyone, an applicant's things are the applicant's own ----------

PUBLIC_LOGIN = "PUBLIC_LOGIN"  # 302 to the applicants' login

PUBLIC_TARGETS: dict[str, Any] = {
    "item_draft": lambda w: [w.a.code, w.item.pk],
    "item_draft_v1": lambda w: [w.a.code, w.item.pk, 1],
    "item_published": lambda w: [w.a.code, w.item_published.pk],
    "doc_draft": lambda w: [w.a.code, w.doc.pk],
    "doc_draft_file": lambda w: [w.a.code, w.doc.pk, w.doc_file.pk],
    "doc_published": lambda w: [w.a.code, w.doc_published.pk],
    "decision_draft": lambda w: [w.a.code, w.decision.public_id],
    "decision_published": lambda w: [w.a.code, w.decision_published.public_id],
    "letter_unpublished": lambda w: [w.a.code, w.letter.public_id],
    "report_draft": lambda w: [w.a.code, 2025],
    "report_draft_v1": lambda w: [w.a.code, 2025, 1],
    "report_draft_pdf": lambda w: [w.a.code, 2025, "pdf"],
    "api_item_draft": lambda w: [w.item.pk],
    "api_item_published": lambda w: [w.item_published.pk],
    "app": lambda w: [w.app.public_id],
    "app_file": lambda w: [w.app.public_id, w.attachment.public_id],
    "app_reply_draft": lambda w: [w.app.public_id, "reply", "pdf"],
    "identity": lambda w: [w.identity.pk],
}

EVERYONE_NF = {"anon": 404, "applicant": 404, "owner": 404, "clerk": 404, "b": 404}
OWNER_ONLY = {"anon": PUBLIC_LOGIN, "applicant": 404, "b": 404, "owner": 200}

# fmt: off
PUBLIC_MATRIX = [
    # route name,                       object,               who → status
    ("publishing_public:detail",        "item_draft",         EVERYONE_NF),
    ("publishing_public:version",       "item_draft_v1",      EVERYONE_NF),
    ("publishing_public:detail",        "item_published",     {"anon": 200, "applicant": 200, "clerk": 200}),
    ("normative_public:detail",         "doc_draft",          EVERYONE_NF),
    ("normative_public:file",           "doc_draft_file",     EVERYONE_NF),
    ("normative_public:detail",         "doc_published",      {"anon": 200, "b": 200}),
    ("credit_public:detail",            "decision_draft",     EVERYONE_NF),
    ("credit_public:detail",            "decision_published", {"anon": 200, "b": 200}),
    ("mailbox_public:qa",               "letter_unpublished", EVERYONE_NF),
    ("reports_public:detail",           "report_draft",       EVERYONE_NF),
    ("reports_public:version",          "report_draft_v1",    EVERYONE_NF),
    ("reports_public:download",         "report_draft_pdf",   EVERYONE_NF),
    ("api:item",                        "api_item_draft",     EVERYONE_NF),
    ("api:item",                        "api_item_published", {"anon": 200}),
    ("applications_public:detail",      "app",                OWNER_ONLY),
    ("applications_public:file",        "app_file",           OWNER_ONLY),
    ("applications_public:letter",      "app_reply_draft",    {**OWNER_ONLY, "owner": 404}),  # a draft reply
    ("portal:applicant_detail",         "identity",           {"applicant": 404, "b": 404, "owner": 200}),
    ("portal:applicant_edit",           "identity",           {"applicant": 404, "b": 404, "owner": 200}),
]
# fmt: on

PUBLIC_ORDER = ("anon", "applicant", "b", "clerk", "owner")


@pytest.mark.parametrize(
    ("name", "target", "expect"), PUBLIC_MATRIX, ids=[f"{r[0]}:{r[1]}" for r in PUBLIC_MATRIX]
)
def test_public_matrix(w, name, target, expect):
    url = reverse(name, args=PUBLIC_TARGETS[target](w))
    failures = []
    for who in sorted(expect, key=PUBLIC_ORDER.index):
        response = client_for(w, who).get(url)
        wanted = expect[who]
        if wanted == PUBLIC_LOGIN:
            location = response.get("Location", "")
            good = response.status_code == 302 and location.startswith(reverse("portal:login"))
        else:
            good = response.status_code == wanted
        if not good:
            failures.append(f"{who} GET {url}: expected {wanted}, got {response.status_code}")
    assert not failures, "\n".join(failures)


def test_api_lists_only_published_data(w):
    client = Client()
    items = client.get(reverse("api:items"), {"agency": w.a.code}).json()
    titles = [i["title"] for i in items["results"]]
    assert "矩阵已发布信息" in titles and "矩阵草稿信息" not in titles
    exported = client.get(reverse("proactive_export", args=[w.a.code])).content.decode("utf-8")
    assert "矩阵已发布信息" in exported and "矩阵草稿信息" not in exported
    feed = client.get(reverse("publishing_public:feed", args=[w.a.code])).content.decode("utf-8")
    assert "矩阵草稿信息" not in feed
    for url in (
        reverse("normative_public:list", args=[w.a.code]),
        reverse("credit_public:list", args=[w.a.code]),
    ):
        page = client.get(url).content.decode("utf-8")
        assert "矩阵草稿规范性文件" not in page and "长县自然资罚〔2025〕901号" not in page


# --- the inventory: a new route cannot slip past the matrix ------------------------------------------------

PREFIXES = ("staff/", "api/", "gk/", "accounts/", "land/", "search/", "mailbox/", "healthz")

# Public routes outside the matrices, each with the reason it needs no row.
PUBLIC_OPEN = {
    "api:openapi": "the schema (no data)",
    "api:agencies": "the agency list is public reference data",
    "api:catalogue": "catalogue names and counts of published items only",
    "api:items": "published items only (test_api_lists_only_published_data)",
    "api:search": "the index holds published data only (tests/search)",
    "proactive_export": "published items only (test_api_lists_only_published_data)",
    "publishing_public:list": "a column of published items",
    "publishing_public:feed": "published items only (test_api_lists_only_published_data)",
    "publishing_public:node_feed": "published items only, one column",
    "publishing_public:file": "originals of published items (tests/publishing)",
    "normative_public:list": "published documents only (test_api_lists_only_published_data)",
    "credit_public:list": "published decisions only (test_api_lists_only_published_data)",
    "mailbox_public:index": "the boxes and published Q&A",
    "mailbox_public:write": "the form to write a letter",
    "mailbox_public:lookup": "a letter found by its query code and token (tests/mailbox)",
    "mailbox_public:receipt": "the writer's own receipt, kept in the writer's session (tests/mailbox)",
    "land_public:lookup": "lookup of published land disclosures",
    "land_public:agency_lookup": "lookup of published land disclosures, one agency",
    "land_public:project": "the disclosures published for a project (tests/land)",
    "land_public:notices": "published quarterly notices",
    "land_public:notice_file": "published quarterly notices (tests/land)",
    "search:page": "published data only (tests/search)",
    "search:suggest": "published data only (tests/search)",
    "applications_public:apply": "the online application form (an applicant's own)",
    "applications_public:list": "the applicant's own applications (scoped by policy.scope)",
    "portal:column": "public column",
    "portal:guide": "public disclosure guide",
    "portal:rules": "public rules",
    "portal:proactive": "public catalogue",
    "portal:reports": "list of published annual reports",
    "portal:apply": "how to apply",
    "portal:switch": "choose an agency",
    "portal:login": "the applicants' login",
    "portal:logout": "ends one's own session",
    "portal:register": "open registration",
    "portal:verify": "verification of one's own registration",
    "portal:account": "one's own account page",
    "portal:applicant_new": "adds an identity to one's own account",
    "healthz": "service checks, no data (tests/core/test_health.py)",
}


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            found += _routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            found.append((prefix + str(p.pattern), f"{namespace}:{p.name}" if namespace else p.name))
    return found


def inventory() -> dict[str, str]:
    """Every named route under the checked prefixes: name → route."""
    return {name: route for route, name in _routes(get_resolver().url_patterns) if route.startswith(PREFIXES)}


def test_inventory_every_route_is_in_the_matrix():
    routes = inventory()
    staff_routes = {n for n, r in routes.items() if r.startswith("staff/")}
    in_matrix = {r[0] for r in STAFF_MATRIX}
    assert staff_routes - in_matrix - set(STAFF_EXEMPT) == set(), "staff routes missing from STAFF_MATRIX"
    public_routes = set(routes) - staff_routes
    covered = {r[0] for r in PUBLIC_MATRIX} | set(PUBLIC_OPEN)
    assert public_routes - covered == set(), "public routes missing from PUBLIC_MATRIX / PUBLIC_OPEN"
    # and nothing listed that no longer exists
    assert (in_matrix | set(STAFF_EXEMPT) | covered) - set(routes) == set()
    assert len(staff_routes) >= 75 and len(routes) >= 125  # the walk itself still finds the routes
