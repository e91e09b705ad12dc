"""The agent's git tools never run a program a repository's configuration names.

A repository's ``.git/config`` travels with an unpacked archive or a shared folder. For every key that
git-config(1) and gitattributes(5) of git 2.39 describe as running a command, a copy of one real
repository (a committed file, a modified file, commits signed with an OpenPGP, an SSH and an X.509
signature, and a ``.gitattributes`` selecting the drivers) gets that key set to a program that records
that it ran; git_log, git_blame and git_diff are called every way a model can call them, and no program
may have run, while every answer stays what it is for the same repository without the key.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from bumba_magics.engines.claude.tools import ToolBox
from bumba_magics.engines.safe_git import REPOSITORY_COMMANDS, split_key

EMAIL = "tess@example.com"
SIGNATURES = {
    "openpgp": "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEEAAAAAAAAAAAAAAAAAAAAAAAAAAAFAmAAAAA=\n=AAAA\n"
                "-----END PGP SIGNATURE-----",
    "ssh": "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg\n-----END SSH SIGNATURE-----",
    "x509": "-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEF\n"
            "-----END SIGNED MESSAGE-----",
}
# every way the model can call the three tools: with and without a path or a ref, on the committed and
# the modified file
CALLS = [
    ("git_log", {}),
    ("git_log", {"path": "code.py", "limit": 10}),
    ("git_blame", {"path": "code.py"}),
    ("git_blame", {"path": "data.txt", "start_line": 1, "end_line": 2}),
    ("git_diff", {}),
    ("git_diff", {"ref": "HEAD~3"}),
    ("git_diff", {"ref": "HEAD~1", "path": "code.py"}),
]
PROGRAM = "@program@"  # in a row's value: the recording program's path
SHOW_SIGNATURES = (("log.showSignature", "true"),)

# (key, value, more settings it needs to be reached). Values are the recording program unless shown.
KEYS: list[tuple[str, str, tuple[tuple[str, str], ...]]] = [
    # gitattributes(5): filter, diff and merge drivers, selected by `* filter=evil diff=evil merge=evil`
    ("filter.evil.clean", PROGRAM, ()),
    ("filter.evil.smudge", PROGRAM, ()),
    ("filter.evil.process", PROGRAM, ()),
    ("filter.evil.clean", PROGRAM, (("filter.evil.required", "true"),)),
    ("diff.evil.textconv", PROGRAM, ()),
    ("diff.evil.textconv", PROGRAM, (("diff.evil.cachetextconv", "true"),)),
    ("diff.evil.command", PROGRAM, ()),
    ("merge.evil.driver", PROGRAM, ()),
    # git-config(1)
    ("diff.external", PROGRAM, ()),
    ("difftool.evil.cmd", PROGRAM, (("diff.tool", "evil"), ("diff.guitool", "evil"))),
    ("difftool.evil.path", PROGRAM, (("diff.tool", "evil"),)),
    ("mergetool.evil.cmd", PROGRAM, (("merge.tool", "evil"), ("merge.guitool", "evil"))),
    ("mergetool.evil.path", PROGRAM, (("merge.tool", "evil"),)),
    ("gpg.program", PROGRAM, SHOW_SIGNATURES),
    ("gpg.openpgp.program", PROGRAM, SHOW_SIGNATURES),
    ("gpg.x509.program", PROGRAM, SHOW_SIGNATURES),
    ("gpg.ssh.program", PROGRAM, (*SHOW_SIGNATURES, ("gpg.ssh.allowedSignersFile", "@signers@"))),
    ("gpg.ssh.defaultKeyCommand", PROGRAM, (*SHOW_SIGNATURES, ("gpg.format", "ssh"))),
    ("core.fsmonitor", PROGRAM, ()),
    ("core.hooksPath", "@hooks@", ()),
    ("core.pager", PROGRAM, ()),
    ("pager.log", PROGRAM, ()),
    ("pager.blame", PROGRAM, ()),
    ("pager.diff", PROGRAM, ()),
    ("core.editor", PROGRAM, ()),
    ("sequence.editor", PROGRAM, ()),
    ("core.askPass", PROGRAM, ()),
    ("core.sshCommand", PROGRAM, ()),
    ("core.gitProxy", PROGRAM, ()),
    ("core.alternateRefsCommand", PROGRAM, ()),
    ("credential.helper", "!@program@", ()),
    ("credential.https://example.com.helper", "!@program@", ()),
    ("interactive.diffFilter", PROGRAM, ()),
    ("sendemail.smtpServer", PROGRAM, ()),
    ("sendemail.sendmailCmd", PROGRAM, ()),
    ("sendemail.toCmd", PROGRAM, ()),
    ("sendemail.ccCmd", PROGRAM, ()),
    ("sendemail.headerCmd", PROGRAM, ()),
    ("imap.tunnel", PROGRAM, ()),
    ("man.evil.cmd", PROGRAM, (("man.viewer", "evil"),)),
    ("man.evil.path", PROGRAM, (("man.viewer", "evil"),)),
    ("browser.evil.cmd", PROGRAM, (("web.browser", "evil"), ("help.browser", "evil"))),
    ("browser.evil.path", PROGRAM, (("instaweb.browser", "evil"),)),
    ("instaweb.httpd", PROGRAM, ()),
    ("guitool.evil.cmd", PROGRAM, ()),
    ("submodule.evil.update", "!@program@", ()),
    ("alias.log", "!@program@", ()),  # git never lets an alias hide a command it has; checked all the same
    ("alias.diff", "!@program@", ()),
    ("alias.blame", "!@program@", ()),
]
# Network keys (remote.<name>.vcs / uploadpack / receivepack / proxy, http.proxy, protocol.<name>.allow)
# run something only on a fetch: test_a_partial_clone_never_fetches covers them.


def git(repo: Path, *args: str, input: str | None = None) -> str:
    done = subprocess.run(["git", "-c", f"user.email={EMAIL}", "-c", "user.name=Tess", "-C", str(repo), *args],
                          capture_output=True, text=True, input=input, check=True)
    return done.stdout.strip()


def commit_signed(repo: Path, message: str, signature: str) -> None:
    """A commit object carrying a signature header, as `git commit -S` writes one (no key needed)."""
    tree, parent = git(repo, "write-tree"), git(repo, "rev-parse", "HEAD")
    header = "gpgsig " + signature.replace("\n", "\n ")
    body = (f"tree {tree}\nparent {parent}\nauthor Tess <{EMAIL}> 1700000000 +0000\n"
            f"committer Tess <{EMAIL}> 1700000000 +0000\n{header}\n\n{message}\n")
    git(repo, "update-ref", "HEAD", git(repo, "hash-object", "-t", "commit", "-w", "--stdin", input=body))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("template") / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitattributes").write_text("* filter=evil diff=evil merge=evil\n")
    (repo / "code.py").write_text("def first():\n    return 1\n")
    (repo / "data.txt").write_text("alpha\nbeta\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first commit")
    for kind, signature in SIGNATURES.items():
        with (repo / "code.py").open("a") as code:
            code.write(f"\n\ndef signed_{kind}():\n    return '{kind}'\n")
        git(repo, "add", "code.py")
        commit_signed(repo, f"signed with {kind}", signature)
    with (repo / "code.py").open("a") as code:
        code.write("\n\ndef changed():\n    return 'not committed'\n")
    return repo


@pytest.fixture
def program(tmp_path) -> tuple[Path, Path]:
    """A program that records each run in a log, then passes its input (or the file it is given) through,
    so a run that is not stopped still looks like success; and the log."""
    log = tmp_path / "ran.log"
    script = tmp_path / "bin" / "record"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> {log}\nif [ -f "$1" ]; then cat "$1"; else cat; fi\n')
    script.chmod(0o755)
    return script, log


def answers(root: Path) -> list[tuple[str, bool]]:
    toolbox = ToolBox(root=root)
    return [toolbox.call(name, dict(arguments)) for name, arguments in CALLS]


@pytest.fixture
def baseline(template, tmp_path) -> list[tuple[str, bool]]:
    clean = tmp_path / "clean"
    shutil.copytree(template, clean, symlinks=True)
    return answers(clean)


def hostile_copy(template: Path, tmp_path: Path, program: Path, settings: list[tuple[str, str]]) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(template, repo, symlinks=True)
    hooks = tmp_path / "hooks"
    hooks.mkdir(exist_ok=True)
    for hook in ("post-index-change", "reference-transaction", "pre-auto-gc", "post-checkout"):
        shutil.copy(program, hooks / hook)
    signers = tmp_path / "allowed_signers"
    signers.write_text(f"{EMAIL} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n")
    for key, value in settings:
        value = value.replace(PROGRAM, str(program)).replace("@hooks@", str(hooks))
        value = value.replace("@signers@", str(signers))
        # written into the file directly: the setup itself runs no git that would read it
        subprocess.run(["git", "config", "--file", str(repo / ".git" / "config"), "--add", key, value], check=True)
    return repo


def assert_nothing_ran(log: Path, got, baseline) -> None:
    assert not log.exists(), f"a configured program ran:\n{log.read_text()}"
    for (output, is_error), (expected, _) in zip(got, baseline, strict=True):
        assert not is_error, output
        assert output == expected


def test_the_baseline_answers_are_real_answers(baseline):
    log, by_path, blame, blame_range, diff, since, since_path = (output for output, _ in baseline)
    assert not any(is_error for _, is_error in baseline)
    assert "Tess: first commit" in log and "Tess: signed with ssh" in log and by_path.count("\n") == 4
    assert "Not Committed Yet" in blame and "return 'not committed'" in blame
    assert blame_range.count("\n") == 2 and "alpha" in blame_range
    assert "+    return 'not committed'" in diff and "+def signed_openpgp():" in since
    assert since_path.startswith("diff --git a/code.py b/code.py")


@pytest.mark.parametrize(("key", "value", "needs"), KEYS, ids=[f"{k}{'+' if n else ''}" for k, _, n in KEYS])
def test_no_configured_program_runs(template, tmp_path, program, baseline, key, value, needs):
    script, log = program
    repo = hostile_copy(template, tmp_path, script, [(key, value), *needs])
    assert_nothing_ran(log, answers(repo), baseline)


def test_the_repositorys_own_hooks_never_run(template, tmp_path, program, baseline):
    script, log = program
    repo = hostile_copy(template, tmp_path, script, [])
    for hook in ("post-index-change", "reference-transaction", "pre-auto-gc", "fsmonitor-watchman"):
        shutil.copy(script, repo / ".git" / "hooks" / hook)
    assert_nothing_ran(log, answers(repo), baseline)


def test_every_key_and_all_of_them_at_once(template, tmp_path, program, baseline):
    script, log = program
    repo = hostile_copy(template, tmp_path, script, [(k, v) for k, v, needs in KEYS] +
                        [pair for _, _, needs in KEYS for pair in needs])
    assert_nothing_ran(log, answers(repo), baseline)


@pytest.mark.parametrize("how", ["include.path", "includeIf.gitdir", "includeIf.onbranch"])
def test_settings_pulled_in_by_an_include_are_neutralised_too(template, tmp_path, program, baseline, how):
    script, log = program
    included = tmp_path / "evil.cfg"
    included.write_text(f'[filter "evil"]\n\tclean = {script}\n[diff "evil"]\n\ttextconv = {script}\n'
                        f'[gpg]\n\tprogram = {script}\n[log]\n\tshowSignature = true\n'
                        f'[core]\n\tfsmonitor = {script}\n\thooksPath = {tmp_path / "hooks"}\n')
    condition = {"include.path": "include.path", "includeIf.gitdir": f"includeIf.gitdir:{tmp_path}/.path",
                 "includeIf.onbranch": "includeIf.onbranch:main.path"}[how]
    repo = hostile_copy(template, tmp_path, script, [(condition, str(included))])
    assert_nothing_ran(log, answers(repo), baseline)


def test_the_table_covers_every_key_the_tests_set():
    """Each documented key the tests plant is one the sandbox knows (or a pager, or an alias)."""
    for key, _, needs in KEYS:
        for name in (key, *(k for k, _ in needs)):
            section, field, _ = split_key(name)
            if section in ("pager", "alias") or name in ("log.showSignature", "gpg.format") or \
                    name.endswith((".allowedSignersFile", ".required")):
                continue
            assert (section, field) in REPOSITORY_COMMANDS, name


# ---------------------------------------------------------------------------------- not commands, escapes


def test_core_worktree_cannot_point_the_tools_at_another_folder(template, tmp_path, program, baseline):
    script, log = program
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "code.py").write_text("SECRET = 'from another folder'\n")
    (elsewhere / "data.txt").write_text("SECRET\n")
    repo = hostile_copy(template, tmp_path, script, [("core.worktree", str(elsewhere))])
    got = answers(repo)
    assert all("another folder" not in output for output, _ in got)
    assert_nothing_ran(log, got, baseline)


def test_files_named_by_the_config_must_lie_inside_the_root(template, tmp_path, program, baseline):
    script, log = program
    outside = tmp_path / "outside.txt"
    outside.write_text("token s3cr3t/outside-value\n")
    repo = hostile_copy(template, tmp_path, script, [("blame.ignoreRevsFile", str(outside)),
                                                     ("core.attributesFile", str(outside))])
    got = answers(repo)
    failed, is_error = ToolBox(root=repo).call("git_diff", {"ref": "no-such-ref"})
    assert is_error and "no-such-ref" in failed
    assert all("s3cr3t" not in output for output, _ in [*got, (failed, True)])  # git quotes such lines
    assert_nothing_ran(log, got, baseline)


def test_an_ignore_revs_file_inside_the_repository_is_still_honoured(template, tmp_path, program):
    script, _ = program
    repo = hostile_copy(template, tmp_path, script, [("blame.ignoreRevsFile", ".git-blame-ignore-revs")])
    (repo / ".git-blame-ignore-revs").write_text(git(repo, "rev-parse", "HEAD~1") + "\n")
    expected = git(repo, "blame", "--date=short", "--", "data.txt")
    ours, is_error = ToolBox(root=repo).call("git_blame", {"path": "data.txt"})
    assert not is_error and ours.strip() == expected


def test_the_users_own_global_configuration_stays_in_effect(template, tmp_path, program, monkeypatch):
    """Only the repository is untrusted: a driver in the user's own config (git-lfs's filter) still runs."""
    script, log = program
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(f'[filter "evil"]\n\tclean = {script}\n')
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    repo = hostile_copy(template, tmp_path, script, [])
    output, is_error = ToolBox(root=repo).call("git_diff", {})
    assert not is_error and "+    return 'not committed'" in output
    assert log.exists()


class Listener:
    """A TCP port on 127.0.0.1 that counts the connections made to it (a proxy nobody may reach)."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


@pytest.fixture
def partial_clone(template, tmp_path) -> Path:
    """A partial clone missing a blob that HEAD~1 needs: reading it makes git fetch from its promisor."""
    repo = tmp_path / "partial"
    shutil.copytree(template, repo, symlinks=True)
    blob = git(repo, "rev-parse", "HEAD~3:code.py")
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    for key, value in [("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
                       ("remote.origin.promisor", "true")]:
        git(repo, "config", key, value)
    return repo


@pytest.mark.parametrize("settings", [
    [("remote.origin.url", "ext::@program@ %S"), ("protocol.ext.allow", "always")],
    [("remote.origin.url", "@program@ %S"), ("remote.origin.vcs", "ext"), ("protocol.ext.allow", "always")],
    [("remote.origin.url", "file://@elsewhere@"), ("remote.origin.uploadpack", "@program@"),
     ("protocol.file.allow", "always")],
    [("remote.origin.url", "ssh://example.com/repo"), ("core.sshCommand", "@program@")],
    [("remote.origin.url", "git://example.com/repo"), ("core.gitProxy", "@program@")],
    [("remote.origin.url", "http://example.com/repo"), ("http.proxy", "http://127.0.0.1:@port@")],
    [("remote.origin.url", "http://example.com/repo"), ("remote.origin.proxy", "http://127.0.0.1:@port@")],
], ids=["ext", "vcs", "uploadpack", "sshCommand", "gitProxy", "http.proxy", "remote.proxy"])
def test_a_partial_clone_never_fetches(partial_clone, template, program, settings):
    script, log = program
    listener = Listener()
    for key, value in settings:
        value = value.replace(PROGRAM, str(script)).replace("@elsewhere@", str(template))
        git(partial_clone, "config", key, value.replace("@port@", str(listener.port)))
    toolbox = ToolBox(root=partial_clone)
    output, is_error = toolbox.call("git_diff", {"ref": "HEAD~3"})
    assert is_error and "git:" in output  # the tool answers: the object is not there, and is not fetched
    assert not toolbox.call("git_log", {})[1]
    assert not log.exists(), log.read_text()
    assert listener.connections == 0
    listener.server.close()


def test_no_git_variable_of_the_callers_environment_gets_in(template, tmp_path, program, baseline, monkeypatch):
    script, log = program
    repo = hostile_copy(template, tmp_path, script, [])
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", str(script))
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", f"'diff.evil.textconv={script}'")
    assert_nothing_ran(log, answers(repo), baseline)
    assert os.environ["GIT_DIR"]  # ours is untouched: only git's children do without it


def test_a_review_records_the_commit_without_running_the_repositorys_programs(template, tmp_path, program,
                                                                               monkeypatch):
    from bumba_magics.review import review

    script, log = program
    repo = hostile_copy(template, tmp_path, script, [(k, v) for k, v, needs in KEYS] +
                        [pair for _, _, needs in KEYS for pair in needs])
    monkeypatch.setenv("BUMBA_STORE", str(tmp_path / "store.sqlite"))
    # as in a git hook, which runs with GIT_DIR set: the commit recorded is the reviewed repository's own
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "nowhere"))
    head = subprocess.run(["git", "-C", str(template), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True, env={"PATH": os.environ["PATH"]}).stdout.strip()
    report = review("scan", str(repo))
    assert report.run.git_commit == head
    assert not log.exists(), f"a configured program ran:\n{log.read_text()}"
