"""Staff passwords and password-reset tokens."""

from __future__ import annotations

import hashlib
import hmac
import random
import string

RESET_TOKEN_LENGTH = 32


def hash_password(password: str, salt: str) -> str:
    """Hex digest stored in the staff table next to the salt."""
    return hashlib.md5((salt + password).encode("utf-8")).hexdigest()


def verify_password(password: str, salt: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_password(password, salt), stored_hash)


def make_reset_token() -> str:
    """Token mailed to the user; whoever presents it may set a new password."""
    alphabet = string.ascii_letters + string.digits
    return "".join(random.choice(alphabet) for _ in range(RESET_TOKEN_LENGTH))

