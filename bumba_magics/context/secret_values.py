"""Where secret values hide from the secret scanner's patterns, and how the redactor finds them anyway.

Each function takes something the review can see (a file's text, a cell's output, a kernel variable) and
yields the literal values in it that must never be sent; the redactor then removes those values wherever they
appear. The scanner's patterns (:func:`..analyzers.secrets.find_secrets`) judge every candidate: here we only
bring a value and the name it stands under together where the text itself does not:

- split literals (``KEY = "abc…" + "def…"``, implicit concatenation), joined by Python's tokenizer;
- base64 runs (``Authorization: Basic …``, a Docker ``auth``): decoded and scanned;
- lists and tuples given to a secret-looking name (``creds = ("svc", "…")``);
- tables in outputs (a DataFrame repr in text or HTML): a column named like a secret, or a row that is a
  ``name | value`` pair;
- random-looking tokens in outputs, which carry no name at all (``print("ready:", token)``);
- credential stores whose syntax the patterns do not read (``.netrc``, ``.pgpass``);
- kernel variables: tuples and lists under secret names, DataFrame columns and dict values that look like
  secrets whatever they are called.

Every scan is linear in its input: the regexes are simple character runs, each try bounded, and the costly
steps (the tokenizer, base64 decoding) run only where a cheap test says they can find something.
"""

from __future__ import annotations

import ast
import base64
import binascii
import bisect
import io
import itertools
import re
import tokenize
from collections.abc import Iterable, Iterator, Mapping
from html.parser import HTMLParser
from typing import Any

from ..analyzers.secrets import SecretMatch, find_secrets, names_a_secret, shannon_entropy

MIN_LITERAL = 6  # shorter values ("root", "1234") would blank out ordinary words all over the text

# Names of variables, columns, keys and labels whose values are treated as secrets.
_SECRET_NAME = re.compile(
    r"pass(word|wd|phrase)?|secret|token|api_?key|apikey|access_?key|private_?key|credential|creds?(?![a-z])|"
    r"(?<![a-z])auth(?![a-z_])|signing_?key|session_?key|dsn|database_url|conn(ection)?_?str|(?<![a-z])pwd?(?![a-z])",
    re.IGNORECASE,
)
_SHELL_DIRECTORY_NAMES = frozenset({"PWD", "OLDPWD"})  # the shell's current folder


def is_secret_name(name: str) -> bool:
    return name not in _SHELL_DIRECTORY_NAMES and bool(_SECRET_NAME.search(name))


def propagates(text: str, match: SecretMatch) -> bool:
    """Whether a found value is also removed wherever else it appears (not only where it was found).

    Not when it is a plain word or a number, whatever rule found it: "hunter2" can be blanked everywhere,
    "letmein", "secret" (a test's SECRET_KEY) or "1234567890" would blank ordinary prose and numbers.
    """
    value = match.value(text).strip()
    if len(value) < MIN_LITERAL or value.isdigit():
        return False
    if value.isalpha():  # a word ("secret", "letmein"): only a long mixed-case one may be a generated key
        return len(value) >= 16 and not value.islower() and not value.isupper()
    return True


def secret_values(text: str, *, python: bool = False) -> Iterator[str]:
    """Every value the scanner (in its redacting mode) finds in ``text`` that should be removed everywhere;
    a private key's body line by line, so a single line shown elsewhere (a ``git blame`` range) is caught."""
    for match in find_secrets(text, python=python, redacting=True):
        if not propagates(text, match):
            continue
        value = match.value(text)
        yield value
        if match.kind == "private-key":
            yield from pem_body_lines(value)


_PEM_LINE_BREAK = re.compile(r"\\n|\r?\n")


def pem_body_lines(block: str) -> Iterator[str]:
    for line in _PEM_LINE_BREAK.split(block):
        line = line.strip().strip("\"'")
        if len(line) >= MIN_LITERAL and not line.startswith("-----") and ":" not in line:
            yield line


def judge_pair(name: str, value: str) -> Iterator[str]:
    """The value, when the scanner would call ``name = "value"`` a secret (a table cell under a column
    named ``api_token``, a ``name | value`` row): one decision for every place a name stands beside a value."""
    if not value or len(value) > 500 or "\n" in value:
        return
    label = re.sub(r"[^A-Za-z0-9_.-]", "_", name.strip())[:64]
    quote = '"' if '"' not in value else "'" if "'" not in value else None
    if not label or quote is None:
        return
    line = f"{label} = {quote}{value}{quote}"
    yield from secret_values(line)


# -- lists and tuples under a secret name --------------------------------------------------------------------

_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_LIST_KEYWORDS = (b"pass", b"secret", b"token", b"key", b"cred", b"pw")
_LIST_OPENING = re.compile(r"""["']?[ \t]*+[:=][ \t]*+(?:\r?\n[ \t]*+)?[\[(]""")
_QUOTED = re.compile(r"""(["'])([^"'\n]{1,500})\1""")
_NAME_RUN = re.compile(r"[A-Za-z0-9_.-]{0,64}")
_CLOSING = re.compile(r"[\])]")
MAX_LIST_CHARS = 20_000


def listed_values(text: str) -> Iterator[str]:
    """The quoted strings of a list given to a secret-looking name (``"api_token": ["…", "…"]``, the way a
    DataFrame column is built; ``creds = ("svc", "…")``): the scanner reads one value per name.

    Found from the keywords out (a ``find`` per keyword, then bounded steps), not with one regex over the
    text: a name pattern tried at every position of a long alphanumeric run is quadratic.
    """
    low = text.encode("ascii", "replace").lower()
    seen: set[int] = set()
    closes: list[int] | None = None
    scanned: dict[int, int] = {}  # closing bracket -> how far the text before it was read
    for keyword in _LIST_KEYWORDS:
        at = low.find(keyword)
        while at != -1:
            end = _NAME_RUN.match(text, at).end()
            opening = _LIST_OPENING.match(text, end)
            begin = at
            while opening is not None and begin > 0 and begin > at - 64 and text[begin - 1] in _NAME_CHARS:
                begin -= 1
            name = text[begin:end]
            if opening is not None and begin not in seen and is_secret_name(name) and names_a_secret(name):
                seen.add(begin)
                if closes is None:
                    closes = [m.start() for m in _CLOSING.finditer(text)]
                index = bisect.bisect_left(closes, opening.end())
                close = closes[index] if index < len(closes) else len(text)
                # lists that share their closing bracket (nested, or unclosed ones) are read once, not once each
                start = max(opening.end(), scanned.get(close, 0))
                stop = min(close, opening.end() + MAX_LIST_CHARS)
                scanned[close] = max(stop, scanned.get(close, 0))
                for quoted in _QUOTED.finditer(text, start, stop):
                    value = quoted.group(2)
                    if _plausible_item(value):
                        yield value
            at = low.find(keyword, at + 1)


_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+|[A-Za-z]+(?:__?[a-z]+)+")
_EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")


def _plausible_item(value: str) -> bool:
    """An item of a secret-named list that can be a secret: not a dotted path (a validator's class), a
    lookup, a file path, a URL, an e-mail address or a phrase."""
    if len(value) < 8 or " " in value or "://" in value or value.startswith(("/", ".", "{", "$", "%")):
        return False
    return not (_DOTTED_NAME.fullmatch(value) or _EMAIL.fullmatch(value))


# -- split string literals (Python) --------------------------------------------------------------------------

# two string literals joined by ``+`` or standing side by side (implicit concatenation), across lines too
_SPLIT_HINT = re.compile(
    r"""["'](?:[ \t]*+\+[ \t]*+(?:\\[ \t]*+)?(?:\r?\n[ \t]*+)?|[ \t]*+\\?\r?\n[ \t]*+|[ \t]++)"""
    r"""[rRbBuU]{0,2}["']""")
# a join is tokenized when a secret-looking name stands before it (lower-cased) or a key's prefix near it
_SECRET_NAME_WORDS = ("pass", "secret", "token", "pw", "cred", "api_key", "apikey", "access_key", "private_key",
                      "signing_key", "auth_key", "master_key", "encryption_key")
_KEY_PREFIXES = ("AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "sk_live",
                 "rk_live", "sk_test", "sk-", "AIza", "SG.", "npm_", "hf_", "pypi-", "GOCSPX", "eyJ", "key-",
                 "Bearer", "AccountKey", "SharedAccessKey")
NAME_WINDOW = 160  # characters before a join where the name it is given to stands (two lines of a "= (")
PREFIX_WINDOW = 80  # characters around a join where the first piece of a split key starts
LINES_BEFORE, LINES_AFTER = 3, 12
_SKIPPED_TOKENS = frozenset({tokenize.NL, tokenize.COMMENT})


def joined_literals(text: str) -> Iterator[str]:
    """Pieces of secrets split into several string literals, found by joining them the way Python does.

    The tokenizer (not a regex over code: a literal may hold quotes, ``+`` and ``#``) joins each run of
    literals; the scanner judges ``name = "joined"`` and the joined text alone (a key split under a neutral
    name); the parts of each piece that lie inside a secret are returned, so the pieces are caught where they
    appear one by one. Tokenizing costs about 1.5 MB/s, so only the few lines around a join that has a
    secret-looking word nearby are tokenized.
    """
    hints = []
    for hint in _SPLIT_HINT.finditer(text):
        before = text[max(0, hint.start() - NAME_WINDOW):hint.start()].lower()
        around = text[max(0, hint.start() - PREFIX_WINDOW):hint.end() + PREFIX_WINDOW]
        if any(word in before for word in _SECRET_NAME_WORDS) or any(key in around for key in _KEY_PREFIXES):
            hints.append(hint.start())
    if not hints:
        return
    starts = _line_starts(text)
    lines = [bisect.bisect_right(starts, at) - 1 for at in hints]
    for first, last in _merged_ranges(lines, len(starts)):
        chunk = text[starts[first]:starts[last + 1] if last + 1 < len(starts) else len(text)]
        for name, pieces in _literal_runs(chunk):
            yield from _secret_pieces(name, pieces)


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _merged_ranges(lines: list[int], count: int) -> Iterator[tuple[int, int]]:
    current: list[int] | None = None
    for line in sorted(set(lines)):
        first, last = max(0, line - LINES_BEFORE), min(count - 1, line + LINES_AFTER)
        if current is not None and first <= current[1] + 1:
            current[1] = max(current[1], last)
            continue
        if current is not None:
            yield current[0], current[1]
        current = [first, last]
    if current is not None:
        yield current[0], current[1]


def _literal_runs(chunk: str) -> Iterator[tuple[str, list[str]]]:
    """(the name a run of string literals is given to, the literals' values) for every run of two or more."""
    tokens: list[tokenize.TokenInfo] = []
    try:
        tokens.extend(tokenize.generate_tokens(io.StringIO(chunk).readline))
    except (tokenize.TokenError, SyntaxError):
        pass  # the chunk may start or end inside a statement: the tokens up to there still count
    index = 0
    while index < len(tokens):
        if tokens[index].type != tokenize.STRING:
            index += 1
            continue
        begin, pieces = index, []
        while index < len(tokens):
            token = tokens[index]
            if token.type == tokenize.STRING:
                value = _literal_value(token.string)
                if value is None:
                    break
                pieces.append(value)
            elif not (token.type in _SKIPPED_TOKENS or (token.type == tokenize.OP and token.string == "+")):
                break
            index += 1
        if len(pieces) >= 2:
            yield _target_name(tokens, begin), pieces
        index = max(index, begin + 1)


def _literal_value(literal: str) -> str | None:
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        return None  # an f-string with fields, or garbage from a chunk cut inside a literal
    return value if isinstance(value, str) else None


def _target_name(tokens: list[tokenize.TokenInfo], begin: int) -> str:
    """``NAME =``, ``NAME:``, ``"key":`` or ``name=`` (a keyword argument) before the run, skipping ``(``."""
    index = begin - 1
    while index >= 0 and (tokens[index].type in _SKIPPED_TOKENS or tokens[index].string == "("):
        index -= 1
    if index < 1 or tokens[index].string not in ("=", ":"):
        return ""
    name = tokens[index - 1]
    if name.type == tokenize.NAME:
        return name.string
    if name.type == tokenize.STRING:
        return _literal_value(name.string) or ""
    return ""


def _secret_pieces(name: str, pieces: list[str]) -> Iterator[str]:
    joined = "".join(pieces)
    found: list[tuple[int, int]] = []
    quote = '"' if '"' not in joined else "'" if "'" not in joined else None
    if name and quote is not None:
        line = f"{name} = {quote}{joined}{quote}"
        offset = len(name) + 4
        found += [(m.start - offset, m.end - offset) for m in find_secrets(line, redacting=True)
                  if m.start >= offset and propagates(line, m)]
    found += [(m.start, m.end) for m in find_secrets(joined, redacting=True) if propagates(joined, m)]
    if not found:
        return
    yield joined
    position = 0
    for piece in pieces:
        for start, end in found:
            inside = joined[max(start, position):min(end, position + len(piece))]
            if len(inside) >= MIN_LITERAL:
                yield inside
        position += len(piece)


# -- base64 ----------------------------------------------------------------------------------------------------

# a run that stands as a value: after a quote, "=", ":", ">" or "Basic " (an identifier in code does not, and
# decoding every long word of a large tree costs seconds). Starting with a character set lets re skip ahead
# to the places it can start.
_BASE64_RUN = re.compile(r"""(?:["'=:>] ?|Basic )(?P<run>[A-Za-z0-9+/_-]{12,8192}+={0,2})""")
_USER_PASSWORD = re.compile(r"([A-Za-z0-9._@+-]{1,128}):(\S{1,256})")
MIN_DECODED = 6


def encoded_secrets(text: str) -> Iterator[tuple[int, int, list[str]]]:
    """(start, end, the secrets inside) for every base64 run that decodes to text holding a secret: an
    ``Authorization: Basic`` value or a Docker ``auth`` (``user:password``), a base64-encoded key or config.

    The secrets inside are the password of a ``user:password`` and whatever the scanner finds in the
    decoded text; the encoded run is itself the credential and is redacted whole."""
    for found in _BASE64_RUN.finditer(text):
        run = found.group("run")
        encoded = run
        body = encoded.rstrip("=")
        if len(body) % 4 == 1 or body.islower() or body.isupper() or body.isdigit():
            continue  # not base64 of text: identifiers, hex digests and numbers are mostly one case
        if len(body) < 16 and not any(c.isdigit() for c in body):
            continue  # a CamelCaseName
        decoded = _decode(body)
        if decoded is None:
            continue
        matches = [m for m in find_secrets(decoded, redacting=True) if not m.weak]
        pair = _USER_PASSWORD.fullmatch(decoded.strip())
        if matches or pair:
            inside = [m.value(decoded) for m in matches]
            if pair and any(not c.isalpha() for c in pair.group(2)):
                inside.append(pair.group(2))  # a plain word ("secret") would blank prose everywhere
            yield found.start("run"), found.end("run"), inside


def _decode(body: str) -> str | None:
    urlsafe = "-" in body or "_" in body
    if urlsafe and ("+" in body or "/" in body):
        return None
    padded = body + "=" * (-len(body) % 4)
    try:
        data = base64.urlsafe_b64decode(padded) if urlsafe else base64.b64decode(padded)
    except (binascii.Error, ValueError):
        return None
    if len(data) < MIN_DECODED or not data.isascii():
        return None
    decoded = data.decode("ascii")
    if not decoded.replace("\n", "").replace("\r", "").replace("\t", "").isprintable():
        return None
    return decoded


# -- outputs ---------------------------------------------------------------------------------------------------

_TOKEN_CANDIDATE = re.compile(r"[A-Za-z0-9+/=_~.-]{16,512}+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_WORDS = re.compile(r"[A-Za-z]{2,}(?:[_.-][A-Za-z0-9]+)*")
# bits per character: random tokens of 16-40 characters measure 3.0-4.2 (1 in 100 below 3.3, so a higher
# bar lets real tokens through); names and words with digits mixed in mostly fail the other tests first
TOKEN_ENTROPY = 3.0


def looks_like_token(value: str) -> bool:
    """A generated credential with no name beside it: long, random, letters and digits mixed; not a path, a
    URL, a file name, a UUID or a dotted/underscored name."""
    if not 16 <= len(value) <= 512 or "://" in value or value.startswith(("/", ".")) or _UUID.fullmatch(value):
        return False
    if _WORDS.fullmatch(value) and sum(c.isdigit() for c in value) < 4:
        return False  # report_2024_final.csv, some.module.name
    digits = sum(c.isdigit() for c in value)
    letters = sum(c.isalpha() for c in value)
    if digits < 2 or letters < 4:
        return False
    return shannon_entropy(value) >= TOKEN_ENTROPY


def output_values(text: str) -> Iterator[str]:
    """Secrets in a cell's text output beyond what the scanner finds in any text: random-looking tokens (an
    output is data the model rarely needs verbatim) and values in tables under a secret-looking column or
    label."""
    for candidate in _TOKEN_CANDIDATE.finditer(text):
        if looks_like_token(candidate.group(0).strip(".=")):
            yield candidate.group(0).strip(".")
    yield from table_values(text)


MAX_TABLE_ROWS = 1000
MAX_TABLE_LINE = 4096  # characters: a DataFrame repr wraps at the display width, far below this
MAX_TABLE_CELLS = 64


def table_values(text: str) -> Iterator[str]:
    """Values in a text table (a DataFrame's repr): a cell under a secret-looking column (right-aligned, so
    the cell ends where its header ends) and the cell after a secret-looking label in a row."""
    lines = text.splitlines()
    columns: list[tuple[str, int]] = []  # (header, column where it ends) of the table being read
    rows = 0
    first = True  # the first line of a block is the one that can be a header
    for line in lines:
        if not line.strip():
            columns, rows, first = [], 0, True
            continue
        if len(line) > MAX_TABLE_LINE:
            columns, rows, first = [], 0, False
            continue  # no table: a log line, a minified blob (and judging every pair of it costs)
        cells = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", line)][:MAX_TABLE_CELLS]
        for (label, _, _), (value, _, _) in itertools.pairwise(cells):
            if is_secret_name(label.strip("'\":,")):
                yield from judge_pair(label.strip("'\":,"), value.strip("'\",;"))
        if columns and rows < MAX_TABLE_ROWS:
            rows += 1
            for header, end in columns:
                cell = next((c for c, s, e in cells if s < end <= e), None)
                if cell:
                    yield from judge_pair(header, cell)
        if first:
            columns, rows, first = [(c, e) for c, _, e in cells if is_secret_name(c)], 0, False


class _Tables(HTMLParser):
    """The text of an HTML output and its tables as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self._cell = []
        for name, value in attrs:  # <input name="csrf_token" value="…"> and the like, as text
            if value:
                self.text.append(f' {name}="{value}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        self.text.append("\n" if tag in ("tr", "p", "div", "br", "li", "table") else " ")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        self.text.append(data)


def html_values(html: str) -> Iterator[str]:
    """Secrets in an HTML output (a DataFrame's ``text/html``): its text as in :func:`output_values`, cells
    under a secret-looking header, and the cell after a secret-looking label in a row."""
    parser = _Tables()
    try:
        parser.feed(html)
        parser.close()
    except (ValueError, AssertionError):  # malformed markup: what was read so far still counts
        pass
    text = "".join(parser.text)
    yield from secret_values(text)
    yield from listed_values(text)
    yield from output_values(text)
    for table in parser.tables:
        if not table:
            continue
        secret_columns = [i for i, header in enumerate(table[0]) if is_secret_name(header)]
        for row in table[1:MAX_TABLE_ROWS + 1]:
            for index in secret_columns:
                if index < len(row):
                    yield from judge_pair(table[0][index], row[index])
        for row in table[:MAX_TABLE_ROWS]:
            for label, value in itertools.pairwise(row):
                if is_secret_name(label):
                    yield from judge_pair(label, value)


# -- credential stores -----------------------------------------------------------------------------------------

_NETRC_PASSWORD = re.compile(r"(?<![A-Za-z])(?:password|passwd)[ \t]{1,20}+(\S{1,256})")


def credential_store_values(name: str, text: str) -> Iterator[str]:
    """Values in credential files whose syntax no assignment pattern reads: ``.netrc`` (``machine h login u
    password p``) and ``.pgpass`` (``host:port:db:user:password``)."""
    lowered = name.lower().rsplit("/", 1)[-1]
    if lowered in (".netrc", "_netrc"):
        for match in _NETRC_PASSWORD.finditer(text):
            yield match.group(1)
    elif lowered == ".pgpass":
        for line in text.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                yield line.rsplit(":", 1)[-1].strip()


# -- kernel variables ------------------------------------------------------------------------------------------

MAX_ITEMS = 1000


def namespace_values(namespace: Mapping[str, Any]) -> Iterator[str]:
    """Secrets held by the kernel: strings, tuples and lists of strings under secret-looking names; dict
    values under secret-looking keys or of a known format; DataFrame columns named like a secret, whose values
    look like secrets, or that pair a secret-looking label with a value (a ``name | value`` frame)."""
    for name, value in list(namespace.items()):
        if name.startswith("_") or not isinstance(name, str):
            continue
        try:
            yield from _values_of(name, value, depth=0)
        except Exception:  # noqa: BLE001, S112 — an odd object must not stop the review
            continue


def _values_of(name: str, value: Any, depth: int) -> Iterator[str]:
    secret = is_secret_name(name)
    if isinstance(value, str):
        if secret or _is_known_format(value):
            yield value
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in list(value)[:MAX_ITEMS]:
            if isinstance(item, str) and (secret or _is_known_format(item)):
                yield item
    elif isinstance(value, dict) and depth < 3:
        for key, item in list(value.items())[:MAX_ITEMS]:
            label = key if isinstance(key, str) else ""
            yield from _values_of(label if is_secret_name(label) or not secret else name, item, depth + 1)
    elif type(value).__module__.startswith("pandas") and hasattr(value, "columns"):
        yield from _frame_values(value)


def _is_known_format(value: str) -> bool:
    return 12 <= len(value) <= 4096 and any(not m.weak or m.kind != "secret-assignment"
                                            for m in find_secrets(value, redacting=True))


def _frame_values(frame: Any) -> Iterable[str]:
    head = frame.head(MAX_ITEMS)
    columns = list(head.columns)  # not by dtype: pandas 3 gives strings a dtype of their own
    for column in columns:
        items = [v for v in head[column].tolist() if isinstance(v, str)]
        if isinstance(column, str) and is_secret_name(column):
            for item in items:
                yield from judge_pair(column, item)
            continue
        for item in items:
            if looks_like_token(item) or _is_known_format(item):
                yield item
    for row in head[columns].itertuples(index=False):
        cells = [c for c in row if isinstance(c, str)]
        for label, value in itertools.pairwise(cells):
            if is_secret_name(label):
                yield from judge_pair(label, value)
