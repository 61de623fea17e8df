"""The editorial workflow of an information item (主动公开). Pure, no Django.

    draft ─submit→ in_review ─approve→ approved ─publish→ published
      ↑               │                   │
      └───reject──────┘                   └─schedule→ scheduled ─(time comes)→ published
    published ─edit→ draft (the published version stays public until the new one is published)
    published / scheduled ─withdraw→ withdrawn

Art. 17 requires the confidentiality review (保密审查) before anything is published: there is no
path to ``published`` that avoids ``approved``.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


LABELS = {
    Status.DRAFT: "草稿",
    Status.IN_REVIEW: "待保密审查",
    Status.APPROVED: "审查通过，待发布",
    Status.SCHEDULED: "定时发布",
    Status.PUBLISHED: "已发布",
    Status.WITHDRAWN: "已撤回",
}

ALLOWED: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.IN_REVIEW}),
    Status.IN_REVIEW: frozenset({Status.APPROVED, Status.DRAFT}),
    Status.APPROVED: frozenset({Status.PUBLISHED, Status.SCHEDULED, Status.DRAFT}),
    Status.SCHEDULED: frozenset({Status.PUBLISHED, Status.APPROVED, Status.WITHDRAWN}),
    Status.PUBLISHED: frozenset({Status.DRAFT, Status.WITHDRAWN}),
    Status.WITHDRAWN: frozenset({Status.DRAFT}),
}


class TransitionError(ValueError):
    """Not allowed; the message is Chinese."""


def check(current: Status | str, target: Status | str) -> None:
    a, b = Status(current), Status(target)
    if b not in ALLOWED[a]:
        raise TransitionError(f"信息当前状态为“{LABELS[a]}”，不能变为“{LABELS[b]}”。")


def index_number(agency_code: str, year: int, serial: int) -> str:
    """索引号: ``<agency code>/<year>-<serial, 6 digits>``, e.g. ``430S00/2021-000123``."""
    if serial < 1 or serial > 999_999:
        raise ValueError("索引号序号应在 1 至 999999 之间")
    return f"{agency_code}/{year}-{serial:06d}"


# The seed department's categories (湖南省自然资源厅 2020 report) besides the 15 items of Art. 20.
SEED_CATEGORIES = ("征地信息", "政务新闻", "公告", "法律法规", "热点专题", "交易信息公告", "审批结果")
