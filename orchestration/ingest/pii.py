"""The buyer-identity salt.

Buyer identity is stored only as sha256(salt || normalised identity). The salt is 32 random bytes
created on first use in settings.secrets_dir()/buyer_salt with mode 0600: outside the warehouse
file, so a copy of the warehouse alone cannot be used to test guesses of e-mail addresses.
"""

from __future__ import annotations

import os
import secrets

from orchestration import settings


def buyer_salt_hex() -> str:
    path = settings.secrets_dir() / "buyer_salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        try:
            # O_EXCL: two processes racing on first use must not end up with different salts.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
    data = path.read_bytes()
    if len(data) != 32:
        raise RuntimeError(f"{path}: buyer salt must be exactly 32 bytes (found {len(data)}); restore it from backup")
    return data.hex()
