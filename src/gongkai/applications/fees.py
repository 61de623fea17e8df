"""The information processing fee (信息处理费), 《政府信息公开信息处理费管理办法》(国办函〔2020〕109号).

Pure rules, no Django. Both methods are progressive above thresholds (超额累进, Art. 3); for one
application the agency uses one method, never both.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class Method(StrEnum):
    PER_ITEM = "per_item"  # 按件计收 (Art. 4)
    PER_VOLUME = "per_volume"  # 按量计收 (Art. 5)


LABELS = {Method.PER_ITEM: "按件计收", Method.PER_VOLUME: "按量计收"}


def per_item_fee(nth_in_month: int) -> Decimal:
    """按件计收 (Art. 4): the fee for the applicant's ``nth_in_month`` application of a natural month.

    1–10: free; 11–30: 100 元 each; from the 31st, every further band of 10 raises the rate by 100 元
    (31–40: 200, 41–50: 300, …).
    """
    if nth_in_month < 1:
        raise ValueError("本月第几件申请应从 1 开始计数")
    if nth_in_month <= 10:
        return Decimal(0)
    if nth_in_month <= 30:
        return Decimal(100)
    return Decimal(100 * (2 + (nth_in_month - 31) // 10))


def per_volume_fee(pages: int) -> Decimal:
    """按量计收 (Art. 5): by pages of one application, each rate on its band only.

    ≤30 pages free; 31–100: 10 元/页; 101–200: 20 元/页; from 201: 40 元/页.
    """
    if pages < 0:
        raise ValueError("页数不能为负数")
    return Decimal(
        10 * min(max(pages - 30, 0), 70) + 20 * min(max(pages - 100, 0), 100) + 40 * max(pages - 200, 0)
    )


def fee(method: Method | str, *, nth_in_month: int = 1, pages: int = 0) -> Decimal:
    m = Method(method)
    return per_item_fee(nth_in_month) if m is Method.PER_ITEM else per_volume_fee(pages)


def explain(method: Method | str, *, nth_in_month: int = 1, pages: int = 0) -> str:
    """One line for the fee notice: the basis and how the amount was reached."""
    m = Method(method)
    amount = fee(m, nth_in_month=nth_in_month, pages=pages)
    if m is Method.PER_ITEM:
        return f"按件计收：本申请为申请人本月第 {nth_in_month} 件，收费 {amount} 元（办法第四条）"
    return f"按量计收：共 {pages} 页，收费 {amount} 元（办法第五条）"
