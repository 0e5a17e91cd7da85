"""Keys derived from SECRET_KEY, and encryption of secrets Haat stores (gateway keys,
courier API passwords and tokens).

Moved here from `gateways` so every context that keeps a third party's secret (gateways,
shipping) encrypts it the same way without importing a sibling. Each purpose derives its
own key with HKDF under a distinct label (and the caller's salt, so keys derived before
the move stay the same): a leaked database dump alone reveals no secret, and one
purpose's key is useless for another's. Rotating `SECRET_KEY` makes stored secrets
unreadable: staff enter them again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "derive_key", "encrypt"]


def derive_key(label: str, *, salt: bytes, length: int = 32) -> bytes:
    """A key for one purpose (`label`) derived from SECRET_KEY with HKDF-SHA256."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=label.encode()).derive(
        settings.SECRET_KEY.encode()
    )


def _fernet(label: str, salt: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive_key(label, salt=salt)))


def encrypt(plaintext: str, *, label: str, salt: bytes) -> str:
    """Fernet token for `plaintext`; "" stays "" (an unset secret)."""
    if not plaintext:
        return ""
    return _fernet(label, salt).encrypt(plaintext.encode()).decode()


def decrypt(token: str, *, label: str, salt: bytes) -> str:
    """The plaintext of `token` ("" for ""); raises `InvalidToken` when the key changed."""
    if not token:
        return ""
    return _fernet(label, salt).decrypt(token.encode()).decode()
