"""The 主动公开目录 editor: the services (validation, moves, refusals, audit), the staff pages and who may
use them, and the public catalogue page with the standard fields of regulation.md §8."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Role
from gongkai.publishing import catalogue, services
from gongkai.publishing.models import CatalogueNode
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat(tree):
    province = tree["province"]
    services.catalogue_seed(province)
    return {
        "agency": province,
        "land": CatalogueNode.objects.get(agency=province, parent=None, name="征地信息"),
        "news": CatalogueNode.objects.get(agency=province, parent=None, name="政务新闻"),
        "publisher": staff(province, Role.PUBLISHER),
        "tree": tree,
    }


def order(parent, agency):
    return list(
        CatalogueNode.objects.filter(agency=agency, parent=parent)
        .order_by("position", "id")
        .values_list("name", flat=True)
    )


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- services ----------------------------------------------------------------------------------------


def test_create_appends_with_the_standard_fields_and_an_audit_event(cat):
    a = catalogue.node_create(
        cat["agency"],
        cat["land"],
        {
            "name": "征地告知书",
            "content": "拟征收土地的用途、位置、补偿标准",
            "basis": "《中华人民共和国土地管理法》第四十七条",
            "time_limit": "实时公开",
            "responsible": "湖南省自然资源厅",
            "channels": ["政府网站", "社区/企事业单位/村公示栏（电子屏）"],
            "audience": "全社会",
            "mode": "主动",
            "art20_item": "15",
        },
        cat["publisher"],
        reason="2025年目录修订",
    )
    b = catalogue.node_create(cat["agency"], cat["land"], {"name": "征地批复"}, cat["publisher"])
    assert (a.position, b.position) == (1, 2)
    assert a.channels == "政府网站、社区/企事业单位/村公示栏（电子屏）" and a.art20_item == 15
    event = AuditEvent.objects.get(verb="catalogue.create", object_id=str(a.pk))
    assert event.actor == cat["publisher"] and event.reason == "2025年目录修订"
    assert event.data["name"] == "征地告知书" and event.data["parent"] == cat["land"].pk


def test_sibling_names_clash_with_a_chinese_message_at_every_level(cat):
    with pytest.raises(ValidationError) as top:
        catalogue.node_create(cat["agency"], None, {"name": " 征地信息 "}, cat["publisher"])
    assert "第一级已有名为“征地信息”的事项" in top.value.message_dict["name"][0]
    catalogue.node_create(cat["agency"], cat["land"], {"name": "征地批复"}, cat["publisher"])
    with pytest.raises(ValidationError) as child:
        catalogue.node_create(cat["agency"], cat["land"], {"name": "征地批复"}, cat["publisher"])
    assert "“征地信息”下已有名为“征地批复”的事项" in child.value.message_dict["name"][0]
    # the same name under another parent, or in another agency, is fine
    catalogue.node_create(cat["agency"], cat["news"], {"name": "征地批复"}, cat["publisher"])
    catalogue.node_create(cat["tree"]["city_a"], None, {"name": "征地信息"}, cat["publisher"])


def test_fields_are_validated_with_chinese_messages(cat):
    with pytest.raises(ValidationError) as exc:
        catalogue.node_create(
            cat["agency"],
            None,
            {"name": "", "art20_item": 16, "basis": "依" * 301, "audience": "部分人", "mode": "被动"},
            cat["publisher"],
        )
    errors = exc.value.message_dict
    assert errors["name"] == ["请填写公开事项名称。"]
    assert "第（一）至第（十五）项" in errors["art20_item"][0]
    assert errors["basis"] == ["公开依据最多 300 个字（现有 301 个字）。"]
    assert "全社会" in errors["audience"][0] and "依申请" in errors["mode"][0]
    with pytest.raises(ValidationError, match="第（一）至第（十五）项"):
        catalogue.node_update(cat["land"], {"art20_item": 0}, cat["publisher"])
    with pytest.raises(ValidationError, match="公开事项最多 80 个字"):
        catalogue.node_update(cat["land"], {"name": "名" * 81}, cat["publisher"])
    assert CatalogueNode.objects.filter(agency=cat["agency"]).count() == 22


def test_depth_is_limited_to_four_levels(cat):
    node = cat["land"]
    for level in (2, 3, 4):
        node = catalogue.node_create(cat["agency"], node, {"name": f"第{level}级"}, cat["publisher"])
    with pytest.raises(ValidationError, match="最多 4 级"):
        catalogue.node_create(cat["agency"], node, {"name": "第5级"}, cat["publisher"])


def test_update_records_what_changed(cat):
    catalogue.node_update(
        cat["land"], {"name": "征地信息公开", "time_limit": "实时公开"}, cat["publisher"], reason="改名"
    )
    cat["land"].refresh_from_db()
    assert cat["land"].name == "征地信息公开"
    event = AuditEvent.objects.get(verb="catalogue.update")
    assert event.data["changed"]["name"] == ["征地信息", "征地信息公开"] and event.reason == "改名"
    catalogue.node_update(cat["land"], {"name": "征地信息公开"}, cat["publisher"])  # nothing changes
    assert AuditEvent.objects.filter(verb="catalogue.update").count() == 1
    with pytest.raises(ValidationError, match="第一级已有名为“政务新闻”"):
        catalogue.node_update(cat["land"], {"name": "政务新闻"}, cat["publisher"])


def test_move_under_another_entry_and_back(cat):
    agency, by = cat["agency"], cat["publisher"]
    one = catalogue.node_create(agency, cat["news"], {"name": "一"}, by)
    catalogue.node_create(agency, cat["news"], {"name": "二"}, by)
    catalogue.node_create(agency, cat["land"], {"name": "甲"}, by)
    catalogue.node_move(one, cat["land"], 0, by, reason="归类调整")
    assert order(cat["land"], agency) == ["一", "甲"]
    assert order(cat["news"], agency) == ["二"]
    assert CatalogueNode.objects.get(name="二").position == 1  # the old siblings close the gap
    event = AuditEvent.objects.get(verb="catalogue.move")
    assert event.data == {"from": cat["news"].pk, "to": cat["land"].pk, "position": 0}
    catalogue.node_move(one, None, 0, by)
    assert order(None, agency)[0] == "一"
    catalogue.node_move(one, None, None, by)
    assert order(None, agency)[-1] == "一"


def test_move_refuses_cycles_other_agencies_and_name_clashes(cat):
    agency, by = cat["agency"], cat["publisher"]
    child = catalogue.node_create(agency, cat["land"], {"name": "征地批复"}, by)
    grandchild = catalogue.node_create(agency, child, {"name": "2025年"}, by)
    with pytest.raises(ValidationError, match="不能把“征地信息”移到它自己或它的下级之下"):
        catalogue.node_move(cat["land"], grandchild, None, by)
    with pytest.raises(ValidationError, match="它自己"):
        catalogue.node_move(cat["land"], cat["land"], None, by)
    services.catalogue_seed(cat["tree"]["city_a"])
    elsewhere = CatalogueNode.objects.get(agency=cat["tree"]["city_a"], name="征地信息")
    with pytest.raises(ValidationError, match="只能移到本机关的目录下"):
        catalogue.node_move(child, elsewhere, None, by)
    catalogue.node_create(agency, cat["news"], {"name": "征地批复"}, by)
    with pytest.raises(ValidationError, match="“政务新闻”下已有名为“征地批复”"):
        catalogue.node_move(child, cat["news"], None, by)
    child.refresh_from_db()
    assert child.parent_id == cat["land"].pk and not AuditEvent.objects.filter(verb="catalogue.move").exists()


def test_reorder_takes_every_sibling_once(cat):
    agency, by = cat["agency"], cat["publisher"]
    a = catalogue.node_create(agency, cat["land"], {"name": "甲"}, by)
    b = catalogue.node_create(agency, cat["land"], {"name": "乙"}, by)
    c = catalogue.node_create(agency, cat["land"], {"name": "丙"}, by)
    catalogue.node_reorder(cat["land"], [c.pk, a.pk, b.pk], by)
    assert order(cat["land"], agency) == ["丙", "甲", "乙"]
    assert AuditEvent.objects.get(verb="catalogue.reorder").data["order"] == [c.pk, a.pk, b.pk]
    with pytest.raises(ValidationError, match="全部事项"):
        catalogue.node_reorder(cat["land"], [a.pk, b.pk], by)
    with pytest.raises(ValidationError, match="全部事项"):
        catalogue.node_reorder(cat["land"], [a.pk, b.pk, c.pk, cat["news"].pk], by)
    roots = list(CatalogueNode.objects.filter(agency=agency, parent=None).order_by("position", "id"))
    catalogue.node_reorder(None, [r.pk for r in reversed(roots)], by, agency=agency)
    assert order(None, agency)[0] == "审批结果"


def test_delete_is_refused_while_items_or_children_point_at_it(cat):
    agency, by = cat["agency"], cat["publisher"]
    services.item_create(
        agency=agency, by=by, data={"node": cat["land"], "title": "征地批复", "formed_on": date(2025, 9, 1)}
    )
    with pytest.raises(ValidationError, match=r"“征地信息”下有 1 条信息.*不能删除"):
        catalogue.node_delete(cat["land"], by)
    child = catalogue.node_create(agency, cat["news"], {"name": "要闻"}, by)
    with pytest.raises(ValidationError, match="“政务新闻”下还有 1 个下级事项，不能删除"):
        catalogue.node_delete(cat["news"], by)
    gone = [child.pk, cat["news"].pk]
    catalogue.node_delete(child, by, reason="重复")
    catalogue.node_delete(cat["news"], by)
    assert not CatalogueNode.objects.filter(pk__in=gone).exists()
    event = AuditEvent.objects.filter(verb="catalogue.delete").order_by("seq").first()
    assert event.data["name"] == "要闻" and event.reason == "重复" and event.object_id == str(gone[0])
    assert order(None, agency).index("公告") == 16  # the positions close the gap


def test_the_tree_comes_from_one_query_with_counts(cat, django_assert_num_queries):
    agency, by = cat["agency"], cat["publisher"]
    child = catalogue.node_create(agency, cat["land"], {"name": "征地批复"}, by)
    services.item_create(
        agency=agency, by=by, data={"node": child, "title": "批复", "formed_on": date(2025, 9, 1)}
    )
    with django_assert_num_queries(1):
        roots = catalogue.tree(agency)
        nodes = list(catalogue.flatten(roots))
    assert len(roots) == 22 and len(nodes) == 23
    land = next(n for n in roots if n.name == "征地信息")
    assert [k.name for k in land.kids] == ["征地批复"]
    kid = land.kids[0]
    assert (kid.depth, kid.trail, kid.items_total, kid.published) == (1, ["征地信息"], 1, 0)
    assert kid.number == f"{land.number}.1" and roots[0].numeral == "一"


# --- pages and access --------------------------------------------------------------------------------


def url(name, *args):
    return reverse(f"publishing_staff:{name}", args=args)


@pytest.mark.parametrize("role", [Role.PUBLISHER, Role.HEAD, Role.ADMIN])
def test_publishers_heads_and_administrators_edit(cat, role):
    c = client_for(staff(cat["agency"], role))
    page = c.get(url("catalogue", "430S00")).content.decode()
    assert "征地信息" in page and "添加第一级事项" in page and "标准目录表" in page
    assert "共 22 个事项，已公开信息 0 条。" in page and "第二十条（十五）" in page
    r = c.post(
        url("catalogue_add", "430S00"),
        {"parent": cat["land"].pk, "name": "征地批复", "time_limit": "实时公开", "channels": ["政府网站"]},
    )
    node = CatalogueNode.objects.get(name="征地批复")
    assert r.status_code == 302 and r["Location"].endswith(f"#node-{node.pk}")
    assert node.parent == cat["land"] and node.responsible == "" and node.channels == "政府网站"


def test_the_edit_form_changes_fields_and_moves(cat):
    c = client_for(cat["publisher"])
    child = catalogue.node_create(cat["agency"], cat["land"], {"name": "征地批复"}, cat["publisher"])
    form = c.get(url("catalogue_edit", "430S00", child.pk)).content.decode()
    assert "征地批复" in form and "公开渠道和载体" in form and "公开方式" in form
    r = c.post(
        url("catalogue_edit", "430S00", child.pk),
        {
            "parent": cat["news"].pk,
            "name": "批复",
            "art20_item": "5",
            "content": "批复文件",
            "audience": "特定群体",
            "mode": "依申请",
            "channels": ["政府网站", "政务服务中心"],
            "reason": "调整",
        },
    )
    assert r.status_code == 302
    child.refresh_from_db()
    assert (child.parent, child.name, child.art20_item, child.mode) == (cat["news"], "批复", 5, "依申请")
    assert child.channels == "政府网站、政务服务中心"
    assert {e.verb for e in AuditEvent.objects.filter(object_id=str(child.pk))} >= {
        "catalogue.move",
        "catalogue.update",
    }


def test_a_refused_save_keeps_the_form_and_changes_nothing(cat):
    c = client_for(cat["publisher"])
    child = catalogue.node_create(cat["agency"], cat["land"], {"name": "征地批复"}, cat["publisher"])
    catalogue.node_create(cat["agency"], cat["news"], {"name": "征地批复"}, cat["publisher"])
    r = c.post(url("catalogue_edit", "430S00", child.pk), {"parent": cat["news"].pk, "name": "征地批复"})
    assert r.status_code == 200
    assert "“政务新闻”下已有名为“征地批复”的事项" in r.content.decode()
    child.refresh_from_db()
    assert child.parent == cat["land"]  # the move was rolled back with the refused update
    # the parent list leaves out the entry itself and what is below it
    grandchild = catalogue.node_create(cat["agency"], child, {"name": "2025年"}, cat["publisher"])
    form = c.get(url("catalogue_edit", "430S00", child.pk)).content.decode()
    assert f'value="{grandchild.pk}"' not in form and f'value="{child.pk}"' not in form


def test_up_and_down_buttons(cat):
    c = client_for(cat["publisher"])
    agency = cat["agency"]
    first = order(None, agency)[:2]
    top = CatalogueNode.objects.get(agency=agency, parent=None, name=first[0])
    assert c.post(url("catalogue_shift", "430S00", top.pk, "down")).status_code == 302
    assert order(None, agency)[:2] == [first[1], first[0]]
    c.post(url("catalogue_shift", "430S00", top.pk, "up"))
    assert order(None, agency)[:2] == first
    c.post(url("catalogue_shift", "430S00", top.pk, "up"))  # already first: nothing happens
    assert order(None, agency)[:2] == first
    assert c.get(url("catalogue_shift", "430S00", top.pk, "down")).status_code == 405
    assert c.post(url("catalogue_shift", "430S00", top.pk, "sideways")).status_code == 404


def test_delete_page_asks_then_deletes_or_explains(cat):
    c = client_for(cat["publisher"])
    child = catalogue.node_create(cat["agency"], cat["land"], {"name": "征地批复"}, cat["publisher"])
    page = c.get(url("catalogue_delete", "430S00", cat["land"].pk)).content.decode()
    assert "有 1 个下级事项" in page and "确认删除" not in page
    r = c.post(url("catalogue_delete", "430S00", cat["land"].pk), follow=True)
    assert "“征地信息”下还有 1 个下级事项，不能删除" in r.content.decode()
    assert "确认删除" in c.get(url("catalogue_delete", "430S00", child.pk)).content.decode()
    r = c.post(url("catalogue_delete", "430S00", child.pk), {"reason": "不再需要"})
    assert r.status_code == 302 and not CatalogueNode.objects.filter(pk=child.pk).exists()
    assert AuditEvent.objects.get(verb="catalogue.delete").reason == "不再需要"


def test_staff_of_another_county_get_404(cat):
    tree = cat["tree"]
    services.catalogue_seed(tree["county_a1"])
    node = CatalogueNode.objects.filter(agency=tree["county_a1"]).first()
    for role in (Role.PUBLISHER, Role.ADMIN):
        c = client_for(staff(tree["county_a2"], role))
        assert c.get(url("catalogue", "430121S")).status_code == 404
        assert c.get(url("catalogue_edit", "430121S", node.pk)).status_code == 404
        assert c.post(url("catalogue_add", "430121S"), {"name": "偷加"}).status_code == 404
        assert c.post(url("catalogue_shift", "430121S", node.pk, "down")).status_code == 404
        assert c.post(url("catalogue_delete", "430121S", node.pk)).status_code == 404
        # an entry of one's own agency cannot be reached through another agency's address either
        own = catalogue.node_create(tree["county_a2"], None, {"name": "自己的"}, None)
        assert c.get(url("catalogue_edit", "430121S", own.pk)).status_code == 404
        own.delete()
    assert not CatalogueNode.objects.filter(name="偷加").exists()


def test_supervisors_and_other_roles_only_read(cat):
    tree = cat["tree"]
    services.catalogue_seed(tree["city_a"])
    node = CatalogueNode.objects.filter(agency=tree["city_a"]).first()
    supervisor = client_for(staff(tree["province"], Role.SUPERVISOR))
    clerk = client_for(staff(tree["city_a"], Role.CLERK, Role.REVIEWER))
    for c in (supervisor, clerk):
        page = c.get(url("catalogue", "4301S0"))
        assert page.status_code == 200
        text = page.content.decode()
        assert "征地信息" in text and "添加第一级事项" not in text and "上移" not in text
        assert "修改目录需要" in text
        assert c.get(url("catalogue_edit", "4301S0", node.pk)).status_code == 404
        assert c.get(url("catalogue_add", "4301S0")).status_code == 404
        assert c.post(url("catalogue_shift", "4301S0", node.pk, "down")).status_code == 404
        assert c.post(url("catalogue_delete", "4301S0", node.pk)).status_code == 404
    assert Client().get(url("catalogue", "4301S0")).status_code == 302  # to the staff login


def test_index_and_the_link_from_the_item_list(cat):
    c = client_for(cat["publisher"])
    assert url("catalogue_index") in c.get(url("list")).content.decode()
    r = c.get(url("catalogue_index"))
    assert r.status_code == 302 and r["Location"] == url("catalogue", "430S00")
    supervisor = client_for(staff(cat["tree"]["city_a"], Role.SUPERVISOR))
    page = supervisor.get(url("catalogue_index")).content.decode()
    assert "长沙县自然资源局" in page and "浏阳市自然资源局" in page and "湖南省自然资源厅" not in page


# --- the public page ---------------------------------------------------------------------------------


def test_the_public_catalogue_lists_the_standard_fields_and_the_whole_tree(cat):
    catalogue.node_update(
        cat["land"],
        {
            "content": "征收土地预公告、征地补偿安置方案",
            "basis": "《中华人民共和国土地管理法实施条例》第二十六条",
            "time_limit": "实时公开",
            "channels": ["政府网站", "入户/现场"],
            "audience": "特定群体",
        },
        cat["publisher"],
    )
    catalogue.node_create(cat["agency"], cat["land"], {"name": "征地批复"}, cat["publisher"])
    body = Client().get(reverse("portal:proactive", args=["430S00"])).content.decode()
    for header in ("公开事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体"):
        assert f'<th scope="col">{header}</th>' in body
    assert '<th scope="col">公开对象</th>' in body and '<th scope="col">公开方式</th>' in body
    for value in (
        "征收土地预公告、征地补偿安置方案",
        "土地管理法实施条例",
        "政府网站、入户/现场",
        "特定群体",
    ):
        assert value in body
    assert 'data-label="公开依据"' in body  # each cell is labelled on a phone
    assert "征地信息 › </span>" in body and "征地批复" in body  # the child entry, under its parent
    assert "（一）" in body and "（十五）" in body


# --- in a real browser -------------------------------------------------------------------------------

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_catalogue_pages_pass_axe_on_desktop_and_phone(tree, page):
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.steps import Shots
    from tests.factories import PASSWORD

    shot = Shots("catalogue")
    province = tree["province"]
    services.catalogue_seed(province)
    publisher = staff(province, Role.PUBLISHER)
    land = CatalogueNode.objects.get(agency=province, parent=None, name="征地信息")
    catalogue.node_update(land, {"content": "征收土地预公告、征地补偿安置方案"}, publisher)
    catalogue.node_create(province, land, {"name": "征地批复", "basis": "《土地管理法》"}, publisher)
    axe = Axe()
    problems: dict[str, list[str]] = {}

    def check(label: str) -> None:
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in axe.run(page, options=WCAG).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if found:
            problems[label] = found

    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.goto(page.base + "/gk/430S00/proactive/").status == 200
        assert page.get_by_text("征收土地预公告、征地补偿安置方案").is_visible()
        check(f"public@{width}")
        shot(page, f"public-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base + "/staff/login/")
    page.fill("#id_username", publisher.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/**")
    staff_root = "/staff/publishing/catalogue/430S00/"
    for path in (staff_root, f"{staff_root}{land.pk}/edit/", f"{staff_root}{land.pk}/delete/"):
        assert page.goto(page.base + path).status == 200, path
        check(path)
        shot(page, path.rstrip("/").rsplit("/", 1)[-1])
    assert problems == {}
