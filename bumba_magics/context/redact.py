"""The redactor: every string that goes into a request to the model passes through here first.

Two layers, because a pattern alone is not enough:

1. The secret scanner's patterns in their redacting mode (known key formats, secret-looking assignments and
   any value of a password-like name, credentials in URLs, XML elements and key/value pairs), plus base64
   runs that decode to a secret (``Authorization: Basic …``, a Docker ``auth``), applied to every string.
2. Literal values: every secret found anywhere the agent could look — every file under the review's root
   whatever its type, every cell and output of every notebook there (text and HTML), the kernel's variables
   and the environment — is remembered before the first request and removed wherever it appears again: a
   password assigned in one cell and printed bare in another cell's output, a DataFrame column of tokens
   shown as a table, one line of a private key in a ``git blame`` range, a key split into two literals, a
   value cut off at the end of a search result line. :mod:`.secret_values` finds them.

Credential files (``.env``, keys, ``.netrc`` …) are never sent at all, whatever they hold; the redactor
still learns their values so a copy elsewhere (``git diff`` shows them too) is caught.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ..analyzers.secrets import find_secrets
from .confine import Confinement, Refused, read_bytes
from .files import IgnoreRules, display_path, walk
from .secret_values import (
    MIN_LITERAL,
    credential_store_values,
    encoded_secrets,
    html_values,
    is_secret_name,
    joined_literals,
    listed_values,
    namespace_values,
    output_values,
    propagates,
    secret_values,
)
from .source import Source

__all__ = ["MIN_LITERAL", "REDACTED", "Redactor", "is_credential_file", "is_secret_name"]

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

# Keys whose values the API itself produced and needs back byte for byte.
_OPAQUE_KEYS = frozenset({"encrypted_content", "signature", "encrypted_index"})


def is_credential_file(path: str | PurePosixPath) -> bool:
    """Whether a file's whole content is a credential store that must never be sent."""
    return bool(_CREDENTIAL_RE.match(PurePosixPath(str(path)).name))


MAX_TREE_FILES = 20_000  # the files under the root the redactor reads before the first request
MAX_TREE_BYTES = 200_000_000
MAX_FILE_BYTES = 1_000_000  # the agent's tools read no larger file either
BINARY_SNIFF = 8192
PREFIX = 8  # a known value cut off after this many characters (a search hit's 200) is still caught
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]{0,40}[ -/]{0,8}[@-~]")
_PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")


class Redactor:
    """Removes secrets from outgoing text; remembers what it has seen so a value is caught everywhere.

    Results are memoised per string: the agent loop re-sends its whole history every turn, and the same
    (long) context block costs one scan, not one per turn.
    """

    def __init__(self, known: Iterable[str] = ()) -> None:
        self._known: set[str] = set()
        self._ordered: list[str] | None = []
        self._prefixes: dict[str, list[str]] = {}
        self._memo: dict[str, str] = {}
        self.kinds: Counter[str] = Counter()  # what was redacted, by kind, for the report
        self.notes: list[str] = []  # what the redactor could not do (a tree too large to read whole)
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
        self._ordered = None  # sorted again when next needed: adding thousands of values stays linear
        if len(value) > PREFIX:
            self._prefixes.setdefault(value[:PREFIX], []).append(value)
        self._memo.clear()

    def _add_all(self, values: Iterable[str]) -> None:
        for value in values:
            self.add(value)

    @property
    def ordered(self) -> list[str]:
        """The known values, longest first: a key containing another is replaced whole."""
        if self._ordered is None:
            self._ordered = sorted(self._known, key=len, reverse=True)
        return self._ordered

    def learn(self, text: str, *, python: bool = False) -> None:
        """Remember every secret value in ``text`` (nothing is redacted yet): what the scanner finds, the
        quoted strings of a list given to a secret-looking name, what base64 runs decode to, and for Python
        the pieces of secrets split into several literals."""
        if not text:
            return
        self._add_all(secret_values(text, python=python))
        self._add_all(listed_values(text))
        for start, end, inside in encoded_secrets(text):
            self.add(text[start:end])
            self._add_all(inside)
        if python:
            self._add_all(joined_literals(text))

    def learn_output(self, text: str, *, html: bool = False) -> None:
        """A cell's output: also random-looking tokens and values in tables (a DataFrame repr)."""
        if not text:
            return
        self.learn(text)
        self._add_all(html_values(text) if html else output_values(text))

    def learn_file(self, path: str, text: str) -> None:
        """A file of the project, by what its name says it is."""
        self.learn(text, python=path.endswith(_PYTHON_SUFFIXES))
        if is_credential_file(path):
            self._add_all(credential_store_values(path, text))

    def learn_source(self, source: Source) -> None:
        """A source of the review's context: a file, or a notebook's cells and their outputs."""
        if source.cells:
            self.learn(source.text, python=source.is_python)
            for cell in source.cells:
                self.learn(cell.source, python=cell.cell_type == "code")
                for output in cell.outputs_text:
                    self.learn_output(output)
        else:
            self.learn_file(source.path, source.text)

    def learn_notebook(self, text: str) -> None:
        """A notebook file as saved: every cell and every output, ``text/html`` ones too (the review's
        sources carry only the text ones, but ``git blame`` of the file shows the JSON as it is)."""
        try:
            notebook = json.loads(text)
        except ValueError:
            self.learn(text)
            return
        cells = notebook.get("cells") if isinstance(notebook, dict) else None
        for cell in cells if isinstance(cells, list) else []:
            if not isinstance(cell, dict):
                continue
            self.learn(_joined(cell.get("source", "")), python=cell.get("cell_type") == "code")
            for output in cell.get("outputs") or []:
                if isinstance(output, dict):
                    self._learn_saved_output(output)

    def _learn_saved_output(self, output: dict) -> None:
        kind = output.get("output_type")
        if kind == "stream":
            self.learn_output(_joined(output.get("text", "")))
        elif kind == "error":
            self.learn_output(_ANSI_ESCAPE.sub("", "\n".join(map(str, output.get("traceback") or []))))
            self.learn_output(f"{output.get('ename', '')}: {output.get('evalue', '')}")
        for mime, value in (output.get("data") or {}).items():
            if mime == "text/html":
                self.learn_output(_joined(value), html=True)
            elif mime.startswith("text/") or mime.endswith("json"):
                self.learn_output(value if isinstance(value, str) and not isinstance(value, list)
                                  else _joined(value) if isinstance(value, list) else json.dumps(value))

    def learn_tree(self, root: Path, *, skip: Iterable[str] = ()) -> None:
        """Every file under ``root`` the agent can find with its tools (the walk ``list_files`` and
        ``search_text`` do: ignored folders pruned), whatever its type: an ``.xml`` or ``.log`` file is
        never a review source, but ``read_file`` shows it. ``skip``: paths already learned."""
        root = Path(root)
        skipped = set(skip)
        files = total = 0
        confinement = Confinement(root)
        for path in walk(root, IgnoreRules(root)):
            shown = display_path(path, root)
            if shown in skipped:
                continue
            files += 1
            if files > MAX_TREE_FILES or total > MAX_TREE_BYTES:
                self.notes.append(f"the redactor read the first {MAX_TREE_FILES} files under {root.name} "
                                  "only; secrets in the others are caught by the patterns alone")
                return
            try:  # the agent's tools read through the same check: what they refuse, it need not learn
                data = read_bytes(confinement.check(path, max_bytes=MAX_FILE_BYTES).path, MAX_FILE_BYTES)
            except Refused:  # a link out, a pipe (which would block this read for ever), a device, too big
                continue
            total += len(data)
            if b"\x00" in data[:BINARY_SNIFF]:
                continue
            text = data.decode("utf-8", errors="replace")
            if path.suffix == ".ipynb":
                self.learn_notebook(text)
            else:
                self.learn_file(shown, text)

    def learn_environment(self, environ: Mapping[str, str]) -> None:
        for name, value in environ.items():
            if is_secret_name(name) and isinstance(value, str):
                self.add(value)

    def learn_namespace(self, namespace: Mapping[str, Any]) -> None:
        """Secrets held by the kernel: strings, tuples and lists under secret-looking names, dict values under
        such keys or of a known format, DataFrame columns named like secrets or holding random tokens."""
        self._add_all(namespace_values(namespace))

    # -- redacting -----------------------------------------------------------------------------------------
    def text(self, text: str) -> str:
        """``text`` with every secret replaced by ``[REDACTED:<kind>]`` or ``[REDACTED]``."""
        if not text:
            return text
        cached = self._memo.get(text)
        if cached is not None:
            return cached
        spans: list[tuple[int, int, str]] = []
        for match in find_secrets(text, redacting=True):
            if propagates(text, match):
                self.add(match.value(text))
            spans.append((match.start, match.end, match.kind))
        for start, end, inside in encoded_secrets(text):
            self._add_all(inside)
            spans.append((start, end, "encoded-secret"))
        result = text
        if spans:
            pieces, last = [], 0
            for start, end, kind in sorted(spans):
                if start < last:
                    continue
                pieces += [text[last:start], f"[REDACTED:{kind}]"]
                self.kinds[kind] += 1
                last = end
            pieces.append(text[last:])
            result = "".join(pieces)
        for value in self.ordered:
            if value in result:
                self.kinds["known-value"] += result.count(value)
                result = result.replace(value, REDACTED)
        result = self._cut_values(result)
        self._memo[text] = result
        return result

    def _cut_values(self, text: str) -> str:
        """A known value cut off at the end of a line (a search hit shows 200 characters of a line, a long
        tool result is truncated): the part that is there is removed too."""
        if not self._prefixes:
            return text
        lines = text.split("\n")
        for number, line in enumerate(lines):
            tail = line[-256:]
            token = tail[max(tail.rfind(" "), tail.rfind("\t")) + 1:]
            for offset in range(len(token) - PREFIX + 1):
                candidates = self._prefixes.get(token[offset:offset + PREFIX])
                if candidates and any(value.startswith(token[offset:]) for value in candidates):
                    lines[number] = line[:len(line) - len(token) + offset] + REDACTED
                    self.kinds["known-value"] += 1
                    break
        return "\n".join(lines)

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
        return [value for value in self.ordered if value in text]


def _joined(value: Any) -> str:
    """nbformat's multiline strings: a string, or a list of lines."""
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else ""
