"""The public shell: every page of the 政府信息公开 column answers, in Chinese, for every agency."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

SECTIONS = [
    "portal:column",
    "portal:guide",
    "portal:rules",
    "portal:proactive",
    "portal:reports",
    "portal:apply",
]


def test_home_lists_the_tree(tree):
    body = Client().get("/").content.decode()
    assert '<html lang="zh-Hans">' in body
    for agency in tree.values():
        assert agency.name in body


@pytest.mark.parametrize("name", SECTIONS)
def test_column_pages(tree, name):
    for agency in (tree["province"], tree["county_b1"]):
        r = Client().get(reverse(name, args=[agency.code]))
        assert r.status_code == 200
        body = r.content.decode()
        assert agency.name in body
        assert "信息公开指南" in body  # the column navigation


def test_unknown_agency_is_404(tree):
    assert Client().get(reverse("portal:guide", args=["NOPE00"])).status_code == 404


def test_guide_shows_the_contacts_art12_requires(tree):
    province = tree["province"]
    province.address, province.phone, province.office_hours = (
        "长沙市天心区银杏路6号",
        "0731-82213813",
        "工作日",
    )
    province.save()
    body = Client().get(reverse("portal:guide", args=[province.code])).content.decode()
    for text in ("长沙市天心区银杏路6号", "0731-82213813", "工作日", "第十二条"):
        assert text in body


def test_proactive_lists_all_fifteen_art20_items(tree):
    from gongkai.publishing.services import catalogue_seed

    empty = Client().get(reverse("portal:proactive", args=[tree["province"].code])).content.decode()
    assert "尚未建立主动公开目录" in empty
    catalogue_seed(tree["province"])
    body = Client().get(reverse("portal:proactive", args=[tree["province"].code])).content.decode()
    assert "（一）" in body and "（十五）" in body and "征地信息" in body


def test_security_headers(tree):
    r = Client().get("/")
    assert "script-src 'self'" in r["Content-Security-Policy"]
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"


def test_django_strings_missing_from_its_chinese_catalogue_are_filled():
    from django.db.models.fields import BLANK_CHOICE_LABEL
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "请选择"
