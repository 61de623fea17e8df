"""The outcome of an application: exactly one row of section 三 of the annual report. Pure, no Django.

Keys and labels are those of ``annual-report-keys.json`` (2021 format); each outcome names the article
of the 条例 that the reply letter cites (``regulation.md`` §3.6). In 2019-format years the three
``other.*`` rows are printed as one row （六）其他处理.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Outcome:
    key: str
    group: str  # the （一）…（六） group it belongs to
    label: str  # the row label of the 2021 template (without the group)
    basis: str  # the provision the reply letter cites
    letter: str  # one sentence of the decision for the reply letter


GROUPS = {
    "disclosed": "（一）予以公开",
    "partially_disclosed": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}

R = "《中华人民共和国政府信息公开条例》"

OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "disclosed",
        "disclosed",
        "予以公开",
        R + "第三十六条第（一）项、第（二）项",
        "您申请获取的政府信息属于公开范围，现予以提供。",
    ),
    Outcome(
        "partially_disclosed",
        "partially_disclosed",
        "部分公开（区分处理的，只计这一情形，不计其他情形）",
        R + "第三十七条",
        "您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理，现提供可以公开的部分。",
    ),
    Outcome(
        "withheld.state_secret",
        "withheld",
        "属于国家秘密",
        R + "第十四条、第三十六条第（三）项",
        "您申请获取的政府信息属于国家秘密，依法不予公开。",
    ),
    Outcome(
        "withheld.prohibited_by_law",
        "withheld",
        "其他法律行政法规禁止公开",
        R + "第十四条、第三十六条第（三）项",
        "您申请获取的政府信息属于法律、行政法规禁止公开的信息，依法不予公开。",
    ),
    Outcome(
        "withheld.security_stability",
        "withheld",
        "危及“三安全一稳定”",
        R + "第十四条、第三十六条第（三）项",
        "您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，依法不予公开。",
    ),
    Outcome(
        "withheld.third_party_rights",
        "withheld",
        "保护第三方合法权益",
        R + "第十五条、第三十六条第（三）项",
        "您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，依法不予公开。",
    ),
    Outcome(
        "withheld.internal_affairs",
        "withheld",
        "属于三类内部事务信息",
        R + "第十六条第一款、第三十六条第（三）项",
        "您申请获取的政府信息属于行政机关的内部事务信息，可以不予公开。",
    ),
    Outcome(
        "withheld.process_information",
        "withheld",
        "属于四类过程性信息",
        R + "第十六条第二款、第三十六条第（三）项",
        "您申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的过程性信息，可以不予公开。",
    ),
    Outcome(
        "withheld.enforcement_files",
        "withheld",
        "属于行政执法案卷",
        R + "第十六条第二款、第三十六条第（三）项",
        "您申请获取的政府信息属于行政执法案卷信息，可以不予公开。",
    ),
    Outcome(
        "withheld.query_matters",
        "withheld",
        "属于行政查询事项",
        R + "第三十六条第（七）项",
        "您申请获取的信息属于有关法律、行政法规对信息的获取有特别规定的查询事项，请按有关规定办理。",
    ),
    Outcome(
        "unavailable.not_held",
        "unavailable",
        "本机关不掌握相关政府信息",
        R + "第三十六条第（四）项、第（五）项",
        "经检索，本机关未制作或者获取您申请的政府信息。",
    ),
    Outcome(
        "unavailable.needs_creation",
        "unavailable",
        "没有现成信息需要另行制作",
        R + "第三十八条",
        "您申请获取的信息需要本机关对现有政府信息进行加工、分析，本机关不予提供。",
    ),
    Outcome(
        "unavailable.unclear_after_supplement",
        "unavailable",
        "补正后申请内容仍不明确",
        R + "第三十条",
        "您补正后的申请内容仍不明确，本机关无法提供。",
    ),
    Outcome(
        "not_processed.petition_complaint",
        "not_processed",
        "信访举报投诉类申请",
        R + "第三十九条第一款",
        "您以政府信息公开申请的形式提出的是信访、投诉、举报等诉求，本机关不作为政府信息公开申请处理，请通过相应渠道提出。",
    ),
    Outcome(
        "not_processed.repeated",
        "not_processed",
        "重复申请",
        R + "第三十六条第（六）项",
        "本机关已就您的同一内容的申请作出答复，且您重复申请公开相同政府信息，本机关不予重复处理。",
    ),
    Outcome(
        "not_processed.publication",
        "not_processed",
        "要求提供公开出版物",
        R + "第三十九条第二款",
        "您要求提供的是政府公报、报刊、书籍等公开出版物，可以通过公开渠道获取，本机关不予提供。",
    ),
    Outcome(
        "not_processed.excessive",
        "not_processed",
        "无正当理由大量反复申请",
        R + "第三十五条",
        "您申请公开政府信息的数量、频次明显超过合理范围，且未说明理由或理由不合理，本机关不予处理。",
    ),
    Outcome(
        "not_processed.confirm_or_reissue",
        "not_processed",
        "要求行政机关确认或重新出具已获取信息",
        R + "第三十九条第二款",
        "您要求本机关确认或者重新出具已获取的信息，本机关不作为政府信息公开申请处理。",
    ),
    Outcome(
        "other.no_supplement",
        "other",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        R + "第三十条",
        "您无正当理由逾期未补正，视为放弃申请，本机关不再处理该政府信息公开申请。",
    ),
    Outcome(
        "other.fee_unpaid",
        "other",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "《政府信息公开信息处理费管理办法》第六条",
        "您逾期未按收费通知要求缴纳信息处理费，本机关不再处理该政府信息公开申请。",
    ),
    Outcome("other.other", "other", "其他", R, "本机关对您的申请作出如下处理。"),
)

BY_KEY = {o.key: o for o in OUTCOMES}
KEYS = tuple(BY_KEY)


def get(key: str) -> Outcome:
    try:
        return BY_KEY[key]
    except KeyError as exc:
        raise ValueError(f"“{key}”不是年报第三部分的办理结果。") from exc


def report_row(key: str, report_year: int) -> str:
    """The row an outcome is counted in: 2019-format years (up to 2020) merge the three ``other.*`` rows."""
    get(key)
    if report_year <= 2020 and key.startswith("other."):
        return "other"
    return key


def number_in_group(key: str) -> int:
    """1-based position of the outcome within its group, as numbered in the template (1.属于国家秘密 …)."""
    o = get(key)
    return [x.key for x in OUTCOMES if x.group == o.group].index(key) + 1


def citizen_label(key: str) -> str:
    """The outcome as a citizen reads it, without the report's numbering: ``不予公开：属于国家秘密``."""
    o = get(key)
    group = GROUPS[o.group][3:].split("（")[0]
    return group if o.group in ("disclosed", "partially_disclosed") else f"{group}：{o.label}"


def full_label(key: str) -> str:
    """The exact row label of the 2021 template, e.g. ``（三）不予公开 / 1.属于国家秘密``."""
    o = get(key)
    group = GROUPS[o.group]
    if o.group in ("disclosed", "partially_disclosed"):
        return group
    return f"{group} / {number_in_group(key)}.{o.label}"
