"""The redactor: every string that goes into a request to the model passes through here first.

Two layers, because a pattern alone is not enough:

1. The secret scanner's patterns (known key formats, secret-looking assignments, credentials in URLs), as
   :func:`..analyzers.secrets.redact` applies them to any text.
2. Literal values: every secret the scanner found anywhere in the review's context (a ``.env`` file, a
   cell's source), plus secret-looking environment variables and kernel variables, is remembered and
   removed wherever it appears again — a password assigned in one cell and printed bare in another
   cell's output, or a ``DataFrame`` column of tokens shown as a table, carry no name the patterns could
   see.

Credential files (``.env``, keys, ``.netrc`` …) are never sent at all, whatever they hold; the redactor
still learns their values so a copy elsewhere is caught.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any

from ..analyzers.secrets import find_secrets

REDACTED = "[REDACTED]"

# Files whose whole content is a credential store. Names are matched case-insensitively on the last part.
CREDENTIAL_FILE_PATTERNS = (
    ".env", ".env.*", "*.env", ".envrc", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore",
    "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", ".netrc", "_netrc", ".pgpass", ".pypirc", ".npmrc",
    ".git-credentials", "credentials", "credentials.*", "*credentials*.json", "*secret*.json",
    "*secrets*.yaml", "*secrets*.yml", "*secrets*.toml", "service-account*.json", "*.tfvars",
    "*.kdbx", "htpasswd", ".htpasswd",
)
_CREDENTIAL_RE = re.compile("|".join(fnmatch.translate(p) for p in CREDENTIAL_FILE_PATTERNS), re.IGNORECASE)

# Names of variables (environment or kernel) whose values are treated as secrets.
_SECRET_NAME = re.compile(
    r"pass(word|wd|phrase)?|secret|token|api_?key|apikey|access_?key|private_?key|credential|auth|"
    r"signing_?key|session_?key|dsn|database_url|conn(ection)?_?str",
    re.IGNORECASE,
)
_SECRET_LIST = re.compile(
    r"""["']?[A-Za-z0-9_.-]*(?:pass(?:word|wd)?|secret|token|api_?key|apikey|access_?key|credential)"""
    r"""[A-Za-z0-9_.-]*["']?\s*[:=]\s*[\[(](?P<items>[^\])]{0,20000})[\])]""",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"""(["'])([^"'\n]{1,500})\1""")
MIN_LITERAL = 6  # shorter values ("root", "1234") would blank out ordinary words all over the text

# Keys whose values the API itself produced and needs back byte for byte.
_OPAQUE_KEYS = frozenset({"encrypted_content", "signature", "encrypted_index"})


def is_credential_file(path: str | PurePosixPath) -> bool:
    """Whether a file's whole content is a credential store that must never be sent."""
    return bool(_CREDENTIAL_RE.match(PurePosixPath(str(path)).name))


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


class Redactor:
    """Removes secrets from outgoing text; remembers what it has seen so a value is caught everywhere.

    Results are memoised per string: the agent loop re-sends its whole history every turn, and the same
    (long) context block costs one scan, not one per turn.
    """

    def __init__(self, known: Iterable[str] = ()) -> None:
        self._known: set[str] = set()
        self._ordered: list[str] = []
        self._memo: dict[str, str] = {}
        self.kinds: Counter[str] = Counter()  # what was redacted, by kind, for the report
        for value in known:
            self.add(value)

    # -- learning ------------------------------------------------------------------------------------------
    def add(self, value: str | None) -> None:
        """Treat ``value`` as a secret wherever it appears."""
        if not value or not isinstance(value, str):
            return
        value = value.strip()
        if len(value) < MIN_LITERAL or value in self._known or value.startswith("[REDACTED"):
            return
        self._known.add(value)
        self._ordered = sorted(self._known, key=len, reverse=True)  # longest first: a key containing another
        self._memo.clear()

    def learn(self, text: str) -> None:
        """Remember every secret value the scanner finds in ``text`` (nothing is redacted yet).

        Also the quoted strings in a list given to a secret-looking name (``"api_token": ["…", "…"]``, the
        way a DataFrame column is built): the scanner reads one value per name, and the table the cell then
        prints shows the values with no name beside them.
        """
        for match in find_secrets(text):
            self.add(match.value(text))
        for listing in _SECRET_LIST.finditer(text):
            for quoted in _QUOTED.finditer(listing.group("items")):
                value = quoted.group(2)
                if len(value) >= 8 and " " not in value:
                    self.add(value)

    def learn_environment(self, environ: Mapping[str, str]) -> None:
        for name, value in environ.items():
            if is_secret_name(name) and isinstance(value, str):
                self.add(value)

    def learn_namespace(self, namespace: Mapping[str, Any]) -> None:
        """Secrets held by the kernel: string variables with secret-looking names (``API_TOKEN =
        os.environ[...]``), such keys of dicts, and such columns of DataFrames (their first rows)."""
        for name, value in list(namespace.items()):
            if name.startswith("_"):
                continue
            if isinstance(value, str):
                if is_secret_name(name):
                    self.add(value)
            elif isinstance(value, dict):
                for key, item in list(value.items())[:1000]:
                    if isinstance(key, str) and isinstance(item, str) and is_secret_name(key):
                        self.add(item)
            elif type(value).__module__.startswith("pandas") and hasattr(value, "columns"):
                try:
                    for column in value.columns:
                        if isinstance(column, str) and is_secret_name(column):
                            for item in value[column].head(1000).tolist():
                                if isinstance(item, str):
                                    self.add(item)
                except Exception:  # noqa: BLE001, S112 — an odd frame must not stop the review
                    continue

    # -- redacting -----------------------------------------------------------------------------------------
    def text(self, text: str) -> str:
        """``text`` with every secret replaced by ``[REDACTED:<kind>]`` or ``[REDACTED]``."""
        if not text:
            return text
        cached = self._memo.get(text)
        if cached is not None:
            return cached
        matches = find_secrets(text)
        for match in matches:
            self.add(match.value(text))
            self.kinds[match.kind] += 1
        result = text
        if matches:
            pieces, last = [], 0
            for match in sorted(matches, key=lambda m: m.start):
                if match.start < last:
                    continue
                pieces += [text[last:match.start], f"[REDACTED:{match.kind}]"]
                last = match.end
            pieces.append(text[last:])
            result = "".join(pieces)
        for value in self._ordered:
            if value in result:
                self.kinds["known-value"] += result.count(value)
                result = result.replace(value, REDACTED)
        self._memo[text] = result
        return result

    def payload(self, value: Any) -> Any:
        """A request body (dicts, lists, strings) with every string redacted; API-opaque fields kept."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: (v if k in _OPAQUE_KEYS else self.payload(v)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.payload(item) for item in value]
        return value

    @property
    def count(self) -> int:
        return sum(self.kinds.values())

    def leaks(self, text: str) -> list[str]:
        """The known secret values still present in ``text`` (for tests and self-checks)."""
        return [value for value in self._ordered if value in text]
