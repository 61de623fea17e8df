"""Demonstration boxes and letters: about a year of 网上咨询, 厅长信箱/局长信箱 and 投诉 letters.

Mostly land expropriation and compensation, 不动产登记 and 矿业权; most answered on time, many published
as Q&A (only those whose writer agreed, with the writer's name and telephone removed), a few still open,
one or two overdue. Built through the service layer, so every letter has its real trail. Deterministic
(fixed random seed, dates relative to today) and idempotent (boxes get-or-create; letters only for an
agency that has none yet).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from gongkai.core import clock
from gongkai.core.calendar import working_calendar
from gongkai.mailbox import rules, services
from gongkai.mailbox.models import Box, BoxKind, Letter
from gongkai.orgs.models import Agency, Role, Unit, User

# agency code → (kind, name, intro, reply days)
BOXES: dict[str, list[tuple[str, str, str, int]]] = {
    "430S00": [
        (
            BoxKind.CONSULTATION,
            "",
            "咨询自然资源管理方面的政策和办事事项，例如土地征收、不动产登记、矿业权、国土空间规划。",
            10,
        ),
        (
            BoxKind.DIRECTOR,
            "厅长信箱",
            "对全省自然资源工作的意见和建议，厅长信箱来信由厅办公室统一办理。",
            15,
        ),
        (
            BoxKind.COMPLAINT,
            "",
            "投诉本厅及所属单位工作人员的作风和办事效率，以及自然资源领域的违法行为。",
            10,
        ),
    ],
    "4301S0": [
        (BoxKind.CONSULTATION, "", "咨询长沙市自然资源和规划方面的政策和办事事项。", 10),
        (BoxKind.DIRECTOR, "局长信箱", "对长沙市自然资源和规划工作的意见和建议。", 10),
    ],
}

# Unit that answers each subject, per agency.
UNITS = {
    "430S00": {
        "land": "国土空间用途管制处",
        "registration": "自然资源确权登记局",
        "mining": "矿业权管理处",
        "planning": "国土空间规划局",
        "farmland": "耕地保护监督处",
        "enforcement": "执法监督局",
    },
    "4301S0": {
        "land": "国土空间用途管制科",
        "farmland": "耕地保护科",
        "enforcement": "耕地保护科",
        "registration": "办公室",
        "mining": "办公室",
        "planning": "国土空间用途管制科",
    },
}

PLACES = [
    "长沙县黄花镇",
    "长沙县安沙镇",
    "浏阳市集里街道",
    "宁乡市玉潭街道",
    "长沙市岳麓区含浦街道",
    "株洲市天元区群丰镇",
    "醴陵市浦口镇",
    "邵东市两市塘街道",
    "新邵县酿溪镇",
    "岳阳县荣家湾镇",
    "常德市鼎城区灌溪镇",
    "郴州市苏仙区白露塘镇",
]
CITY_PLACES = ["长沙县黄花镇", "长沙县安沙镇", "浏阳市集里街道", "宁乡市玉潭街道", "长沙市岳麓区含浦街道"]

SURNAMES = "张王李刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董曾彭吕苏卢蒋蔡贾丁魏谭廖邹熊"
GIVEN = [
    "建国",
    "秀英",
    "桂兰",
    "德明",
    "志强",
    "海燕",
    "春生",
    "玉梅",
    "国华",
    "小平",
    "冬梅",
    "永红",
    "卫东",
]

# (box kind, subject, title, body, reply); {place} and {we} (我厅/我局) are filled in.
TOPICS: list[tuple[str, str, str, str, str]] = [
    (
        BoxKind.CONSULTATION,
        "land",
        "征地补偿标准如何确定",
        "我家在{place}，承包地列入了土地征收范围。请问现在征地补偿按什么标准执行？青苗和地上附着物怎么补偿？",
        "您好！根据《中华人民共和国土地管理法》第四十八条，征收农用地的土地补偿费、安置补助费标准由省、自治区、"
        "直辖市通过制定公布区片综合地价确定，区片综合地价至少每三年调整或者重新公布一次；地上附着物和青苗等的补偿"
        "标准由省人民政府制定。具体到您家的地块，请向当地县级自然资源主管部门查阅征地补偿安置方案，方案公告期间"
        "可以提出意见。感谢您的来信！",
    ),
    (
        BoxKind.CONSULTATION,
        "land",
        "征地补偿安置方案在哪里公告",
        "听说{place}要征地，请问征地补偿安置方案会在哪里公告？我们有意见可以向谁提？",
        "您好！根据《中华人民共和国土地管理法实施条例》第二十七条，征地补偿安置方案由县级以上地方人民政府组织拟定，"
        "在拟征收土地所在的乡（镇）和村、村民小组范围内公告，公告时间不少于三十日。过半数被征地的农村集体经济组织"
        "成员认为方案不符合法律、法规规定的，县级以上地方人民政府应当组织听证。您可以在公告期内向公告载明的单位"
        "提出意见。",
    ),
    (
        BoxKind.CONSULTATION,
        "land",
        "征地补偿款何时发放到户",
        "{place}去年征地，村里说补偿款已经拨付到村，但到现在还没有分到户。请问补偿款应该什么时候发到个人手里？",
        "您好！依照法律规定，土地补偿费归农村集体经济组织所有，地上附着物及青苗补偿费归其所有者所有。征地补偿费用"
        "应当足额到位、专户存储，任何单位和个人不得截留、挪用。土地补偿费在集体经济组织内部的分配使用，由集体经济"
        "组织成员依法民主决定。如认为补偿款被截留或挪用，可以向所在乡镇人民政府或县级农业农村部门反映。",
    ),
    (
        BoxKind.CONSULTATION,
        "registration",
        "二手房过户需要准备哪些材料",
        "我准备在{place}购买一套二手住房，请问办理不动产转移登记需要哪些材料？可以网上预约吗？",
        "您好！办理存量房转移登记，一般需提交不动产登记申请书、申请人身份证明、不动产权属证书、买卖合同和完税凭证等，"
        "具体以当地不动产登记机构公布的办事指南为准。目前各市县均已开通“互联网+不动产登记”，可以在线预约或申请。",
    ),
    (
        BoxKind.CONSULTATION,
        "registration",
        "不动产权证书遗失如何补办",
        "我家的不动产权证书不慎遗失，请问怎么补办？还需要登报声明吗？",
        "您好！不动产权属证书遗失、灭失的，权利人可以向不动产登记机构申请补发。登记机构在其门户网站上刊发遗失、灭失"
        "声明 15 个工作日后予以补发，不再要求申请人登报。请携带身份证明到不动产所在地的登记机构申请。",
    ),
    (
        BoxKind.CONSULTATION,
        "registration",
        "农村宅基地上的房屋能否办理不动产登记",
        "我在{place}有一处宅基地上自建的房屋，上世纪九十年代建的，一直没有办证。请问现在能办不动产权证吗？",
        "您好！农村宅基地和集体建设用地房屋确权登记工作正在推进，对历史形成的宅基地按照有关政策区分不同情形办理登记。"
        "请您携带宅基地批准文件等材料，向房屋所在地县级不动产登记机构或乡镇人民政府咨询具体要求。",
    ),
    (
        BoxKind.CONSULTATION,
        "mining",
        "采矿许可证延续应提前多久申请",
        "我公司在{place}有一个建筑用砂石矿，采矿许可证明年到期。请问延续登记应提前多久申请？审批需要多长时间？",
        "您好！采矿权人应当在采矿许可证有效期届满前申请办理延续登记。申请材料和办理时限请查阅政务服务网上公布的"
        "“采矿权延续登记”办事指南；材料齐全的，{we}在承诺时限内作出决定。逾期未申请延续的，采矿许可证自行废止。",
    ),
    (
        BoxKind.CONSULTATION,
        "mining",
        "探矿权转让需要满足哪些条件",
        "我们想把{place}一处探矿权转让给合作方，请问需要满足哪些条件，到哪里办理？",
        "您好！探矿权转让应当符合《探矿权采矿权转让管理办法》规定的条件，包括自颁发勘查许可证之日起满 2 年"
        "或者已在勘查作业区内发现可供进一步勘查或者开采的矿产资源、完成规定的最低勘查投入、权属无争议、按规定缴纳有关费用等。"
        "转让申请向原发证机关提出。",
    ),
    (
        BoxKind.CONSULTATION,
        "planning",
        "村庄规划在哪里可以查阅",
        "请问{place}的村庄规划批准了吗？在哪里可以查看规划图？",
        "您好！经批准的村庄规划应当在村内公布。您可以向所在乡镇人民政府或县级自然资源主管部门查询，也可以在当地"
        "人民政府门户网站的规划公示栏目查阅。",
    ),
    (
        BoxKind.CONSULTATION,
        "farmland",
        "在承包地上建养殖大棚是否需要审批",
        "我想在{place}自家的承包地上建一个养殖大棚，请问需要办什么手续？",
        "您好！设施农业用地按农用地管理，不需办理农用地转用审批，但应当由经营者与农村集体经济组织协商一致后，向乡镇"
        "人民政府备案。设施农业用地不得超过规定规模，不得改变用途，永久基本农田原则上不得用于建设养殖设施。",
    ),
    (
        BoxKind.DIRECTOR,
        "land",
        "建议及时调整征地区片综合地价",
        "我是{place}的村民。近几年物价上涨较多，建议及时调整征地区片综合地价，保障被征地农民的长远生计。",
        "感谢您对自然资源工作的关心！区片综合地价依法至少每三年调整或者重新公布一次，调整时综合考虑土地原用途、"
        "土地资源条件、土地产值、土地区位、土地供求关系、人口以及经济社会发展水平等因素。{we}将在下一轮调整工作中"
        "认真研究您的建议。被征地农民依法纳入相应的养老等社会保障体系。",
    ),
    (
        BoxKind.DIRECTOR,
        "registration",
        "建议不动产登记窗口周末也能办理",
        "上班族工作日请假不便，建议不动产登记窗口在周末安排值班，方便群众办事。",
        "感谢您的建议！目前各地不动产登记机构已普遍推行“网上办”“预约办”，部分窗口已实行延时服务和周末预约服务。"
        "{we}将督促各地进一步完善预约服务，方便群众办事。",
    ),
    (
        BoxKind.DIRECTOR,
        "farmland",
        "反映{place}部分耕地撂荒",
        "{place}有几片耕地连续两年无人耕种，杂草丛生，希望有关部门督促复耕。",
        "感谢您的来信！{we}已转请当地自然资源和农业农村部门核查。经核查，相关地块系承包户外出务工导致撂荒，当地已"
        "组织村集体协调流转，安排复耕复种。",
    ),
    (
        BoxKind.DIRECTOR,
        "enforcement",
        "反映{place}有人在永久基本农田上建房",
        "{place}有人在永久基本农田上打地基建房，已经建了一层，请查处。",
        "感谢您的来信！接件后，{we}即组织执法人员现场核查。经查，该建房行为未取得用地批准，当地已责令停止建设、限期"
        "拆除并恢复耕种条件，并依法立案查处。",
    ),
    (
        BoxKind.COMPLAINT,
        "registration",
        "投诉不动产登记办理超时",
        "我在{place}申请的不动产转移登记，承诺 5 个工作日办结，到现在已经两周了还没有办好。",
        "您好！经调查，您的登记申请因需补充完税信息而延迟，登记机构未及时告知，存在工作不到位的问题。现已办结，"
        "并对相关工作人员进行了批评教育。感谢您的监督！",
    ),
    (
        BoxKind.COMPLAINT,
        "enforcement",
        "投诉{place}采石场越界开采",
        "{place}有一家采石场超出矿区范围开采，山体被挖得很严重，请尽快查处。",
        "您好！{we}已组织执法人员会同当地自然资源主管部门现场核查。经测量，该采石场存在越界开采行为，已依法立案查处，"
        "责令停止越界开采，并督促其履行矿山地质环境恢复治理义务。",
    ),
    (
        BoxKind.COMPLAINT,
        "land",
        "投诉征地未公告就动工",
        "{place}有一块地还没有看到征地公告就开始施工了，请核实是否合法。",
        "您好！经核查，该地块已依法取得土地征收批准，征收土地预公告、征地补偿安置方案公告均已在所在村张贴，但施工前"
        "公告栏被雨水损毁。当地已重新张贴公告，并将批准文件在政府网站公开。",
    ),
]

CLOSE_REASONS = [
    "您反映的问题属于信访事项，请依照《信访工作条例》向有权处理的机关提出。",
    "来信内容不属于本机关职责范围，建议向当地住房和城乡建设部门咨询。",
]


def _at(day: date, rng: random.Random, first_hour: int = 9, last_hour: int = 17) -> datetime:
    """A time of day on ``day``, never in the future."""
    clock_time = time(rng.randrange(first_hour, last_hour), rng.randrange(0, 60))
    return min(timezone.make_aware(datetime.combine(day, clock_time)), timezone.now() - timedelta(minutes=1))


def _user(agency: Agency, *roles: str) -> User | None:
    for role in roles:
        user = User.objects.filter(memberships__agency=agency, memberships__role=role).order_by("pk").first()
        if user:
            return user
    return None


def _boxes(agency: Agency) -> dict[str, Box]:
    boxes = {}
    for order, (kind, name, intro, days) in enumerate(BOXES[agency.code]):
        box, _created = Box.objects.get_or_create(
            agency=agency,
            kind=kind,
            defaults={"name": name, "intro": intro, "reply_days": days, "sort_order": order},
        )
        boxes[kind] = box
    return boxes


def _letters_for(agency: Agency, boxes: dict[str, Box], count: int, seed: int, today: date) -> int:
    rng = random.Random(seed)
    cal = working_calendar()
    clerk = _user(agency, Role.CLERK)
    answerer = _user(agency, Role.OFFICER, Role.HEAD) or clerk
    publisher = _user(agency, Role.PUBLISHER, Role.CLERK)
    if not (clerk and answerer and publisher):
        return 0
    units = {
        key: Unit.objects.filter(agency=agency, name=name).first() for key, name in UNITS[agency.code].items()
    }
    topics = [t for t in TOPICS if t[0] in boxes]
    places = PLACES if agency.level == "province" else CITY_PLACES
    we = "我厅" if agency.level == "province" else "我局"
    made = 0
    for i in range(count):
        if i < count * 0.85:  # spread over the year
            written = today - timedelta(days=365 - int(i * 340 / (count * 0.85)) - rng.randrange(0, 3))
        else:  # the rest arrived in the past three weeks: mostly still open
            written = today - timedelta(days=rng.randrange(0, 21))
        kind, subject, title, body, reply = rng.choice(topics)
        place = rng.choice(places)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = f"139{rng.randrange(10**7, 10**8)}"
        body = body.format(place=place)
        signed = kind != BoxKind.CONSULTATION and rng.random() < 0.4
        if signed:  # writers of letters to the director often sign them; removed before publication
            body = f"{body}\n\n来信人：{name}，联系电话：{phone}。"
        at = _at(written, rng, 8, 22)
        box = boxes[kind]
        letter = services.letter_submit(
            box=box,
            data={
                "title": title.format(place=place),
                "body": body,
                "writer_name": name,
                "phone": phone,
                "agrees_to_publish": rng.random() < 0.75,
            },
            at=at,
            code=rules.new_code(rng.choice),
        )
        made += 1
        age = (today - written).days
        unit = units.get(subject)
        roll = rng.random()
        forgotten = 14 < age <= 40 and roll < 0.3  # overdue: shown in red on the staff queue
        if age <= 12 or (age <= 21 and roll < 0.5) or forgotten:  # still open
            if unit and (age > 2 or roll < 0.05):
                route_on = clock.add_working_days(cal, written, 1)
                if route_on <= today:
                    services.letter_route(letter=letter, unit=unit, by=clerk, at=_at(route_on, rng))
            continue
        if roll < 0.05:
            services.letter_close(
                letter=letter,
                reason=rng.choice(CLOSE_REASONS),
                by=clerk,
                at=_at(clock.add_working_days(cal, written, 2), rng),
            )
            continue
        if unit and rng.random() < 0.75:
            services.letter_route(
                letter=letter, unit=unit, by=clerk, at=_at(clock.add_working_days(cal, written, 1), rng)
            )
        late = rng.random() < 0.06
        days = box.reply_days + rng.randrange(1, 4) if late else rng.randrange(2, box.reply_days)
        replied_on = clock.add_working_days(cal, written, days)
        if replied_on >= today:
            continue
        replied_at = _at(replied_on, rng)
        letter = services.letter_reply(letter=letter, text=reply.format(we=we), by=answerer, at=replied_at)
        if letter.agrees_to_publish and rng.random() < 0.8:
            question = body.split("\n\n来信人：")[0]
            services.letter_publish(
                letter=letter,
                question=question,
                by=publisher,
                at=_at(clock.add_working_days(cal, replied_on, 1), rng),
            )
    return made


def load(out: Any) -> list[tuple[str, str, str]]:
    today = timezone.localdate()
    made = 0
    for code, count, seed in (("430S00", 64, 11), ("4301S0", 18, 12)):
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            continue
        boxes = _boxes(agency)
        if Letter.objects.filter(box__agency=agency).exists():
            continue
        made += _letters_for(agency, boxes, count, seed, today)
    sample = (
        Letter.objects.filter(box__agency__code="430S00", status="replied").order_by("submitted_at").first()
    )
    hint = f"，演示查询码 {sample.query_code_display}" if sample else ""
    out.write(f"网上咨询与信箱来信 {Letter.objects.count()} 件（本次新建 {made} 件）{hint}。")
    return []
