"""Demonstration agencies, units, staff and applicants: the Hunan natural-resources system."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from stdnum.cn import ric, uscc

from gongkai.orgs import services, twofactor
from gongkai.orgs.models import (
    Agency,
    Applicant,
    ApplicantKind,
    Level,
    Membership,
    OrganisationKind,
    Role,
    Unit,
    User,
    UserKind,
)

DEMO_PASSWORD = "gongkai-demo"
# DEMO ONLY. Heads and administrators must use two-factor authentication; so that a reviewer can log in
# to the demonstration as one, the demo gives them a confirmed TOTP device with this fixed, published
# secret (add it to any authenticator app, or print the current code with `gongkai twofactor demo-code`).
# Never in production: the demo refuses to create these devices when GONGKAI_PRODUCTION is set.
DEMO_TOTP_SECRET = "GONGKAIDEMOTOTPSECRETONLYFORDEMO"

PROVINCE = {
    "code": "430S00",
    "name": "湖南省自然资源厅",
    "short_name": "省自然资源厅",
    "division_code": "430000",
    "division_name": "湖南省",
    "address": "长沙市天心区银杏路6号（湖南省政务服务大厅）",
    "postcode": "410029",
    "phone": "0731-82213813",
    "fax": "0731-82213800",
    "email": "zwgk@zrzyt.hunan.example.cn",
    "office_hours": "工作日 上午 9:00—12:00，下午 13:30—17:00（法定节假日除外）",
    "website": "http://zrzyt.hunan.gov.cn",
}

PROVINCE_UNITS = [
    ("办公室", False),
    ("政务服务处", True),
    ("政策法规处", False),
    ("自然资源调查监测处", False),
    ("自然资源确权登记局", False),
    ("国土空间规划局", False),
    ("国土空间用途管制处", False),
    ("耕地保护监督处", False),
    ("国土空间生态修复处", False),
    ("矿业权管理处", False),
    ("执法监督局", False),
]

# The 14 city-level divisions of Hunan (GB/T 2260) and the area code of their telephones.
CITIES = [
    ("430100", "长沙", "长沙市", "0731"),
    ("430200", "株洲", "株洲市", "0731"),
    ("430300", "湘潭", "湘潭市", "0731"),
    ("430400", "衡阳", "衡阳市", "0734"),
    ("430500", "邵阳", "邵阳市", "0739"),
    ("430600", "岳阳", "岳阳市", "0730"),
    ("430700", "常德", "常德市", "0736"),
    ("430800", "张家界", "张家界市", "0744"),
    ("430900", "益阳", "益阳市", "0737"),
    ("431000", "郴州", "郴州市", "0735"),
    ("431100", "永州", "永州市", "0746"),
    ("431200", "怀化", "怀化市", "0745"),
    ("431300", "娄底", "娄底市", "0738"),
    ("433100", "湘西州", "湘西土家族苗族自治州", "0743"),
]

COUNTIES = [
    ("430100", "430121", "长沙县"),
    ("430100", "430181", "浏阳市"),
    ("430100", "430182", "宁乡市"),
    ("430200", "430281", "醴陵市"),
    ("430200", "430223", "攸县"),
    ("430500", "430582", "邵东市"),
    ("430500", "430522", "新邵县"),
]

LOCAL_UNITS = [
    ("办公室", False),
    ("政务公开办公室", True),
    ("耕地保护科", False),
    ("国土空间用途管制科", False),
]

# username, display name, agency code, role, unit name (None: the agency as a whole)
STAFF = [
    ("hn.admin", "系统管理员", "430S00", Role.ADMIN, None),
    ("hn.clerk", "王芳", "430S00", Role.CLERK, "政务服务处"),
    ("hn.head", "张伟", "430S00", Role.HEAD, "政务服务处"),
    ("hn.officer", "李强", "430S00", Role.OFFICER, "耕地保护监督处"),
    ("hn.officer2", "周丽", "430S00", Role.OFFICER, "国土空间用途管制处"),
    ("hn.publisher", "刘洋", "430S00", Role.PUBLISHER, "办公室"),
    ("hn.reviewer", "陈静", "430S00", Role.REVIEWER, "办公室"),
    ("hn.supervisor", "赵敏", "430S00", Role.SUPERVISOR, "政务服务处"),
    ("cs.clerk", "孙浩", "4301S0", Role.CLERK, "政务公开办公室"),
    ("cs.head", "吴昊", "4301S0", Role.HEAD, "政务公开办公室"),
    ("cs.officer", "郑琳", "4301S0", Role.OFFICER, "耕地保护科"),
    ("cs.supervisor", "冯雪", "4301S0", Role.SUPERVISOR, "政务公开办公室"),
    ("cs.publisher", "邓晨", "4301S0", Role.PUBLISHER, "政务公开办公室"),
    ("cs.reviewer", "彭芸", "4301S0", Role.REVIEWER, "办公室"),
    ("zz.clerk", "何平", "4302S0", Role.CLERK, "政务公开办公室"),
    ("csx.clerk", "黄磊", "430121S", Role.CLERK, "政务公开办公室"),
    ("ly.clerk", "罗娟", "430181S", Role.CLERK, "政务公开办公室"),
    ("sd.clerk", "谢军", "430582S", Role.CLERK, "政务公开办公室"),
]


def _resident_id(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + "0")  # stdnum expects a placeholder digit


def _uscc(prefix17: str) -> str:
    return prefix17 + uscc.calc_check_digit(prefix17)


# account, display name, identities
APPLICANTS: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "13807310001",
        "张建国",
        [
            {
                "kind": ApplicantKind.NATURAL_PERSON,
                "name": "张建国",
                "id_type": "resident_id",
                "id_number": _resident_id("43012119680315003"),
                "phone": "13807310001",
                "address": "湖南省长沙县黄花镇某村民组12号",
                "postcode": "410137",
            }
        ],
    ),
    (
        "lvshi@example.com",
        "欧阳明",
        [
            {
                "kind": ApplicantKind.NATURAL_PERSON,
                "name": "欧阳明",
                "id_type": "resident_id",
                "id_number": _resident_id("43010419850722001"),
                "phone": "13974100002",
                "email": "lvshi@example.com",
                "address": "湖南省长沙市岳麓区麓谷大道100号",
            },
            {
                "kind": ApplicantKind.ORGANISATION,
                "organisation_kind": OrganisationKind.LEGAL_SERVICE,
                "name": "湖南明理律师事务所",
                "id_type": "uscc",
                "id_number": _uscc("31430000MD012345X"),
                "legal_representative": "欧阳明",
                "contact_name": "欧阳明",
                "phone": "0731-88880002",
                "email": "lvshi@example.com",
                "address": "湖南省长沙市岳麓区麓谷大道100号",
            },
        ],
    ),
    (
        "13907390003",
        "李秀英",
        [
            {
                "kind": ApplicantKind.NATURAL_PERSON,
                "name": "李秀英",
                "id_type": "resident_id",
                "id_number": _resident_id("43052119720101002"),  # 邵东县: the code at the time of birth
                "phone": "13907390003",
                "address": "湖南省邵东市某镇某村",
            }
        ],
    ),
]


def _agency(parent: Agency | None, **fields: Any) -> Agency:
    code = fields.pop("code")
    agency, _created = Agency.objects.get_or_create(code=code, defaults={"parent": parent, **fields})
    return agency


def _units(agency: Agency, units: list[tuple[str, bool]]) -> None:
    for order, (name, is_office) in enumerate(units):
        Unit.objects.get_or_create(
            agency=agency, name=name, defaults={"is_disclosure_office": is_office, "sort_order": order}
        )


def load(out: Any) -> list[tuple[str, str, str]]:
    province = _agency(None, level=Level.PROVINCE, **PROVINCE)
    _units(province, PROVINCE_UNITS)
    cities: dict[str, Agency] = {}
    for order, (division, short, full, area) in enumerate(CITIES):
        cities[division] = _agency(
            province,
            code=f"{division[:4]}S0",
            name=f"{full}自然资源和规划局",
            short_name=f"{short}市局" if not short.endswith("州") else f"{short}局",
            level=Level.CITY,
            division_code=division,
            division_name=f"湖南省{full}",
            phone=f"{area}-12336",
            office_hours="工作日 上午 9:00—12:00，下午 14:30—17:30",
            address=f"湖南省{full}自然资源和规划局政务服务窗口",
            sort_order=order,
        )
        _units(cities[division], LOCAL_UNITS)
    for order, (city_division, division, name) in enumerate(COUNTIES):
        city = cities[city_division]
        county = _agency(
            city,
            code=f"{division}S",
            name=f"{name}自然资源局",
            short_name=f"{name}局",
            level=Level.COUNTY,
            division_code=division,
            division_name=f"{city.division_name}{name}",
            office_hours="工作日 上午 9:00—12:00，下午 14:30—17:30",
            address=f"{city.division_name}{name}自然资源局",
            sort_order=order,
        )
        _units(county, LOCAL_UNITS)

    accounts: list[tuple[str, str, str]] = []
    for username, display, code, role, unit_name in STAFF:
        agency = Agency.objects.get(code=code)
        user, created = User.objects.get_or_create(
            username=username, defaults={"kind": UserKind.STAFF, "display_name": display}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if role == Role.ADMIN:
                user.is_staff = True
                user.is_superuser = True
            user.save()
        unit = Unit.objects.get(agency=agency, name=unit_name) if unit_name else None
        # Non-officers are recorded in their agency (the unit is where they sit, not a scope).
        services.membership_grant(
            user=user, agency=agency, role=role, unit=unit if role == Role.OFFICER else None
        )
        label = str(Role(role).label)
        if role in twofactor.REQUIRED_ROLES and not settings.GONGKAI_PRODUCTION:
            if twofactor.device_for(user) is None:
                twofactor.install_device(user, DEMO_TOTP_SECRET)
            label += " · 两步验证（演示密钥）"
        accounts.append((username, agency.short_name, label))

    for username, display, identities in APPLICANTS:
        account, created = User.objects.get_or_create(
            username=username, defaults={"kind": UserKind.APPLICANT, "display_name": display}
        )
        if created:
            account.set_password(DEMO_PASSWORD)
            account.save()
        for data in identities:
            if not Applicant.objects.filter(account=account, name=data["name"]).exists():
                services.applicant_save(account=account, data=dict(data))
        accounts.append((username, "公众用户", display))
    if settings.GONGKAI_PRODUCTION:
        out.write("负责人和系统管理员首次登录后须绑定身份验证器（两步验证）。")
    else:
        out.write(
            "负责人和系统管理员须两步验证。演示专用密钥（切勿用于生产）："
            f"{DEMO_TOTP_SECRET}；登录时输入密码后，再输入身份验证器中的验证码，"
            "或运行 `gongkai twofactor demo-code` 显示的当前验证码。"
        )
    out.write(
        f"机关 {Agency.objects.count()} 个，处室 {Unit.objects.count()} 个，"
        f"岗位 {Membership.objects.count()} 个，申请人 {Applicant.objects.count()} 个。"
    )
    return accounts
