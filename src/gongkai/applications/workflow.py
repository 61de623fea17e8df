"""The state machine of an application (依申请公开). Pure, no Django.

Every change of state goes through :func:`check` (called by ``services.transition``); nothing else
assigns a status. The states follow ``regulation.md`` §2.1::

    submitted ─accept→ registered ─assign→ processing ─draft→ pending_approval ─approve→ replied
         │                 │                 │  ↑                     │
         └─discard         │                 │  └──────return─────────┘
                           ├─clarify→ awaiting_supplement ─supplement→ processing / ─lapse→ closed
                           processing ─consult→ consulting ─answer→ processing
                           processing ─fee→ awaiting_fee ─paid→ processing / ─unpaid→ closed
                           processing ─art35→ awaiting_reasons ─reasons→ processing
    any open state ─withdraw→ withdrawn

A *concluded* application (replied, closed, withdrawn) has an outcome (one row of section 三);
a *discarded* online submission was never an application (not counted anywhere).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    SUBMITTED = "submitted"  # 网上提交，待受理
    REGISTERED = "registered"  # 已受理登记
    PROCESSING = "processing"  # 办理中
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # 待补正
    CONSULTING = "consulting"  # 征求意见中
    AWAITING_FEE = "awaiting_fee"  # 待缴费
    AWAITING_REASONS = "awaiting_reasons"  # 待说明理由（第三十五条）
    PENDING_APPROVAL = "pending_approval"  # 答复待审批
    REPLIED = "replied"  # 已答复
    CLOSED = "closed"  # 终止（逾期不补正、逾期不缴费）
    WITHDRAWN = "withdrawn"  # 申请人撤回
    DISCARDED = "discarded"  # 网上提交未受理（非政府信息公开申请的无效提交）


LABELS = {
    Status.SUBMITTED: "待受理",
    Status.REGISTERED: "已受理",
    Status.PROCESSING: "办理中",
    Status.AWAITING_SUPPLEMENT: "待补正",
    Status.CONSULTING: "征求意见中",
    Status.AWAITING_FEE: "待缴费",
    Status.AWAITING_REASONS: "待说明理由",
    Status.PENDING_APPROVAL: "答复待审批",
    Status.REPLIED: "已答复",
    Status.CLOSED: "已终止",
    Status.WITHDRAWN: "已撤回",
    Status.DISCARDED: "未受理",
}

CONCLUDED = frozenset({Status.REPLIED, Status.CLOSED, Status.WITHDRAWN})
TERMINAL = CONCLUDED | {Status.DISCARDED}
OPEN = frozenset(Status) - TERMINAL - {Status.SUBMITTED}
"""Open applications: received (the clock runs or is paused) and not concluded."""

_OPEN_TO_WITHDRAWN = {s: {Status.WITHDRAWN} for s in OPEN}

ALLOWED: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.REGISTERED, Status.DISCARDED}),
    Status.REGISTERED: frozenset({Status.PROCESSING, Status.AWAITING_SUPPLEMENT, Status.PENDING_APPROVAL}),
    Status.PROCESSING: frozenset(
        {
            Status.AWAITING_SUPPLEMENT,
            Status.CONSULTING,
            Status.AWAITING_FEE,
            Status.AWAITING_REASONS,
            Status.PENDING_APPROVAL,
        }
    ),
    Status.AWAITING_SUPPLEMENT: frozenset({Status.PROCESSING, Status.CLOSED}),
    Status.CONSULTING: frozenset({Status.PROCESSING}),
    Status.AWAITING_FEE: frozenset({Status.PROCESSING, Status.CLOSED}),
    Status.AWAITING_REASONS: frozenset({Status.PROCESSING, Status.PENDING_APPROVAL}),
    Status.PENDING_APPROVAL: frozenset({Status.PROCESSING, Status.REPLIED}),
}
for _state, _extra in _OPEN_TO_WITHDRAWN.items():
    ALLOWED[_state] = ALLOWED.get(_state, frozenset()) | _extra
for _state in TERMINAL:
    ALLOWED[_state] = frozenset()


class TransitionError(ValueError):
    """A change of state the workflow does not allow; the message is Chinese, for staff."""


def check(current: Status | str, target: Status | str) -> None:
    a, b = Status(current), Status(target)
    if b not in ALLOWED[a]:
        raise TransitionError(f"申请当前状态为“{LABELS[a]}”，不能变为“{LABELS[b]}”。")


def is_open(status: Status | str) -> bool:
    return Status(status) in OPEN


def clock_paused(status: Status | str) -> bool:
    """States in which the reply period does not run (the clock module counts the exact days)."""
    return Status(status) in {Status.AWAITING_SUPPLEMENT, Status.CONSULTING, Status.AWAITING_FEE}
