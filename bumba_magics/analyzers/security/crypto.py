"""Cryptography misuse: a fast hash for passwords, ``random`` for tokens (BMB104, BMB110)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ...core.findings import Category, Fix, Severity
from ...core.rules import rule
from ..ast_helpers import (
    argument,
    call_with,
    const_str,
    identifiers,
    name_tokens,
    rewrite,
    segment,
)
from ..base import Findings, NodeContext
from .dispatch import checks
from .facts import reaching_bindings

# ---------------------------------------------------------------------------------------------------------
# BMB104 weak password hashing
# ---------------------------------------------------------------------------------------------------------

WEAK_PASSWORD_HASH = rule(
    "BMB104", "password-fast-hash", "Password hashed with a fast hash", Severity.high,
    category=Category.security, analyzer="security",
    why="MD5/SHA-1/SHA-2 are built to be fast: a leaked table of such hashes is cracked at billions of "
    "guesses per second on one GPU, and without a salt identical passwords share a hash.",
    recommendation="Use a password KDF with a per-user salt: argon2-cffi (`PasswordHasher().hash(pw)`), bcrypt, or "
    "`hashlib.scrypt` / `hashlib.pbkdf2_hmac('sha256', pw, salt, 600_000)`.",
    references=("CWE-916", "CWE-759", "A02:2021-Cryptographic Failures"),
    supersedes=("S324", "S303"),
    bad="digest = hashlib.md5(password.encode()).hexdigest()",
    good='digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)',
)

_FAST_HASHES = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224", "sha3_256", "sha3_384",
                "sha3_512", "blake2b", "blake2s", "md4", "ripemd160"}
_PASSWORD_WORDS = {"password", "passwords", "passwd", "passphrase", "pass", "pwd", "pw", "secret",
                   "credential", "credentials", "pin", "pincode"}
_KDF_FIX = 'hashlib.pbkdf2_hmac("sha256", {data}, salt, 600_000)'


def _password_like(node: ast.AST) -> str | None:
    for name in identifiers(node):
        if name_tokens(name) & _PASSWORD_WORDS:
            return name
    return None


def _hash_name(node: ast.Call, ctx: NodeContext) -> str | None:
    """``md5`` for hashlib.md5(...) and hashlib.new("md5", ...); None for anything else."""
    qualname = ctx.qualname(node.func) or ""
    if qualname == "hashlib.new":
        algorithm = const_str(argument(node, 0, "name"))
        return algorithm.lower().replace("-", "_") if algorithm and algorithm.lower() in _FAST_HASHES else None
    if qualname.startswith("hashlib.") and qualname[8:] in _FAST_HASHES:
        return qualname[8:]
    if qualname.startswith(("Crypto.Hash.", "Cryptodome.Hash.")):
        module = qualname.split(".")[-2].lower()
        return module if module in _FAST_HASHES else None
    return None


@checks.on(*_FAST_HASHES, "new")
def check_password_hash(node: ast.Call, ctx: NodeContext) -> Findings:
    algorithm = _hash_name(node, ctx)
    if algorithm is None:
        return
    data = argument(node, 1, "data", "string") if (ctx.qualname(node.func) == "hashlib.new") else argument(
        node, 0, "data", "string")
    if data is None:
        return
    secret = _password_like(data)
    if secret is not None:
        code = rewrite(ctx.source, node, node, _KDF_FIX.format(data=segment(ctx.source, data)))
        yield ctx.finding(
            WEAK_PASSWORD_HASH, node, title=f"`{secret}` is hashed with {algorithm}, a fast hash",
            fix=Fix(description="Derive the stored value with a salted, slow KDF (then store salt and "
                                "digest; compare with hmac.compare_digest).", code=code),
        )


@checks.on("update")
def check_password_hash_update(node: ast.Call, ctx: NodeContext) -> Findings:
    """``h = hashlib.sha256(); h.update(password)``: the hash object comes from a binding in scope."""
    if not (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.args):
        return
    secret = _password_like(node.args[0])
    if secret is None:
        return
    for binding in reaching_bindings(ctx, node.func.value.id, node.lineno):
        if isinstance(binding.value, ast.Call) and (algorithm := _hash_name(binding.value, ctx)):
            yield ctx.finding(
                WEAK_PASSWORD_HASH, node, title=f"`{secret}` is fed to a {algorithm} hash object",
                fix=Fix(description="Replace the hash object with a password KDF: " + _KDF_FIX.format(
                    data=segment(ctx.source, node.args[0]))),
            )
            return

# ---------------------------------------------------------------------------------------------------------
# BMB110 random module used for secrets
# ---------------------------------------------------------------------------------------------------------

PREDICTABLE_SECRET = rule(
    "BMB110", "random-for-secrets", "`random` generates a value that must be unpredictable", Severity.medium,
    category=Category.security, analyzer="security",
    why="`random` is a Mersenne Twister: after observing about 624 outputs an attacker can predict every "
    "following token, password or reset code.",
    recommendation="Use the `secrets` module: `secrets.token_urlsafe(32)`, `secrets.choice(alphabet)`, "
    "`secrets.randbelow(n)`.",
    references=("CWE-338", "A02:2021-Cryptographic Failures"),
    supersedes=("S311",),
    bad='token = "".join(random.choice(ALPHABET) for _ in range(32))',
    good='token = "".join(secrets.choice(ALPHABET) for _ in range(32))',
)

_RANDOM_FUNCTIONS = {"choice", "choices", "randint", "randrange", "random", "getrandbits", "sample",
                     "uniform", "shuffle", "randbytes"}
_SECRET_WORDS = {"token", "tokens", "password", "passwords", "passwd", "passphrase", "pwd", "secret", "otp",
                 "nonce", "salt", "csrf", "pin", "apikey", "sessionid", "totp", "hotp"}
_KEY_QUALIFIERS = {"api", "secret", "private", "signing", "sign", "session", "encryption", "encrypt", "auth",
                   "access", "crypto", "aes", "hmac", "license", "activation", "reset", "invite"}
_CODE_QUALIFIERS = {"verification", "verify", "reset", "confirm", "confirmation", "auth", "activation",
                    "invite", "mfa", "sms", "login", "security", "recovery", "one", "access"}
_SECRETS_REPLACEMENTS = {"choice": "secrets.choice", "getrandbits": "secrets.randbits",
                         "randbytes": "secrets.token_bytes"}


def secret_like(name: str) -> bool:
    tokens = name_tokens(name)
    return bool(
        tokens & _SECRET_WORDS
        or ("key" in tokens and tokens & _KEY_QUALIFIERS)
        or ("code" in tokens and tokens & _CODE_QUALIFIERS)
        or {"session", "id"} <= tokens
    )


def _target_names(target: ast.AST) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Attribute):
        yield target.attr
    elif isinstance(target, ast.Subscript) and const_str(target.slice):
        yield target.slice.value  # type: ignore[union-attr]
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)


def _receiving_names(node: ast.AST, ctx: NodeContext) -> Iterator[str]:
    """Names the value of ``node`` ends up in: assignment targets, keyword names, dict keys, or the
    function it is returned from."""
    child = node
    for parent in reversed(ctx.parents):
        if isinstance(parent, ast.keyword) and parent.arg:
            yield parent.arg
        elif isinstance(parent, ast.Dict):
            for key, value in zip(parent.keys, parent.values):
                if value is child and const_str(key) is not None:
                    yield key.value  # type: ignore[union-attr]
        elif isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in getattr(parent, "targets", None) or [parent.target]:  # type: ignore[attr-defined]
                yield from _target_names(target)
            return
        elif isinstance(parent, ast.Return):
            if ctx.function is not None:
                yield ctx.function.name
            return
        elif isinstance(parent, ast.stmt):
            return
        child = parent


@checks.on(*_RANDOM_FUNCTIONS)
def check_random_secret(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func) or ""
    if not qualname.startswith("random.") or qualname.count(".") != 1:
        return
    receiver = next((n for n in _receiving_names(node, ctx) if secret_like(n)), None)
    if receiver is None:
        return
    function = qualname[7:]
    replacement = _SECRETS_REPLACEMENTS.get(function)
    code = None
    if replacement:
        code = rewrite(ctx.source, node, node, call_with(ctx.source, node, func=replacement))
    yield ctx.finding(
        PREDICTABLE_SECRET, node, title=f"random.{function}() generates `{receiver}`, which must be unpredictable",
        fix=Fix(description=f"Use the secrets module ({replacement or 'secrets.token_urlsafe(32)'}).", code=code),
    )
