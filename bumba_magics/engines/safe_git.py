"""Git for the agent's read-only looks, run so that a repository's own configuration cannot run a program.

A repository's ``.git/config`` travels with it (an unpacked archive, a shared folder, a downloaded
notebook project), and git runs what such a config names: a ``filter.<driver>.clean`` that
``.gitattributes`` selects on ``git diff`` / ``git blame``, a ``diff.<driver>.textconv`` on blame, a
``gpg.program`` on ``git log`` when ``log.showSignature`` is on, the ``post-index-change`` hook when
``git diff`` refreshes the index, a lazy fetch's transport in a partial clone.

How (measured on git 2.39): before each command ``git config --list
--show-scope`` (includes followed) lists what is configured; every key of the repository's own scopes
that names a program (:data:`REPOSITORY_COMMANDS`, the keys git-config(1) and gitattributes(5) describe
as running a command) is overridden with a value that runs nothing, and keys that name a file whose
lines git echoes in its errors (``blame.ignoreRevsFile``, ``core.attributesFile``) must name a regular
file inside the root. :data:`ALWAYS` is overridden whatever its origin (hooks, fsmonitor, pager,
signatures, every transport). Overrides go in ``GIT_CONFIG_COUNT`` / ``GIT_CONFIG_KEY_n`` /
``GIT_CONFIG_VALUE_n``: the command-line scope, read last so it wins, passed to any git a git starts,
and — unlike ``-c key=value`` — never split at an ``=`` inside a driver's name. The work tree is pinned
to the folder holding ``.git`` (``core.worktree`` cannot point the diff at ``/etc``), and no ``GIT_*``
variable of ours leaks in (``GIT_DIR`` from a hook, ``GIT_EXTERNAL_DIFF``).

Why not a pure-Python reader (dulwich): git's own porcelain gives the output users and models know
(rename detection, blame's line moves, ``--date``), and the output must not change for normal
repositories. The user's own system and global config stay in effect (``safe.directory`` is honoured
only there, and e.g. git-lfs's filter lives there): only the repository's config is untrusted.
The discovery costs one extra ``git config`` process per call (2-3 ms).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..context.confine import Refused, confine

TIMEOUT = 15

# Overridden on every call, wherever the setting came from.
ALWAYS: dict[str, str] = {
    "core.hooksPath": "/dev/null",  # `git diff` runs post-index-change when it refreshes the index
    "core.fsmonitor": "false",  # a hook path, run on every index refresh
    "core.pager": "cat",  # with --no-pager and a pipe for stdout git pages nothing; belt and braces
    "log.showSignature": "false",  # verifying a signed commit runs gpg.program / gpg.<format>.program
    "protocol.allow": "never",  # a partial clone's lazy fetch runs a transport (ext::, a remote helper)
    "protocol.ext.allow": "never",
    "protocol.file.allow": "never",
    "safe.bareRepository": "explicit",  # a project folder shaped like a bare repository is not one
    "gc.auto": "0",  # no command we run auto-gcs; if one did, the pre-auto-gc hook would run
    "maintenance.auto": "false",
    "credential.helper": "",  # an empty helper resets the list; no command we run asks for credentials
    "core.alternateRefsCommand": "",
    "uploadpack.packObjectsHook": "",
}

# (section, name) of every key that names a program, in any subsection (filter.<driver>.clean,
# credential.<url>.helper) or none (gpg.program): git-config(1) and gitattributes(5) of git 2.39.
# A key of the repository's scopes matching one is overridden with the value beside it.
REPOSITORY_COMMANDS: dict[tuple[str, str], str] = {
    ("filter", "clean"): "", ("filter", "smudge"): "", ("filter", "process"): "",
    ("diff", "textconv"): "", ("diff", "command"): "", ("diff", "cachetextconv"): "false",
    ("diff", "external"): "", ("diff", "tool"): "", ("diff", "guitool"): "",
    ("difftool", "cmd"): "", ("difftool", "path"): "",
    ("merge", "driver"): "", ("merge", "tool"): "", ("merge", "guitool"): "",
    ("mergetool", "cmd"): "", ("mergetool", "path"): "",
    ("gpg", "program"): "", ("gpg", "defaultkeycommand"): "",
    ("core", "pager"): "cat", ("core", "editor"): "", ("core", "askpass"): "", ("core", "sshcommand"): "",
    ("core", "gitproxy"): "", ("core", "fsmonitor"): "false", ("core", "hookspath"): "/dev/null",
    ("core", "alternaterefscommand"): "",
    ("sequence", "editor"): "", ("interactive", "difffilter"): "",
    ("credential", "helper"): "",
    ("http", "proxy"): "", ("remote", "proxy"): "", ("remote", "vcs"): "",
    ("remote", "uploadpack"): "", ("remote", "receivepack"): "",
    ("protocol", "allow"): "never",
    ("uploadpack", "packobjectshook"): "",
    ("sendemail", "smtpserver"): "", ("sendemail", "sendmailcmd"): "", ("sendemail", "tocmd"): "",
    ("sendemail", "cccmd"): "", ("sendemail", "headercmd"): "",
    ("imap", "tunnel"): "",
    ("man", "cmd"): "", ("man", "path"): "", ("man", "viewer"): "",
    ("browser", "cmd"): "", ("browser", "path"): "", ("web", "browser"): "", ("help", "browser"): "",
    ("instaweb", "browser"): "", ("instaweb", "httpd"): "",
    ("guitool", "cmd"): "",
    ("submodule", "update"): "none",
}
# Every key of the pager section names a pager (pager.log = "sh -c ...").
_ALL_OF_SECTION = {"pager": "false"}
# Keys naming a file git reads and, when a line does not parse, quotes back in its error message
# ("fatal: invalid object name: <the file's first line>"): kept only when the file lies inside the root.
# blame.ignoreRevsFile repeats, and git keeps its values sorted, so an empty value resets nothing: blame
# gets --no-ignore-revs-file and the files kept instead (see Neutralised.ignore_revs).
REPOSITORY_FILES: dict[tuple[str, str], str] = {
    ("core", "attributesfile"): "/dev/null",
}
_IGNORE_REVS = "blame.ignorerevsfile"
# the user's own, and ours ("command": the overrides themselves; no GIT_CONFIG_* of the caller's gets in).
# "local", "worktree" and the files they include are the project's.
_TRUSTED_SCOPES = frozenset({"system", "global", "command"})


class GitError(Exception):
    """Git failed, was refused, or took too long; the message says which, for the model."""


@dataclass
class Neutralised:
    """What a git command is run with: the config overrides, and blame's ignore-revs files (None: as
    configured, since the repository set none)."""

    pairs: list[tuple[str, str]]
    ignore_revs: list[str] | None = None


def split_key(key: str) -> tuple[str, str, str | None]:
    """(section, name, subsection) of a config key as `git config --list` prints it (section and name
    lower-cased, the subsection as written, and it may hold dots)."""
    section, _, rest = key.partition(".")
    subsection, _, name = rest.rpartition(".")
    return section.lower(), name.lower(), subsection or None


def work_tree(root: Path) -> Path:
    """The folder holding ``.git`` at or above ``root``: where git itself would find the repository."""
    for folder in (root, *root.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    raise GitError("not inside a git repository")


def _environment() -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    environment.update(GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat", GIT_OPTIONAL_LOCKS="0",
                       GIT_NO_LAZY_FETCH="1")  # the last one: gits from 2.45 on refuse lazy fetches outright
    return environment


def _run(command: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=TIMEOUT,
                              check=False, env=environment, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git took longer than {TIMEOUT} s") from None


def configured(base: list[str], environment: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """(scope, key, value) of every setting git sees here, include files followed."""
    done = _run([*base, "config", "--list", "--show-scope", "--null"], environment)
    if done.returncode != 0:
        raise GitError(f"git: {done.stderr.strip()[:500] or 'cannot read the configuration'}")
    fields = done.stdout.split("\0")
    entries = []
    for scope, entry in zip(fields[0::2], fields[1::2], strict=False):
        key, newline, value = entry.partition("\n")
        entries.append((scope, key, value if newline else None))
    return entries


def overrides(entries: list[tuple[str, str, str | None]], root: Path, top: Path) -> Neutralised:
    """What leaves the repository's configuration nothing to run and no file outside the root to quote."""
    result = dict(ALWAYS)
    files: dict[str, list[str]] = {}
    ignore_revs: list[str] = []
    ignore_revs_untrusted = False
    for scope, key, value in entries:
        if key.lower() == _IGNORE_REVS:
            kept = value if scope in _TRUSTED_SCOPES else _inside(value or "", root, top)
            ignore_revs += [kept] if kept else []
            ignore_revs_untrusted |= scope not in _TRUSTED_SCOPES
            continue
        if scope in _TRUSTED_SCOPES:
            continue
        section, name, _ = split_key(key)
        if section in _ALL_OF_SECTION:
            result[key] = _ALL_OF_SECTION[section]
        elif (section, name) in REPOSITORY_COMMANDS:
            result[key] = REPOSITORY_COMMANDS[section, name]
            if section == "filter":  # a required filter that no longer runs would fail the command
                result[key.rpartition(".")[0] + ".required"] = "false"
        elif (section, name) in REPOSITORY_FILES:
            files.setdefault(key, []).append(value or "")
    pairs = list(result.items())
    for key, values in files.items():
        section, name, _ = split_key(key)
        pairs.append((key, REPOSITORY_FILES[section, name]))  # nothing, or the last value inside the root
        pairs += [(key, kept) for kept in (_inside(v, root, top) for v in values) if kept is not None]
    return Neutralised(pairs, ignore_revs if ignore_revs_untrusted else None)


def _inside(value: str, root: Path, top: Path) -> str | None:
    if not value:
        return None
    path = Path(os.path.expanduser(value))
    try:
        return str(confine(path if path.is_absolute() else top / path, root).path)
    except Refused:
        return None


def run_git(root: Path, *args: str) -> str:
    """``git args`` in ``root``'s repository with the repository's programs neutralised; its output."""
    top = work_tree(root)
    base = ["git", "--no-pager", "-C", str(root), f"--work-tree={top}"]
    environment = _environment()
    # the overrides of ALWAYS apply to the discovery too (safe.bareRepository among them)
    discovery = dict(environment, **_config_environment(list(ALWAYS.items())))
    neutralised = overrides(configured(base, discovery), root, top)
    if args and args[0] == "blame" and neutralised.ignore_revs is not None:
        args = ("blame", "--no-ignore-revs-file", *(f"--ignore-revs-file={f}" for f in neutralised.ignore_revs),
                *args[1:])
    done = _run([*base, *args], dict(environment, **_config_environment(neutralised.pairs)))
    if done.returncode != 0:
        raise GitError(f"git: {done.stderr.strip()[:500] or 'failed'}")
    return done.stdout


def _config_environment(pairs: list[tuple[str, str]]) -> dict[str, str]:
    environment = {"GIT_CONFIG_COUNT": str(len(pairs))}
    for index, (key, value) in enumerate(pairs):
        environment[f"GIT_CONFIG_KEY_{index}"] = key
        environment[f"GIT_CONFIG_VALUE_{index}"] = value
    return environment
