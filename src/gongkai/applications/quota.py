"""Per-applicant upload quota (bad-inputs 6): what one public account may store in a rolling 24 hours.

The sum of the sizes of the attachments the account uploaded in the last 24 hours, plus the new file,
may not exceed ``GONGKAI_UPLOAD_QUOTA_BYTES`` (200 MB). Staff uploads do not count (they are not the
applicant's). The request size limit (``core.uploads``) bounds one file; this bounds many.

The online form checks the quota to answer early, next to the field; ``services.attach`` checks it again
inside the transaction that stores the file, after locking the account's row
(:func:`check_quota_locked`), so two uploads of one account at the same instant are counted one after
the other and cannot both pass (on SQLite the immediate write transaction serialises them).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.uploads import UploadRejected


def quota_bytes() -> int:
    return int(getattr(settings, "GONGKAI_UPLOAD_QUOTA_BYTES", 200 * 1024 * 1024))


def uploaded_last_day(account: Any) -> int:
    """Bytes the account stored as attachments in the last 24 hours."""
    from gongkai.applications.models import Attachment

    since = timezone.now() - timedelta(days=1)
    total = Attachment.objects.filter(uploaded_by=account, uploaded_at__gte=since).aggregate(n=Sum("size"))
    return int(total["n"] or 0)


def check_quota(account: Any, size: int) -> None:
    """Raise :class:`UploadRejected` (a Chinese message) when ``size`` more bytes would pass the quota."""
    _check(account, size)


def check_quota_locked(account: Any, size: int) -> None:
    """The same check under a row lock on the account (call it inside the storing transaction)."""
    from gongkai.orgs.services import lock_account

    lock_account(account)
    _check(account, size)


def _check(account: Any, size: int) -> None:
    if getattr(account, "pk", None) is None:
        return
    if uploaded_last_day(account) + size > quota_bytes():
        raise UploadRejected(
            _("您在 24 小时内上传的文件合计将超过 %(mb)s MB 的上限，本文件未被接收，请稍后再上传。")
            % {"mb": quota_bytes() // (1024 * 1024)}
        )
