"""The SMS providers' delivery-report endpoints: /webhooks/sms/msg91/ and
/webhooks/sms/twilio/. Verify, store once, apply (`sms_callbacks`); a forged or unsigned
report is answered 401/403 with the JSON error body and changes nothing."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from haat.core.error_codes import CoreError
from haat.notifications import sms_callbacks
from haat.notifications.error_codes import NotificationError


def _error(code: NotificationError | CoreError, message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": str(code), "message": message, "details": {}}}, status=status
    )


def _body(request: HttpRequest) -> bytes | None:
    limit = settings.HAAT_WEBHOOK_MAX_BYTES
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def _too_large() -> JsonResponse:
    return _error(
        CoreError.PAYLOAD_TOO_LARGE,
        f"Webhook bodies are at most {settings.HAAT_WEBHOOK_MAX_BYTES} bytes.",
        413,
    )


def _answer(created: bool, outcome: str) -> JsonResponse:
    return JsonResponse({"status": "stored" if created else "duplicate", "outcome": outcome})


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> JsonResponse:
    raw = _body(request)
    if raw is None:
        return _too_large()
    params = dict(parse_qsl(raw.decode(errors="replace"), keep_blank_values=True))
    path = request.get_full_path()
    urls = [settings.HAAT_BASE_URL.rstrip("/") + path, request.build_absolute_uri(path)]
    try:
        sms_callbacks.verify_twilio(
            urls=urls, params=params, signature=request.headers.get("X-Twilio-Signature", "")
        )
    except sms_callbacks.Unauthorized as exc:
        return _error(
            NotificationError.SMS_SIGNATURE_INVALID, f"Twilio status callback refused: {exc}", 403
        )
    reports = sms_callbacks.parse_twilio(params)
    return _answer(*sms_callbacks.receive(provider="twilio", raw=raw, reports=reports))


@csrf_exempt
@require_POST
def msg91_report(request: HttpRequest) -> JsonResponse:
    try:
        sms_callbacks.verify_msg91(request.GET.get("token", ""))
    except sms_callbacks.Unauthorized as exc:
        return _error(
            NotificationError.SMS_CALLBACK_UNAUTHORIZED, f"MSG91 report refused: {exc}", 401
        )
    raw = _body(request)
    if raw is None:
        return _too_large()
    reports = sms_callbacks.parse_msg91(raw, request.headers.get("Content-Type", ""))
    return _answer(*sms_callbacks.receive(provider="msg91", raw=raw, reports=reports))
