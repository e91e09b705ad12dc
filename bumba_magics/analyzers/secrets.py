"""The secret scanner: API keys, tokens, private keys and passwords in code, config, notebooks and outputs.

Two users: the ``secrets`` analyzer (findings, evidence always masked) and the redactor that must mask every
secret before any text leaves the machine. Both go through the pure functions :func:`find_secrets`,
:func:`mask` and :func:`redact`.

Why hand-written regexes and not detect-secrets: detect-secrets takes 75 s on Django (this takes well under
one), keeps its settings process-global (two reviews in one kernel would share them) and has no detector for
Anthropic keys. Known formats are a short, stable list; one combined compiled regex matches them all, plus
assignments of high-entropy strings to secret-looking names.

Speed: Python's ``re`` tries every alternative of a big alternation at every position (about 6 MB/s here),
so the combined regex is only tried, anchored, where a match can start: a few ``bytes.find`` passes over a
lower-cased copy (about 1.5 GB/s each) for the literals the patterns contain (``akia``, ``ghp_``,
``password`` …) find those positions. Django's 2,858 files (18.5 MB) take about 0.3 s of CPU.

Decisions a reader may want to argue with, kept in one place:
- Documented example keys (``AKIAIOSFODNN7EXAMPLE``, runs like ``xxxxxxxx``) are found, marked ``example``,
  and masked by :func:`redact` (masking costs nothing), but the analyzer does not report them.
- Placeholder passwords (``${VAR}``, ``<password>``, ``{{ var }}``, ``%(pw)s``, ``changeme``, ``example``,
  ``dummy``, ``test``, ``password`` …) are not secrets: they are neither reported nor redacted.
- A connection URL with a real-looking password is reported; on a local host (localhost, 127.0.0.1) it is
  reported at low severity: a development database, but the same password is often reused.
- Hardcoded framework signing keys (Django ``SECRET_KEY``, Flask ``secret_key``) are reported whatever their
  entropy: a guessable signing key ("dev", "changeme") is as bad as a leaked one.
- In Python, only quoted values count for an assignment (``password = other_variable`` is code); unquoted
  values count in config and text files and on ``%env`` / ``!`` / ``export`` lines.
- Values with spaces are prose, values made of one character class of words (``reset_password_done``) are
  identifiers; neither is a secret. UUIDs assigned to secret names *are* reported (many API keys are UUIDs),
  but a UUID elsewhere is never looked at.
- In test files, findings below critical are downgraded to low: fixture passwords are expected there, while a
  live provider key is live wherever it is committed.
"""

from __future__ import annotations

import base64
import bisect
import contextvars
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..context.source import Cell, Context, Source
from ..core.findings import Category, Finding, Fix, Location, Severity
from ..core.rules import RULES, Rule, rule
from .base import Analyzer, AnalyzerConfig, register_analyzer

__all__ = [
    "SecretMatch",
    "SecretsAnalyzer",
    "find_secrets",
    "mask",
    "mask_secrets",
    "names_a_secret",
    "redact",
    "shannon_entropy",
]

ANALYZER = "secrets"
CWE_HARDCODED = "CWE-798"
CWE_CLEARTEXT_STORAGE = "CWE-312"
CWE_HARDCODED_KEY = "CWE-321"

# ---------------------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------------------

_ROTATE = "Rotate it now: it is already in the file's history (git keeps it even after you delete the line)"
_MOVE = "read it at run time from the environment or a secret manager"


_NOUNS: dict[str, str] = {}  # rule code -> what was found, for the title of a finding on a variable name


def _hardcoded(code: str, name: str, noun: str, severity: Severity, *, references: tuple[str, ...] = (CWE_HARDCODED,),
               **fields) -> Rule:
    """``rule(...)`` for a kind of secret: titled "Hardcoded <noun>", the noun kept for variable-name findings."""
    _NOUNS[code] = noun
    return rule(code, name, f"Hardcoded {noun}", severity, category=Category.secrets, analyzer=ANALYZER,
                references=references, **fields)

AWS_ACCESS_KEY = _hardcoded(
    "BMB201", "aws-access-key-id", "AWS access key id", Severity.critical,
    why="An AWS access key id (AKIA… long-term, ASIA… temporary) next to its secret gives whoever reads the file "
    "the IAM user's permissions: bots scan public repositories for these within minutes.",
    recommendation=f"{_ROTATE}: deactivate the key in IAM and create a new one. Then {_MOVE} (AWS_ACCESS_KEY_ID, an AWS "
    "profile, or an instance/role credential instead of a long-term key).",
    references=(CWE_HARDCODED, "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"),
    bad='boto3.client("s3", aws_access_key_id="AKIA…")',
    good='boto3.client("s3")  # credentials from the role',
)
AWS_SECRET_KEY = _hardcoded(
    "BMB202", "aws-secret-access-key", "AWS secret access key", Severity.critical,
    why="The secret half of an AWS access key signs requests as the IAM user: with the key id (often in the same "
    "file) it is full account access within the user's permissions.",
    recommendation=f"{_ROTATE}: deactivate the key pair in IAM. Then {_MOVE} (AWS_SECRET_ACCESS_KEY or an AWS profile), or "
    "use a role.",
    references=(CWE_HARDCODED, "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"),
    bad='aws_secret_access_key = "wJalr…"',
    good='aws_secret_access_key = os.environ["AWS_SECRET_ACCESS_KEY"]',
)
GITHUB_TOKEN = _hardcoded(
    "BMB203", "github-token", "GitHub token", Severity.critical,
    why="A GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_) acts as its owner on GitHub: read private "
    "repositories, push code, change settings — as far as its scopes reach.",
    recommendation=f"{_ROTATE}: revoke it under Settings → Developer settings → Personal access tokens. Then {_MOVE} "
    "(GITHUB_TOKEN), with the narrowest fine-grained scopes that work.",
    references=(CWE_HARDCODED, "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure"),
)
SLACK_TOKEN = _hardcoded(
    "BMB204", "slack-token", "Slack token", Severity.critical,
    why="A Slack bot/user token (xoxb-, xoxp-, xoxa-, xoxr-) reads and posts in the workspace as the app or user.",
    recommendation=f"{_ROTATE}: revoke it in the app's OAuth settings. Then {_MOVE} (SLACK_BOT_TOKEN).",
)
SLACK_WEBHOOK = _hardcoded(
    "BMB205", "slack-webhook", "Slack webhook URL", Severity.high,
    why="Anyone with an incoming-webhook URL can post messages into the channel, e.g. convincing phishing.",
    recommendation=f"{_ROTATE}: regenerate the webhook in the Slack app settings. Then {_MOVE} (SLACK_WEBHOOK_URL).",
)
STRIPE_LIVE_KEY = _hardcoded(
    "BMB206", "stripe-live-key", "Stripe live key", Severity.critical,
    why="A Stripe live secret or restricted key (sk_live_, rk_live_) moves real money: charges, refunds, payouts.",
    recommendation=f"{_ROTATE}: roll the key in the Stripe dashboard. Then {_MOVE} (STRIPE_SECRET_KEY).",
    references=(CWE_HARDCODED, "https://docs.stripe.com/keys"),
)
STRIPE_TEST_KEY = _hardcoded(
    "BMB207", "stripe-test-key", "Stripe test key", Severity.medium,
    why="A Stripe test key cannot move money, but it exposes the test account's data and shows where the live "
    "key will be put next.",
    recommendation=f"Keep Stripe keys out of code: {_MOVE} (STRIPE_SECRET_KEY), so the live key never lands here either.",
    references=(CWE_HARDCODED, "https://docs.stripe.com/keys"),
)
GOOGLE_API_KEY = _hardcoded(
    "BMB208", "google-api-key", "Google API key", Severity.critical,
    why="A Google API key (AIza…) is billed to its project: an unrestricted key can run up Maps, Gemini or other "
    "API charges and read data the APIs expose.",
    recommendation=f"{_ROTATE}: regenerate it in the Cloud console and restrict it to the APIs and referrers that need it. "
    f"Then {_MOVE} (GOOGLE_API_KEY).",
)
GOOGLE_OAUTH_SECRET = _hardcoded(
    "BMB209", "google-oauth-client-secret", "Google OAuth client secret", Severity.critical,
    why="An OAuth client secret (GOCSPX-…) lets anyone impersonate the application in Google sign-in flows.",
    recommendation=f"{_ROTATE}: reset the client secret in the Cloud console. Then {_MOVE}.",
)
ANTHROPIC_KEY = _hardcoded(
    "BMB210", "anthropic-api-key", "Anthropic API key", Severity.critical,
    why="An Anthropic API key (sk-ant-…) runs requests billed to the organisation and reads its workspace data.",
    recommendation=f"{_ROTATE}: delete the key in the Anthropic console. Then {_MOVE} (ANTHROPIC_API_KEY, which the SDK "
    "reads by itself).",
)
OPENAI_KEY = _hardcoded(
    "BMB211", "openai-api-key", "OpenAI API key", Severity.critical,
    why="An OpenAI API key (sk-proj-, sk-svcacct-, legacy sk-…) runs requests billed to the organisation.",
    recommendation=f"{_ROTATE}: revoke the key in the OpenAI dashboard. Then {_MOVE} (OPENAI_API_KEY, which the SDK reads "
    "by itself).",
)
PRIVATE_KEY = _hardcoded(
    "BMB212", "private-key", "private key", Severity.critical,
    why="A private key (RSA, EC, DSA, OpenSSH, PGP) is an identity: it signs as the server or user, decrypts its "
    "traffic or logs into every host that trusts it.",
    recommendation="Treat the key pair as compromised: generate a new one, replace the public key wherever it is trusted, "
    "revoke certificates issued for it. Keep private keys in files outside the repository (mode 600) or in a "
    "secret manager / KMS.",
    references=(CWE_HARDCODED, CWE_HARDCODED_KEY),
)
JWT = _hardcoded(
    "BMB213", "jwt", "JSON Web Token", Severity.medium,
    why="A JWT is a bearer credential until it expires, and its payload (user ids, e-mails, roles) is only "
    "base64, not encrypted. Long-lived or never-expiring tokens are common.",
    recommendation="Do not paste real tokens into code, notebooks or fixtures; obtain them at run time. If this one is real "
    "and not yet expired, revoke the session or rotate the signing key.",
)
URL_CREDENTIALS = _hardcoded(
    "BMB214", "credentials-in-url", "password in a connection URL", Severity.high,
    why="A database, broker or HTTP URL of the form scheme://user:password@host carries the password wherever the "
    "URL goes: logs, error pages, tracebacks, notebook outputs.",
    recommendation=f"Build the URL from the environment (DATABASE_URL, or user/password variables) or a secret manager; "
    f"{_ROTATE.lower()}.",
    bad='engine = create_engine("postgresql://app:S3cr3t…@db.internal/app")',
    good='engine = create_engine(os.environ["DATABASE_URL"])',
)
TWILIO_TOKEN = _hardcoded(
    "BMB215", "twilio-auth-token", "Twilio auth token", Severity.critical,
    why="A Twilio auth token or API secret sends SMS and places calls billed to the account, and reads its "
    "message logs.",
    recommendation=f"{_ROTATE}: rotate the auth token (or delete the API key) in the Twilio console. Then {_MOVE} "
    "(TWILIO_AUTH_TOKEN).",
)
SENDGRID_KEY = _hardcoded(
    "BMB216", "sendgrid-api-key", "SendGrid API key", Severity.critical,
    why="A SendGrid key (SG.…) sends mail from the account's verified domains: phishing that passes SPF and DKIM.",
    recommendation=f"{_ROTATE}: delete the key in SendGrid. Then {_MOVE} (SENDGRID_API_KEY).",
)
NPM_TOKEN = _hardcoded(
    "BMB217", "npm-token", "npm token", Severity.critical,
    why="An npm access token (npm_…) can publish new versions of the owner's packages: a supply-chain attack.",
    recommendation=f"{_ROTATE}: revoke it with `npm token revoke` or on npmjs.com. Then {_MOVE} (NPM_TOKEN in CI secrets).",
)
PYPI_TOKEN = _hardcoded(
    "BMB218", "pypi-token", "PyPI API token", Severity.critical,
    why="A PyPI token (pypi-AgEI…) can upload releases of the owner's projects: a supply-chain attack.",
    recommendation=f"{_ROTATE}: delete it in the PyPI account settings. Then use trusted publishing from CI, or {_MOVE}.",
)
AZURE_STORAGE_KEY = _hardcoded(
    "BMB219", "azure-storage-key", "Azure storage account key", Severity.critical,
    why="An Azure storage connection string's AccountKey gives full read/write access to every blob, queue and "
    "table in the account.",
    recommendation=f"{_ROTATE}: rotate the account key in the portal. Then {_MOVE}, or use managed identity / SAS tokens with "
    "an expiry.",
)
HUGGINGFACE_TOKEN = _hardcoded(
    "BMB220", "huggingface-token", "Hugging Face token", Severity.critical,
    why="A Hugging Face token (hf_…) reads the owner's private models and datasets and, with write scope, "
    "replaces them.",
    recommendation=f"{_ROTATE}: invalidate it in the Hugging Face settings. Then {_MOVE} (HF_TOKEN, which the libraries read "
    "by themselves).",
)
BEARER_TOKEN = _hardcoded(
    "BMB221", "bearer-token", "bearer token", Severity.high,
    why="An Authorization: Bearer header value is the credential itself: whoever has it is the caller.",
    recommendation=f"Build the header from a token read at run time ({_MOVE}); revoke this token if it is still valid.",
)
GENERIC_SECRET = _hardcoded(
    "BMB230", "hardcoded-secret", "secret", Severity.high,
    why="A password, token or key written into code or config is readable by everyone with the repository, its "
    "history, its forks and its backups, and it cannot be changed without a code change.",
    recommendation=f"{_MOVE[0].upper()}{_MOVE[1:]} (os.environ[\"NAME\"], a .env file that git ignores, Vault, AWS Secrets "
    f"Manager …). {_ROTATE}.",
    supersedes=("S105", "S106", "S107"),
    bad='API_KEY = "9f8a7c…"',
    good='API_KEY = os.environ["API_KEY"]',
)
FRAMEWORK_KEY = _hardcoded(
    "BMB231", "hardcoded-framework-secret-key", "framework secret key", Severity.high,
    why="Django's SECRET_KEY and Flask's secret_key sign sessions, password-reset links and CSRF tokens: whoever "
    "knows the key can forge a logged-in session cookie for any user.",
    recommendation=f"Load it from the environment (SECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]) and fail at start-up when "
    f"it is missing; generate a new random one (secrets.token_urlsafe(50)), which logs every user out. "
    f"{_ROTATE}.",
    references=(CWE_HARDCODED, CWE_HARDCODED_KEY,
     "https://docs.djangoproject.com/en/stable/ref/settings/#std-setting-SECRET_KEY"),
    supersedes=("S105",),
    bad='SECRET_KEY = "django-insecure-…"',
    good='SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]',
)

OUTPUT_RECOMMENDATION = (
    " This one is in a cell's saved output: clear the outputs (Edit → Clear Outputs, or "
    "`jupyter nbconvert --clear-output`) before committing or sharing the notebook, and stop printing "
    "secrets; the value is already in every copy of the notebook, so rotate it."
)

# ---------------------------------------------------------------------------------------------------------
# The public, pure API
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """One secret in a text. ``start``/``end`` are character offsets of the secret value only."""

    start: int
    end: int
    kind: str  # e.g. "aws-access-key-id"
    rule: str  # e.g. "BMB201"
    line: int  # 1-based line of ``start``
    severity: Severity
    name: str | None = None  # the variable or key it is assigned to, when it is an assignment
    example: bool = False  # a documented example key: redacted, not reported
    # found only for the redactor (``find_secrets(redacting=True)``): a password-like name's low-entropy value,
    # an account id next to its key. Redacted, never reported: whether to report those is a rule decision.
    weak: bool = False

    def value(self, text: str) -> str:
        return text[self.start:self.end]


MASK_KEEP = 4  # characters of a secret shown in evidence: enough to recognise the key type, too few to use
MASK_MIN_SHOWN = 16  # shorter secrets are masked completely, a prefix would give away too much of them
MASK_STARS = 16


def mask(value: str) -> str:
    """``AKIA****************``: the first 4 characters then asterisks; short secrets fully masked.

    The number of asterisks is capped, so neither a long secret nor the length of a short one shows.
    """
    if not value:
        return ""
    if len(value) < MASK_MIN_SHOWN:
        return "*" * 8
    return value[:MASK_KEEP] + "*" * min(len(value) - MASK_KEEP, MASK_STARS)


def redact(text: str, *, python: bool = False) -> str:
    """``text`` with every secret replaced by ``[REDACTED:<kind>]``; line numbers are kept."""
    return _replace(text, find_secrets(text, python=python), lambda m, value: f"[REDACTED:{m.kind}]")


def mask_secrets(text: str, matches: Iterable[SecretMatch] | None = None, *, python: bool = False) -> str:
    """``text`` with every secret replaced by its :func:`mask`; line numbers are kept."""
    found = list(matches) if matches is not None else find_secrets(text, python=python)
    return _replace(text, found, lambda m, value: _display_mask(m.kind, value))


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``'s own character distribution."""
    if not value:
        return 0.0
    size = len(value)
    return -sum(n / size * math.log2(n / size) for n in Counter(value).values())


def find_secrets(text: str, *, python: bool = False, redacting: bool = False) -> list[SecretMatch]:
    """Every secret in ``text``, in order. ``python=True`` ignores unquoted assignment values (code).

    ``redacting=True`` also finds what must never be sent but is not reported (``weak`` matches): any
    non-empty value of a password-like name whatever its entropy (``pw = "hunter2"``), account ids.
    """
    low = _lowered(text)
    formats = _candidate_starts(text, low=low)
    names = _candidate_starts(text, _NAME_TRIGGERS, twilio=False, low=low)
    token = _STARTS.set((text, formats))
    try:
        return _find(text, sorted({*formats, *names}), python, redacting)
    finally:
        _STARTS.reset(token)


# The prefilter's starts of the text being scanned, for the values inside it (:func:`_known_format_inside`):
# looking them up costs a bisection, finding them again a pass per needle over every candidate's value.
_STARTS: contextvars.ContextVar[tuple[str, list[int]] | None] = contextvars.ContextVar("starts", default=None)


def _find(text: str, starts: list[int], python: bool, redacting: bool) -> list[SecretMatch]:
    found: list[SecretMatch] = []
    line, counted_to, covered_to = 1, 0, 0
    for start in starts:
        if start < covered_to:
            continue  # inside a secret already found ("token" in https://x-access-token:ghs_…@github.com)
        match = _COMBINED.match(text, start)
        candidates = _classify(text, match, python, redacting) if match is not None else []
        end = match.end() if match is not None else start
        if not candidates:
            pair = _PAIR_AFTER_NAME.match(text, start)  # <password>…</password>, name="x_token" value="…"
            candidates = _classify_pair(text, start, pair, python, redacting) if pair is not None else []
            end = pair.end() if pair is not None else end
        for candidate in candidates:
            if candidate.weak and not redacting:
                continue
            line += text.count("\n", counted_to, candidate.start)
            counted_to = candidate.start
            found.append(_with_line(candidate, line))
        if candidates:
            covered_to = end
    return found


def _with_line(candidate: SecretMatch, line: int) -> SecretMatch:
    return SecretMatch(
        candidate.start, candidate.end, candidate.kind, candidate.rule, line, candidate.severity,
        candidate.name, candidate.example, candidate.weak,
    )


def _replace(text: str, matches: list[SecretMatch], replacement: Callable[[SecretMatch, str], str]) -> str:
    parts, position = [], 0
    for match in sorted(matches, key=lambda m: m.start):
        if match.start < position:
            continue
        value = text[match.start:match.end]
        parts.append(text[position:match.start])
        parts.append(replacement(match, value) + "\n" * value.count("\n"))
        position = match.end
    parts.append(text[position:])
    return "".join(parts)


_PRIVATE_KEY_HEADER = re.compile(r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----")


def _display_mask(kind: str, value: str) -> str:
    """The mask shown in evidence; a private key keeps its (public) header so the reader knows what it is."""
    if kind == "private-key":
        header = _PRIVATE_KEY_HEADER.match(value)
        if header:
            return header.group(0) + "*" * MASK_STARS
    return mask(value)


# ---------------------------------------------------------------------------------------------------------
# The patterns
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Format:
    """A known secret format. ``pattern`` may hold a ``(?P<value>…)`` group: the secret part of the match."""

    kind: str
    rule: Rule
    pattern: str
    # the character before the match must not be a letter or digit (AKIA inside a base64 blob is no key)
    boundary: bool = True
    reported: bool = True  # False: an identifier the redactor removes (a Twilio SID), never a finding


_TOKEN_END = r"(?![A-Za-z0-9])"
_DB_SCHEMES = (
    r"postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|cockroachdb"
    r"|clickhouse|neo4j|couchdb"
)
_URL_SCHEMES = r"https?|ftps?|smtps?|ldaps?|sftp|ssh|git\+https?|socks5h?"
_URL_CREDENTIALS = (
    r"(?:{schemes})(?:\+[a-z0-9]+)?://[^\s:/@'\"`<>]{{0,64}}:(?P<value>[^\s@/'\"`<>]{{1,128}})@"
    r"(?P<host>[^\s/'\"`@<>:?#]{{1,255}})"
)

# Every quantifier is bounded and the regex is only tried, anchored, where the prefilter says a match can
# start, so each try costs at most a fixed number of steps and a text costs O(its length). Where two parts
# could match the same characters (a key body and its footer, blanks before and as the operator), one of
# them is possessive (``*+``, Python 3.11): ``re`` backtracks, and an ambiguous pair on a long run of the
# shared characters ("password" and 20,000 spaces) is a quadratic try. Measured in
# tests/test_redaction_speed.py. (google-re2 would make this linear by construction, but has no lookahead,
# which several formats need, and the prefilter is what keeps the scanner fast.)
_PEM_BODY_CHAR = r"(?:[A-Za-z0-9+/=\s:,.\\]|-(?!----))"  # a key body; one dash is fine ("DEK-Info"), five end it
_FORMATS: tuple[_Format, ...] = (
    _Format("private-key", PRIVATE_KEY,
            r"-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----" + _PEM_BODY_CHAR + r"{0,16384}+"
            r"(?:-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----)?",
            boundary=False),
    _Format("aws-access-key-id", AWS_ACCESS_KEY, r"A(?:KIA|SIA)[0-9A-Z]{16}" + _TOKEN_END),
    _Format("github-token", GITHUB_TOKEN, r"gh[pousr]_[A-Za-z0-9]{36,251}" + _TOKEN_END),
    _Format("github-token", GITHUB_TOKEN, r"github_pat_[A-Za-z0-9_]{50,240}" + _TOKEN_END),
    _Format("slack-token", SLACK_TOKEN, r"xox[abposre]-[0-9A-Za-z]{1,40}-[A-Za-z0-9-]{8,250}" + _TOKEN_END),
    _Format("slack-webhook", SLACK_WEBHOOK,
            r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<value>[A-Za-z0-9_/+-]{20,400})",
            boundary=False),
    _Format("stripe-live-key", STRIPE_LIVE_KEY, r"[sr]k_live_[A-Za-z0-9]{20,247}" + _TOKEN_END),
    _Format("stripe-test-key", STRIPE_TEST_KEY, r"[sr]k_test_[A-Za-z0-9]{20,247}" + _TOKEN_END),
    _Format("google-api-key", GOOGLE_API_KEY, r"AIza[0-9A-Za-z_-]{35}" + _TOKEN_END),
    _Format("google-oauth-client-secret", GOOGLE_OAUTH_SECRET, r"GOCSPX-[A-Za-z0-9_-]{28}" + _TOKEN_END),
    _Format("anthropic-api-key", ANTHROPIC_KEY, r"sk-ant-[a-z]{3,8}[0-9]{0,3}-[A-Za-z0-9_-]{32,200}"),
    _Format("openai-api-key", OPENAI_KEY, r"sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{32,250}"),
    _Format("openai-api-key", OPENAI_KEY, r"sk-[A-Za-z0-9]{48}" + _TOKEN_END),
    _Format("openai-api-key", OPENAI_KEY, r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}" + _TOKEN_END),
    _Format("jwt", JWT, r"eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{0,1024}"),
    _Format("sendgrid-api-key", SENDGRID_KEY, r"SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}" + _TOKEN_END),
    _Format("npm-token", NPM_TOKEN, r"npm_[A-Za-z0-9]{36}" + _TOKEN_END),
    _Format("pypi-token", PYPI_TOKEN, r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1024}"),
    # an Azure connection string's account key, a Service Bus / Event Hubs shared access key, a SAS signature
    _Format("azure-storage-key", AZURE_STORAGE_KEY,
            r"(?:[Aa]ccount|[Ss]hared[Aa]ccess)[Kk]ey=(?P<value>[A-Za-z0-9+/]{20,100}={0,2})", boundary=False),
    _Format("azure-storage-key", AZURE_STORAGE_KEY, r"[?&;]sig=(?P<value>[A-Za-z0-9%+/]{20,200}(?:%3[Dd]|=){0,2})",
            boundary=False),
    _Format("huggingface-token", HUGGINGFACE_TOKEN, r"hf_[A-Za-z0-9]{34,40}" + _TOKEN_END),
    _Format("bearer-token", BEARER_TOKEN, r"[Bb]earer[ \t]{1,8}+(?P<value>[A-Za-z0-9._~+/-]{20,4096}=*)"),
    _Format("database-url", URL_CREDENTIALS, _URL_CREDENTIALS.format(schemes=_DB_SCHEMES)),
    _Format("url-credentials", URL_CREDENTIALS, _URL_CREDENTIALS.format(schemes=_URL_SCHEMES)),
    # redacted, not reported (no rule of their own yet): a Mailgun key, Twilio account and API key ids
    _Format("mailgun-api-key", GENERIC_SECRET, r"key-[0-9a-f]{32}" + _TOKEN_END, reported=False),
    _Format("twilio-sid", TWILIO_TOKEN, r"(?:AC|SK)[0-9a-f]{32}" + _TOKEN_END, reported=False),
)


def _case_insensitive(word: str) -> str:
    """``[Pp][Aa]…`` rather than ``(?i:…)``: re's quick first-character test only works on plain classes."""
    out = []
    for char in word:
        if char == "_":
            out.append("[_-]?")
        elif char.isalpha():
            out.append(f"[{char.upper()}{char.lower()}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


# Words that make a name secret-looking; ``_`` stands for an optional ``_`` or ``-``. ``pwd``, ``pw`` and
# ``pass`` only count as whole words (the prefilter checks: ``pw`` in ``pwned`` or ``pass`` in ``passenger``
# is no name).
_NAME_KEYWORDS = (
    "password", "passwd", "passphrase", "secret", "token", "api_key", "apikey",
    "access_key", "private_key", "signing_key", "encryption_key", "master_key", "auth_key",
    "pwd", "pw", "pass",
)
_KEYWORDS = "|".join(_case_insensitive(k) for k in _NAME_KEYWORDS)
_QUOTED_VALUE = (
    r"(?:(?P<prefix>[rRbBuUfF]{{0,2}})(?:\"(?P<dq>[^\"\n]{{1,500}})\"|'(?P<sq>[^'\n]{{1,500}})')"
    r"|(?P<bare>[^\s'\"`,;()\[\]{{}}<>#]{{1,500}}+))"
)
_ASSIGNMENT = (
    r"(?P<keyword>{keywords})"
    r"(?P<tail>[A-Za-z0-9_.-]{{0,64}})(?:[\"']?\])?[\"']?"  # rest of the name; a closing quote / bracket
    # a Python annotation (password: str = …) then the operator; or blanks alone as the operator (Dockerfile's
    # ENV NAME value). Blanks are possessive, so the two ways cannot trade blanks back and forth.
    r"(?:[ \t]*+(?::[ \t]*+[A-Za-z_][\w\[\]., |]{{0,40}}?[ \t]*+)?(?P<operator>=>|:=|=(?!=)|:(?!:))"
    r"|(?P<blanks>[ \t]++))[ \t]*+" + _QUOTED_VALUE
).format(keywords=_KEYWORDS)

# A value given next to a secret-looking name that is not assigned to it: an XML element
# (<db.password>…</db.password>), a key/value pair of attributes or fields (<add key="ApiToken" value="…"/>,
# <input name="csrf_token" value="…">, Kubernetes' "- name: DB_PASSWORD / value: …"). Tried where the name
# starts; which one it is depends on what stands before the name (:func:`_classify_pair`).
_PAIR_AFTER_NAME = re.compile(
    r"(?P<name>[A-Za-z0-9_.:-]{1,80}+)(?:"
    r"(?P<element>(?:[ \t][^<>\n]{0,200})?>)(?P<text>[^<\n]{1,500})</"
    r"|[\"']?[ \t]*+,?(?:[ \t]*+\r?\n)?[ \t]{0,40}+(?:-[ \t]*+)?[\"']?(?:value|secret|content)[\"']?[ \t]*+[=:][ \t]*+"
    + _QUOTED_VALUE.replace("{{", "{").replace("}}", "}") + ")"
)
_PAIR_NAME_BEFORE = re.compile(r"""(?:<|\b(?:key|name)["']?[ \t]*[=:][ \t]*["']?)$""")


def _compile(*, assignments: bool) -> re.Pattern[str]:
    """One regex for every format. Each alternative ends in an empty marker group, ``m.lastgroup`` names it:
    with the group at the end (not around the alternative) every alternative still starts with a literal,
    which lets ``re`` reject it after one character."""
    alternatives = []
    for index, spec in enumerate(_FORMATS):
        pattern = spec.pattern.replace("(?P<value>", f"(?P<v{index}>").replace("(?P<host>", f"(?P<h{index}>")
        alternatives.append(f"{pattern}(?P<f{index}>)")
    if assignments:
        alternatives.append(f"{_ASSIGNMENT}(?P<assign>)")
    return re.compile("|".join(alternatives))


_COMBINED = _compile(assignments=True)
_KNOWN_ONLY = _compile(assignments=False)  # for the value of an assignment: api_key = "AKIA…"

# ---------------------------------------------------------------------------------------------------------
# The prefilter: which lines can hold a match at all
# ---------------------------------------------------------------------------------------------------------

# needle (lower case) -> where the matches it announces can start (nothing when its neighbours rule it out).
# Each needle costs one pass over the text, so needles are shared ("key" stands for api_key, AccountKey=
# and "PRIVATE KEY-----", "gh" for ghp_, gho_, ghu_ …) and a frequent needle is confirmed by a look at
# its neighbours, so the regex is tried at a few hundred positions of a file instead of at every one.
Starts = Callable[[bytes, int], Iterable[int]]


def _at(back: int = 0, *words: bytes) -> Starts:
    """The match starts ``back`` characters before the needle, where one of ``words`` (if given) starts."""

    def starts(low: bytes, at: int) -> tuple[int, ...]:
        if at < back or (words and not low.startswith(words, at - back)):
            return ()
        return (at - back,)

    return starts


_KEY_PREFIXES = (
    b"sharedaccess", b"access", b"private", b"signing", b"encryption", b"master", b"auth", b"api", b"account",
)
_SCHEME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789+")
URL_LOOKAHEAD = 400  # how far after "://" the "@" of user:password@host may be


def _key_starts(low: bytes, at: int) -> list[int]:
    """api_key / access-key / signingKey / AccountKey= start at their prefix; a PEM header at its dashes."""
    starts = []
    before = low[max(0, at - 12):at]
    trimmed = before.rstrip(b"_- ")
    prefix = next((p for p in _KEY_PREFIXES if trimmed.endswith(p)), None)
    if prefix is not None:
        starts.append(at - (len(before) - len(trimmed)) - len(prefix))
        # a PEM header line is short: looking back further would make a long line of "key"s quadratic
        window = max(0, at - 80)
        header = low.rfind(b"-----begin", low.rfind(b"\n", window, at) + 1 or window, at)
        if header != -1:
            starts.append(header)
    return starts


def _url_starts(low: bytes, at: int) -> tuple[int, ...]:
    """``scheme://user:password@host`` starts at its scheme; a Slack webhook at its host."""
    if low.startswith(b"hooks.slack.com", at + 3):
        return (at + 3,)
    line_end = low.find(b"\n", at, at + URL_LOOKAHEAD)
    limit = at + URL_LOOKAHEAD if line_end == -1 else line_end
    if low.find(b"@", at, limit) == -1:
        return ()
    start = at
    while start > max(0, at - 40) and low[start - 1] in _SCHEME_BYTES:
        start -= 1
    return (start,) if start < at else ()


_LOWER_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyz")
_WORD_BYTES = _LOWER_LETTERS | frozenset(b"0123456789")


def _whole_word(*longer: bytes) -> Starts:
    """``pass`` / ``pw`` / ``pwd`` as a word of a name (``db_pass``, ``PW``), or one of ``longer`` words."""

    def starts(low: bytes, at: int) -> tuple[int, ...]:
        if longer and low.startswith(longer, at):
            return (at,)
        if at > 0 and low[at - 1] in _LOWER_LETTERS:
            return ()  # bypass, spw
        end = at + 2
        while end < len(low) and end < at + 4 and low[end] in _LOWER_LETTERS:
            end += 1
        word = low[at:end]
        if word not in (b"pw", b"pwd", b"pass") or (end < len(low) and low[end] in _WORD_BYTES):
            return ()
        return (at,)

    return starts


_HEX_32 = re.compile(r"[0-9a-f]{32}")


def _twilio_starts(text: str, at: int) -> tuple[int, ...]:
    return (at,) if _HEX_32.match(text, at + 2) else ()


# where only an assignment can start (kept apart: the value of an assignment is searched for known formats
# at the other starts only)
_NAME_TRIGGERS: dict[bytes, Starts] = {
    b"pass": _whole_word(b"passw", b"passp"),
    b"pw": _whole_word(),
    b"secret": _at(),
    b"token": _at(),
}
_TRIGGERS: dict[bytes, Starts] = {
    b"key": _key_starts,
    b"key-": _at(),
    b"sig=": _at(1),
    b"://": _url_starts,
    b"ia": _at(2, b"akia", b"asia"),
    b"aiza": _at(),
    b"gocspx-": _at(),
    b"gh": _at(0, b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_"),
    b"github_pat_": _at(),
    b"xox": _at(),
    b"k_": _at(1, b"sk_live_", b"rk_live_", b"sk_test_", b"rk_test_"),
    b"sk-": _at(),
    b"eyj": _at(),
    b"sg.": _at(),
    b"npm_": _at(),
    b"pypi-": _at(),
    b"hf_": _at(),
    b"bearer": _at(),
}


def _lowered(text: str) -> bytes:
    """A lower-cased ASCII copy with the same offsets as ``text``.

    Every needle is ASCII, so other characters only have to keep their place: each becomes one ``?``.
    """
    if text.isascii():
        return text.encode("ascii").lower()
    return text.encode("ascii", "replace").lower()


def _candidate_starts(
    text: str, triggers: dict[bytes, Starts] | None = None, *, twilio: bool = True, low: bytes | None = None,
) -> list[int]:
    """Sorted positions where a secret can start: the only places the combined regex is tried."""
    low = _lowered(text) if low is None else low
    starts: set[int] = set()
    for needle, locate in (_TRIGGERS if triggers is None else triggers).items():
        find = low.find
        at = find(needle)
        while at != -1:
            starts.update(locate(low, at))
            at = find(needle, at + 1)
    for prefix in ("AC", "SK") if twilio else ():  # Twilio ids: upper case, so looked for in the text itself
        at = text.find(prefix)
        while at != -1:
            starts.update(_twilio_starts(text, at))
            at = text.find(prefix, at + 1)
    return sorted(starts)


# ---------------------------------------------------------------------------------------------------------
# Deciding what a regex match is
# ---------------------------------------------------------------------------------------------------------

_WORD_CHAR = re.compile(r"[A-Za-z0-9]")
_SAME_CHAR_RUN = re.compile(r"(.)\1{7,}")
_EXAMPLE_MARKERS = ("EXAMPLE", "12345678", "ABCDEFGH", "XXXXXXXX")
# RFC 2606 / 6761 names reserved for documentation: a URL pointing there is an example
_EXAMPLE_HOST = re.compile(r"(^|\.)example(\.(com|org|net))?$|\.(test|example|invalid)$")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "host.docker.internal"}


def _classify(text: str, match: re.Match[str], python: bool, redacting: bool = False) -> list[SecretMatch]:
    group = match.lastgroup or ""
    if group == "assign":
        return _classify_assignment(text, match, python, redacting)
    index = int(group[1:])
    return _classify_format(text, match, _FORMATS[index], index)


def _classify_format(text: str, match: re.Match[str], spec: _Format, index: int) -> list[SecretMatch]:
    if spec.boundary and match.start() > 0 and _WORD_CHAR.match(text, match.start() - 1):
        return []
    value_group = f"v{index}"
    has_value = value_group in match.re.groupindex and match.group(value_group) is not None
    start, end = match.span(value_group) if has_value else match.span()
    value = text[start:end]
    severity = spec.rule.severity
    if spec.kind == "private-key":
        if not _has_key_body(value):
            return []  # a header mentioned in code ("-----BEGIN RSA PRIVATE KEY-----" in a parser), no key
    elif spec.kind == "jwt" and not _is_jwt(value):
        return []
    elif spec.rule is URL_CREDENTIALS:
        known = _known_format_inside(text, start, end)
        if known:
            return known  # https://x-access-token:ghs_…@github.com is a GitHub token first
        if _is_placeholder(value) or value.lower() in _PLACEHOLDER_PASSWORDS:
            return []
        host = (match.group(f"h{index}") or "").lower()
        if host in _LOCAL_HOSTS:
            severity = Severity.low
        if _EXAMPLE_HOST.search(host):
            return [SecretMatch(start, end, spec.kind, spec.rule.code, 0, severity, None, True)]
    weak = not spec.reported
    found = [SecretMatch(start, end, spec.kind, spec.rule.code, 0, severity, None, _is_example(value), weak)]
    if spec.kind == "twilio-sid" and value.startswith("AC"):
        found += _twilio_token_beside(text, end)
    return found


_QUOTED_HEX_32 = re.compile(r"""["']([0-9a-f]{32})["']""")
TWILIO_LOOKAHEAD = 160


def _twilio_token_beside(text: str, sid_end: int) -> list[SecretMatch]:
    """``Client("AC…", "<auth token>")``: the account's auth token given beside its SID, with no name."""
    line_end = text.find("\n", sid_end, sid_end + TWILIO_LOOKAHEAD)
    token = _QUOTED_HEX_32.search(text, sid_end, sid_end + TWILIO_LOOKAHEAD if line_end == -1 else line_end)
    if token is None:
        return []
    return [SecretMatch(token.start(1), token.end(1), "twilio-auth-token", TWILIO_TOKEN.code, 0,
                        TWILIO_TOKEN.severity)]


_PRIVATE_KEY_FOOTER = re.compile(r"-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----")
_BASE64_CHAR = re.compile(r"[A-Za-z0-9+/]")
MIN_KEY_BODY = 64


def _has_key_body(block: str) -> bool:
    header = _PRIVATE_KEY_HEADER.match(block)
    body = _PRIVATE_KEY_FOOTER.sub("", block[header.end() if header else 0:])
    body = body.replace("\\n", "\n")  # a key pasted into a string with \n escapes
    return len(_BASE64_CHAR.findall(body)) >= MIN_KEY_BODY


def _is_example(value: str) -> bool:
    upper = value.upper()
    return any(marker in upper for marker in _EXAMPLE_MARKERS) or bool(_SAME_CHAR_RUN.search(value))


def _is_jwt(value: str) -> bool:
    header = value.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
    except (ValueError, TypeError):
        return False
    return b'"alg"' in decoded or b'"typ"' in decoded


# -- assignments -------------------------------------------------------------------------------------------

_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
# The last word of a name that holds something *about* a secret, not the secret: TOKEN_URL, password_hash …
_NOT_SECRET_SUFFIXES = frozenset({
    "url", "uri", "urls", "endpoint", "host", "path", "file", "filename", "dir", "name", "names", "type",
    "types", "field", "fields", "header", "param", "params", "prefix", "suffix", "length", "len", "size",
    "env", "var", "variable", "mode", "class", "format", "pattern", "regex", "re", "label", "id", "ids",
    "timeout", "ttl", "expiry", "expires", "expiration", "age", "lifetime", "count", "min", "max", "hash",
    "hashes", "hashed", "hasher", "hashers", "validator", "validators", "algorithm", "alg", "backend",
    "backends", "policy", "template", "message", "msg", "error", "errors", "help", "text", "form", "view",
    "reset", "generator", "location", "source", "provider", "scope", "scopes", "kind", "version", "index",
    "column", "table", "key_name", "method", "methods", "required", "enabled", "set", "changed", "input",
    "widget", "link", "question", "hint", "strength", "rules", "callback", "handler", "storage", "store",
    "cache", "service", "manager", "attr", "attribute", "option", "options", "setting", "settings",
})
_PLACEHOLDER_WORDS = (
    "example", "sample", "dummy", "placeholder", "changeme", "change_me", "change-me", "changeit", "your",
    "fake", "mock", "test", "redacted", "todo", "fixme", "xxx", "secret", "password", "passwd", "token",
    "insert", "replace", "foobar", "none", "null", "undefined", "default", "not-set", "notset", "<", "...",
)
_PLACEHOLDER_PASSWORDS = {
    "pass", "pwd", "user", "username", "foo", "bar", "baz", "admin", "root", "guest", "x", "xx",
}
_FRAMEWORK_KEY_NAMES = frozenset({"SECRET_KEY", "DJANGO_SECRET_KEY", "FLASK_SECRET_KEY"})
_SHELL_LINE_STARTS = ("!", "%env", "%set_env", "export ")  # shell syntax inside a notebook cell
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_WORDS_JOINED = re.compile(r"[a-z]+(?:[_\-.][a-z]+)+|[A-Z]+(?:[_\-.][A-Z]+)+|[a-z]+(?:[A-Z][a-z]+)+")
_TEMPLATE = re.compile(r"\$\{|\$\(|\{\{|\{%|%\(|%[A-Za-z_]+%|^\$[A-Za-z_]|^<[^>]*>$|^\{[^}]*\}$|^%[sdr]$|^\*+$|^\.+$")
_PASSWORD_HASH = re.compile(
    r"(?:pbkdf2_sha\d+|argon2|bcrypt(?:_sha256)?|scrypt|sha1|md5|crypt|unsalted_\w+)\$|\$(?:2[abxy]?|5|6|argon2\w*)\$"
)
_AWS_SECRET_VALUE = re.compile(r"[A-Za-z0-9/+]{40}")
_TWILIO_VALUE = re.compile(r"[0-9a-fA-F]{32}|[A-Za-z0-9]{32}")
_CAMEL_SPLIT = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

MIN_KNOWN_LENGTH = 12  # the shortest known format: a URL password, redis://:pw@h
ENTROPY_THRESHOLD = 3.0  # bits per character; short values may have at most log2(len)
MIN_SECRET_LENGTH = 8


def _classify_assignment(
    text: str, match: re.Match[str], python: bool, redacting: bool = False,
) -> list[SecretMatch]:
    group = "dq" if match.group("dq") is not None else "sq" if match.group("sq") is not None else "bare"
    start, end = match.span(group)
    if end - start >= MIN_KNOWN_LENGTH:
        known = _known_format_inside(text, start, end)
        if known:
            return known
    if end - start < MIN_SECRET_LENGTH and not redacting and not match.group("tail").upper().endswith("KEY"):
        return []  # cheap exit first: only a framework SECRET_KEY is reported when short
    name_begin = _name_begin(text, match.start("keyword"))
    operator = match.group("operator") or ""
    inline = group == "bare" and _is_inline_parameter(text, name_begin, operator)
    if inline and "&" in text[start:end]:
        end = text.index("&", start, end)  # ?access_token=…&page=2
    if not inline and not _is_assignment_context(match, text, group != "bare", python, end) and not (
            redacting and _is_logfmt_pair(text, match, start, end)):
        return []
    value = text[start:end]
    if "f" in (match.group("prefix") or "").lower() and "{" in value:
        return []
    name = text[name_begin:match.end("tail")].strip(".-")
    return _judge(name, value, start, end, group == "bare", redacting)


def _is_logfmt_pair(text: str, match: re.Match[str], start: int, end: int) -> bool:
    """``… user=admin password=hunter2 status=401 …``: a log line's ``name=value`` pair, with no blank
    around the ``=`` and a blank after the value (code has blanks around its ``=``, or a bracket after)."""
    return (match.group("bare") is not None and text[match.end("tail"):start] in ("=", ":")
            and (end == len(text) or text[end] in " \t\r\n"))


def _judge(name: str, value: str, start: int, end: int, bare: bool, redacting: bool) -> list[SecretMatch]:
    """A value given to a secret-looking name: a reported secret, a weak one (redacting only), or nothing."""
    spec = None
    if len(value) >= MIN_SECRET_LENGTH or name.upper().endswith("KEY"):
        spec = _assignment_rule(name, value)
    if spec is not None:
        rule, kind = spec
        return [SecretMatch(start, end, kind, rule.code, 0, rule.severity, name, _is_example(value))]
    if redacting and _is_weak_secret(name, value, bare):
        return [SecretMatch(start, end, "secret-assignment", GENERIC_SECRET.code, 0, GENERIC_SECRET.severity,
                            name, False, True)]
    return []


def _classify_pair(
    text: str, start: int, match: re.Match[str], python: bool, redacting: bool,
) -> list[SecretMatch]:
    """``<password>…</password>`` and ``key="ApiToken" value="…"``: the name is an element or a field."""
    name_begin = _name_begin(text, start)
    before = _PAIR_NAME_BEFORE.search(text, max(0, name_begin - 24), name_begin)
    if before is None:
        return []
    is_element = before.group(0) == "<"
    if is_element != (match.group("element") is not None):
        return []
    group = next(g for g in ("text", "dq", "sq", "bare") if match.group(g) is not None)
    if python and group == "bare":
        return []
    value_start, value_end = match.span(group)
    value = text[value_start:value_end]
    if group == "text":  # element text: trimmed, and a nested element is no value
        stripped = value.strip()
        value_start += len(value) - len(value.lstrip())
        value_end = value_start + len(stripped)
        value = stripped
    if not value:
        return []
    if len(value) >= MIN_KNOWN_LENGTH:
        known = _known_format_inside(text, value_start, value_end)
        if known:
            return known
    name = text[name_begin:match.end("name")].strip(".-:")
    return _judge(name, value, value_start, value_end, group in ("bare", "text"), redacting)


NAME_LOOKBACK = 256  # how far back a name may begin before its keyword (a bound: no long scan per candidate)


def _name_begin(text: str, keyword_start: int) -> int:
    begin = keyword_start
    limit = max(0, keyword_start - NAME_LOOKBACK)
    while begin > limit and text[begin - 1] in _NAME_CHARS:
        begin -= 1
    return begin


def _is_inline_parameter(text: str, name_begin: int, operator: str) -> bool:
    """``?access_token=…`` in a URL or ``--password=…`` on a command line: an unquoted value inside a line
    (and inside a Python string), not an assignment statement."""
    if operator != "=":
        return False
    return (name_begin > 0 and text[name_begin - 1] in "?&") or text.startswith("--", name_begin)


def _known_format_inside(text: str, start: int, end: int) -> list[SecretMatch]:
    """A known key assigned to a name (``api_key = "AKIA…"``) is reported as what it is."""
    # tried anchored at the prefilter's starts inside the value, as in find_secrets: an unanchored search
    # would try the whole alternation at every character of every (up to 500 characters long) value
    found: list[SecretMatch] = []
    covered_to = start
    starts = _STARTS.get()
    if starts is None or starts[0] is not text:
        inside = [start + offset for offset in _candidate_starts(text[start:end])]
    else:
        inside = starts[1][bisect.bisect_left(starts[1], start):bisect.bisect_left(starts[1], end)]
    for at in inside:
        if at < covered_to:
            continue
        inner = _KNOWN_ONLY.match(text, at, end)
        if inner is None:
            continue
        index = int((inner.lastgroup or "f0")[1:])
        matches = _classify_format(text, inner, _FORMATS[index], index)
        if matches:
            found.extend(matches)
            covered_to = inner.end()
    return found


LINE_LOOKBACK = 200  # how much of the line before a name is looked at (for ENV, export, !)
_REST_OF_LINE_EMPTY = re.compile(r"[ \t]*+(?:#|\r?\n|$)")


def _is_assignment_context(
    match: re.Match[str], text: str, quoted: bool, python: bool, value_end: int,
) -> bool:
    """Is this ``name <op> value`` really an assignment of a literal?"""
    window = max(0, match.start() - LINE_LOOKBACK)
    line_start = text.rfind("\n", window, match.start()) + 1 or window
    stripped = text[line_start:match.start()].lstrip()
    if match.group("operator") is None and not stripped.upper().startswith(("ENV ", "ARG ")):
        return False  # "the token expired" is prose; only Dockerfiles separate name and value with a space
    if quoted:
        return True
    if python and not stripped.startswith(_SHELL_LINE_STARTS):
        return False  # password = other_variable is code
    # an unquoted value is the whole rest of its line
    return _REST_OF_LINE_EMPTY.match(text, value_end) is not None


def _name_words(name: str) -> list[str]:
    last = re.split(r"[.\[\]\"']", name.strip("\"'[]"))
    segment = next((part for part in reversed(last) if part), name)
    return [w.lower() for w in re.split(r"[_\-]", _CAMEL_SPLIT.sub("_", segment)) if w]


def names_a_secret(name: str) -> bool:
    """Whether a secret-looking name holds the secret itself (not TOKEN_URL, PASSWORD_HASHERS)."""
    return _names_a_secret(name)


def _names_a_secret(name: str) -> bool:
    """False for names that hold something *about* a secret (TOKEN_URL, password_hash) or a Django lookup."""
    if "__" in name.strip("_"):
        return False  # a Django lookup: password__startswith="pbkdf2"
    words = _name_words(name)
    return not (words and (words[-1] in _NOT_SECRET_SUFFIXES or "_".join(words[-2:]) in _NOT_SECRET_SUFFIXES))


# The names whose every value is a secret, whatever it looks like (the redactor's rule, not a finding's).
_PASSWORD_WORDS = frozenset({"password", "passwd", "passphrase", "pass", "pwd", "pw", "secret", "passwords",
                             "secrets", "pword"})
_SHELL_DIRECTORY_NAMES = frozenset({"PWD", "OLDPWD"})  # the shell's current folder, not a password
_NOT_A_VALUE = frozenset({"none", "null", "nil", "true", "false", "undefined", "self", "required", "optional"})


def _is_weak_secret(name: str, value: str, bare: bool) -> bool:
    """A password-like name's value that the entropy rules let pass (``pw = "hunter2"``,
    ``password: changeme2024``): the redactor removes it anyway. Code is not: an unquoted identifier
    (``password = other_variable``), a template or an environment reference."""
    if name.upper() in _SHELL_DIRECTORY_NAMES or not _names_a_secret(name):
        return False
    words = _name_words(name)
    if not any(word in _PASSWORD_WORDS or word.startswith(("password", "passwd")) for word in words):
        return False
    stripped = value.strip()
    if not stripped or stripped.lower() in _NOT_A_VALUE or _is_template(stripped) or _PASSWORD_HASH.match(stripped):
        return False
    if not any(c.isalnum() for c in stripped) or (" " in stripped and "passphrase" not in name.lower()):
        return False
    # other_variable, self.password, getPassword: code, not a value
    return not (bare and (_WORDS_JOINED.fullmatch(stripped) or stripped.startswith(("$", "%"))))


def _assignment_rule(name: str, value: str) -> tuple[Rule, str] | None:
    """Which rule an assignment of ``value`` to ``name`` falls under, or None when it is no secret."""
    if not _names_a_secret(name):
        return None
    segment = re.split(r"[.\[\]\"']", name.strip("\"'[]"))
    last = next((part for part in reversed(segment) if part), name).upper()
    if last in _FRAMEWORK_KEY_NAMES:
        return None if _is_template(value) else (FRAMEWORK_KEY, "framework-secret-key")
    if _is_placeholder(value) or _PASSWORD_HASH.match(value) or not _looks_random(value):
        return None  # a password *hash* is what should be stored; it is not the password
    upper = name.upper()
    if "AWS" in upper and "SECRET" in upper and _AWS_SECRET_VALUE.fullmatch(value):
        return AWS_SECRET_KEY, "aws-secret-access-key"
    if "TWILIO" in upper and _TWILIO_VALUE.fullmatch(value):
        return TWILIO_TOKEN, "twilio-auth-token"
    return GENERIC_SECRET, "secret-assignment"


def _is_template(value: str) -> bool:
    return bool(_TEMPLATE.search(value.strip()))


def _is_placeholder(value: str) -> bool:
    """Values that stand for a secret without being one: templates, env references, stock words."""
    stripped = value.strip()
    if not stripped or _is_template(stripped) or len(set(stripped)) <= 2:
        return True
    lowered = stripped.lower()
    return any(word in lowered for word in _PLACEHOLDER_WORDS)


def _looks_random(value: str) -> bool:
    """Long enough, varied enough and not an identifier or a path: what a generated secret looks like."""
    if len(value) < MIN_SECRET_LENGTH or any(c.isspace() for c in value):
        return False
    if _WORDS_JOINED.fullmatch(value) or value.isdigit():
        return False
    if "/" in value and not _AWS_SECRET_VALUE.fullmatch(value) and ("." in value or value.startswith("/")):
        return False  # a path or URL
    if "." in value and _IDENTIFIER.fullmatch(value):
        return False  # a dotted import path: django.contrib.auth.hashers.PBKDF2PasswordHasher
    classes = sum((
        any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value),
        any(not c.isalnum() for c in value),
    ))
    if classes < 2:
        return False
    return shannon_entropy(value) >= min(ENTROPY_THRESHOLD, 0.85 * math.log2(len(value)))


# ---------------------------------------------------------------------------------------------------------
# The analyzer
# ---------------------------------------------------------------------------------------------------------

_TEST_PATH = re.compile(
    r"(^|/)(tests?|testing|fixtures?|docs?|examples?)/|(^|/)(test_[^/]*|[^/]*_tests?\.py|conftest\.py)$"
)
_SHELL_CELL_MAGICS = ("%%bash", "%%sh", "%%script", "%%writefile", "%%file", "%%capture")
_FIX_LITERAL_START = re.compile(r"[rRbBuU]{0,2}([\"'])$")
_TARGET_BEFORE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[\"']?\]?\s*(?::[^=]*)?[=:]\s*[rRbBuU]{0,2}[\"']$")
_DEFAULT_ENV_NAMES = {
    "aws-access-key-id": "AWS_ACCESS_KEY_ID", "aws-secret-access-key": "AWS_SECRET_ACCESS_KEY",
    "github-token": "GITHUB_TOKEN", "slack-token": "SLACK_BOT_TOKEN", "slack-webhook": "SLACK_WEBHOOK_URL",
    "stripe-live-key": "STRIPE_SECRET_KEY", "stripe-test-key": "STRIPE_SECRET_KEY",
    "google-api-key": "GOOGLE_API_KEY", "google-oauth-client-secret": "GOOGLE_CLIENT_SECRET",
    "anthropic-api-key": "ANTHROPIC_API_KEY", "openai-api-key": "OPENAI_API_KEY",
    "sendgrid-api-key": "SENDGRID_API_KEY", "npm-token": "NPM_TOKEN", "pypi-token": "PYPI_TOKEN",
    "huggingface-token": "HF_TOKEN", "twilio-auth-token": "TWILIO_AUTH_TOKEN", "database-url": "DATABASE_URL",
    "framework-secret-key": "SECRET_KEY",
}
EVIDENCE_WIDTH = 160


@register_analyzer
class SecretsAnalyzer(Analyzer):
    """Hardcoded credentials in code, config, notebook cells and notebook outputs (BMB201–BMB249)."""

    name = ANALYZER
    per_file = True
    version = "1"

    def analyze(self, context: Context, sources: list[Source], config: AnalyzerConfig) -> list[Finding]:
        findings = []
        for source in sources:
            for finding in scan_source(source):
                if config.enabled(finding.rule):
                    findings.append(finding)
        return findings


def scan_source(source: Source) -> list[Finding]:
    """Findings for one source: a notebook's cells and outputs one by one, any other file as a whole."""
    if source.kind == "notebook" and source.cells:
        findings = []
        for cell in source.cells:
            findings.extend(_scan_cell(source, cell))
        return findings
    return [
        finding for finding in _scan_text(
            source, source.text, source.is_python,
            lambda line: source.locate(line),
        )
        if finding is not None
    ]


def _scan_cell(source: Source, cell: Cell) -> list[Finding]:
    python = cell.cell_type == "code" and not cell.source.lstrip().startswith(_SHELL_CELL_MAGICS)
    findings = [
        f for f in _scan_text(source, cell.source, python, lambda line: source.cell_location(cell, line))
        if f is not None
    ]
    for output in cell.outputs_text:
        for finding in _scan_text(source, output, False, lambda line: source.cell_location(cell)):
            if finding is not None:
                findings.append(_as_output_finding(finding, cell))
    return findings


def _scan_text(
    source: Source, text: str, python: bool, locate: Callable[[int], Location | None],
) -> Iterator[Finding | None]:
    found = find_secrets(text, python=python)
    matches = [m for m in found if not m.example]
    if not matches:
        return
    masked_lines = mask_secrets(text, found).splitlines()
    in_tests = is_test_path(source.path)
    for match in matches:
        location = locate(match.line)
        if location is None:
            continue
        rule = RULES.get(match.rule)
        assert rule is not None
        severity = match.severity
        if in_tests and (severity is not Severity.critical or match.kind == "private-key"):
            severity = Severity.low  # fixtures and documentation; a provider key stays critical anywhere
        title = f"{rule.title} assigned to {match.name}" if match.name else rule.title
        yield _finding(
            rule, location, severity, _evidence(masked_lines, text, match),
            _fix(text, match, found) if python else None, title,
        )


def _finding(
    rule: Rule, location: Location, severity: Severity, evidence: str, fix: Fix | None, title: str,
) -> Finding:
    # built here rather than with make_finding: cell sources and outputs are located by cell, not by a
    # virtual line, and the evidence must be the masked line, never the raw one
    return Finding(
        rule=rule.code, title=title, severity=severity, category=rule.category, location=location,
        evidence=evidence, why=rule.why, recommendation=rule.recommendation, fix=fix, analyzer=rule.analyzer,
        references=list(rule.references),
    )


def _as_output_finding(finding: Finding, cell: Cell) -> Finding:
    noun = _NOUNS.get(finding.rule, "secret")
    references = list(dict.fromkeys([*finding.references, CWE_CLEARTEXT_STORAGE]))
    return finding.model_copy(update={
        "title": f"{noun[0].upper()}{noun[1:]} in the output of cell {cell.index}",
        "recommendation": (finding.recommendation or "") + OUTPUT_RECOMMENDATION,
        "references": references,
        "fix": None,
    })


def _evidence(masked_lines: list[str], text: str, match: SecretMatch) -> str:
    """The masked line, cut to a window around the secret when the line is long (minified files)."""
    line = masked_lines[match.line - 1] if match.line <= len(masked_lines) else ""
    if len(line) <= EVIDENCE_WIDTH:
        return line.strip()
    column = match.start - (text.rfind("\n", 0, match.start) + 1)
    begin = max(0, min(column - EVIDENCE_WIDTH // 3, len(line) - EVIDENCE_WIDTH))
    return ("…" if begin else "") + line[begin:begin + EVIDENCE_WIDTH].strip() + "…"


def _fix(text: str, match: SecretMatch, others: list[SecretMatch]) -> Fix | None:
    """For a secret that is a whole Python string literal: the same line reading it from the environment.

    Any other secret on the line is masked in the fix too: the fix is shown and stored like the evidence.
    """
    line_start = text.rfind("\n", 0, match.start) + 1
    line_end = text.find("\n", match.end)
    line = text[line_start:len(text) if line_end == -1 else line_end]
    before = text[line_start:match.start]
    opening = _FIX_LITERAL_START.search(before)
    if not opening or text[match.end:match.end + 1] != opening.group(1) or "\n" in text[match.start:match.end]:
        return None
    env_name = _env_name(match, before)
    after = text[match.end + 1:len(text) if line_end == -1 else line_end]
    code = f'{before[:opening.start()]}os.environ["{env_name}"]{after}'
    for other in others:
        value = other.value(text)
        if other is not match and value in code:
            code = code.replace(value, _display_mask(other.kind, value))
    if code.strip() == line.strip():
        return None
    return Fix(
        description=f"Read it from the environment (import os; set {env_name} outside the repository, "
        "e.g. in a git-ignored .env file or your secret manager), then rotate the exposed value.",
        code=code,
    )


def _env_name(match: SecretMatch, before: str) -> str:
    if match.name:
        words = _name_words(match.name)
        if words:
            return "_".join(words).upper()
    target = _TARGET_BEFORE.search(before)
    if target and match.kind not in ("database-url", "url-credentials"):
        return "_".join(_name_words(target.group(1))).upper() or target.group(1).upper()
    return _DEFAULT_ENV_NAMES.get(match.kind, "SECRET")


def is_test_path(path: str) -> bool:
    """Tests, fixtures and documentation, where findings other than provider keys are downgraded to low."""
    return bool(_TEST_PATH.search(PurePosixPath(path.replace("\\", "/")).as_posix()))
