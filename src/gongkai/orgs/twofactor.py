"""Two-factor authentication for staff: TOTP (RFC 6238, via pyotp) and single-use recovery codes.

Policy (docs/security.md "Accounts"): members with the *head* or *administrator* role in any agency
must use it; everyone else may. Secrets are encrypted at rest (``EncryptedTextField``); recovery codes
are stored as keyed hashes and can be used once.

The login state of a staff session is kept in ``request.session[STATE]``:

- ``"ok"``: the second step was passed (or the user has just enrolled);
- ``"enrol"``: a head or administrator without a device logged in with the password: until enrolled,
  only the enrolment page and logout answer (:class:`TwoFactorMiddleware`);
- absent or anything else: no second step was passed. If the user has a confirmed device, the session
  is refused outright (logged out), however it was made: the password alone never opens the back office
  for someone with a device.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

import pyotp
import segno
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from gongkai.core import audit
from gongkai.core.crypto import lookup_hash
from gongkai.orgs.models import Membership, RecoveryCode, Role, TOTPDevice, User, UserKind

log = logging.getLogger("gongkai.access")

STATE = "gongkai_2fa"
PENDING = "gongkai_2fa_pending"  # {"user": pk, "at": epoch seconds, "next": url, "backend": path}
PENDING_SECONDS = 300
REQUIRED_ROLES = (Role.HEAD, Role.ADMIN)
ISSUER = "Gongkai 政府信息公开"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


# --- policy ------------------------------------------------------------------------------------------


def required_for(user: Any) -> bool:
    """Heads and administrators must use a second factor."""
    return bool(
        getattr(user, "kind", None) == UserKind.STAFF
        and Membership.objects.filter(user=user, role__in=REQUIRED_ROLES).exists()
    )


def device_for(user: Any) -> TOTPDevice | None:
    """The user's confirmed device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


# --- TOTP --------------------------------------------------------------------------------------------


def new_secret() -> str:
    return pyotp.random_base32(32)  # 160 bits, as RFC 4226 recommends


def provisioning_uri(device: TOTPDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.username, issuer_name=ISSUER)


def qr_svg(uri: str, title: str = "") -> str:
    """The QR code of ``uri`` as an inline SVG element, made on the server (no external service)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=5, border=4, title=title or None)
    return svg


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (30 s) within ±1 of now whose code is ``code``, or None."""
    totp = pyotp.TOTP(secret)
    current = int(now) // totp.interval
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_device(device: TOTPDevice, code: str) -> bool:
    """Accept a code once: a code of a step at or before the last accepted one is refused (replay)."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    step = _matching_step(device.secret, code, timezone.now().timestamp())
    if step is None or step <= device.last_step:
        return False
    # Claim the step with a conditional update: two requests with the same code cannot both pass.
    claimed = TOTPDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
    if claimed:
        device.last_step = step
    return bool(claimed)


# --- enrolment ---------------------------------------------------------------------------------------


def start_enrolment(user: User) -> TOTPDevice:
    """The enrolment in progress (a new secret the first time; the same one on reload)."""
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, secret=new_secret())
    return device


def _recovery_hash(user_id: int, code: str) -> str:
    return lookup_hash(f"recovery:{user_id}:{normal_recovery(code)}")


def normal_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; returns them in clear text (shown once)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_recovery_hash(user.pk, c)) for c in codes]
    )
    return codes


@transaction.atomic
def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Confirm the enrolment in progress with a code from the app; returns the new recovery codes."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    if device is None or not verify_device(device, code):
        return None
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    codes = new_recovery_codes(user)
    audit.record(user, "auth.2fa_enrolled", user, data={"device": device.pk, "recovery_codes": len(codes)})
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code once (a conditional update claims it)."""
    if not normal_recovery(code):
        return False
    with transaction.atomic():
        claimed = RecoveryCode.objects.filter(
            user=user, code_hash=_recovery_hash(user.pk, code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if not claimed:
            return False
        remaining = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        audit.record(user, "auth.recovery_code_used", user, data={"remaining": remaining})
    return True


def verify_second_step(user: User, code: str) -> str | None:
    """A TOTP code or a recovery code: returns "totp", "recovery" or None."""
    device = device_for(user)
    if device is not None and verify_device(device, code):
        return "totp"
    if any(ch.isalpha() for ch in code) and use_recovery_code(user, code):
        return "recovery"
    return None


@transaction.atomic
def reset(user: User, *, by: Any = None, reason: str = "") -> bool:
    """Remove a user's device and recovery codes (lost phone); they enrol again at the next login."""
    deleted, _detail = TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if deleted:
        audit.record(by, "auth.2fa_reset", user, reason=reason, data={"user": user.pk})
    return bool(deleted)


def install_device(user: User, secret: str) -> None:
    """A confirmed device with a known secret, for the demonstration and tests (refused in production)."""
    from django.conf import settings

    if settings.GONGKAI_PRODUCTION:
        raise RuntimeError("devices with a known secret are refused in production")
    TOTPDevice.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": timezone.now(), "last_step": 0}
    )


# --- the middleware ----------------------------------------------------------------------------------


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class TwoFactorMiddleware:
    """Keep the back office closed until the second step is done (see the module docstring).

    Also sends the Django admin's own login to the staff login, so the admin site has no second,
    password-only door.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path == reverse("admin:login"):
            target = request.GET.get("next") or reverse("admin:index")
            return HttpResponseRedirect(f"{reverse('staff:login')}?{urlencode({'next': target})}")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(user, "kind", None) != UserKind.STAFF:
            return self.get_response(request)
        state = request.session.get(STATE)
        if state == "ok":
            return self.get_response(request)
        if state == "enrol":
            open_paths = {
                reverse("staff:enrol"),
                reverse("staff:logout"),
                reverse("staff:login"),
                reverse("set_language"),
                reverse("language"),
            }
            if path in open_paths or path.startswith("/static/"):
                return self.get_response(request)
            return _redirect(request, reverse("staff:enrol"))
        if device_for(user) is not None:
            log.warning("session without second step refused: user=%s", user.pk)
            logout(request)
            return _redirect(
                request, f"{reverse('staff:login')}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)
