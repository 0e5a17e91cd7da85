"""Encryption of stored gateway secrets and the test gateway's signing key (the
derivation and encryption themselves live in `haat.core.crypto`, shared with shipping).

Both keys are derived from `SECRET_KEY` with HKDF under distinct labels, so a leaked
database dump alone reveals no gateway secret, and the test gateway's signing key is
useless for decrypting credentials (and vice versa). Rotating `SECRET_KEY` makes stored
secrets unreadable: staff re-enter them on the gateway settings page.
"""

from __future__ import annotations

import hashlib
import hmac

from haat.core import crypto
from haat.core.errors import DomainError
from haat.gateways.error_codes import GatewayErrorCode

_SALT = b"haat.gateways.v1"


class SecretUnreadable(DomainError):
    code = GatewayErrorCode.SECRET_UNREADABLE
    http_status = 500


def derive_key(label: str, *, length: int = 32) -> bytes:
    """A key for one purpose (`label`) derived from SECRET_KEY with HKDF-SHA256."""
    return crypto.derive_key(label, salt=_SALT, length=length)


def encrypt(plaintext: str) -> str:
    """Fernet token for `plaintext`; "" stays "" (an unset secret)."""
    return crypto.encrypt(plaintext, label="gateway-credentials", salt=_SALT)


def decrypt(token: str) -> str:
    try:
        return crypto.decrypt(token, label="gateway-credentials", salt=_SALT)
    except crypto.InvalidToken:
        raise SecretUnreadable(
            "A stored gateway secret cannot be decrypted (was SECRET_KEY changed?). "
            "Enter the gateway credentials again on the gateway settings page."
        ) from None


def sign_test_event(body: bytes) -> str:
    """HMAC-SHA256 (hex) of a test gateway event body, keyed off SECRET_KEY."""
    return hmac.new(derive_key("test-gateway-webhooks"), body, hashlib.sha256).hexdigest()


def hmac_sha256_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two signatures."""
    return hmac.compare_digest(a.encode(), b.encode())
