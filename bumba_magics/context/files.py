"""Collect the files a review reads: a file, a folder (respecting .gitignore / .bumbaignore) or a glob.

What the user names decides where a review may read: a folder, or a glob's fixed leading folders, is the
bound of what a scan finds there (the review root when the named place lies inside it), and every file
found must stay inside that bound — a link out of it, a pipe, a device is a skipped file with its reason.
A named file's own real path is its bound: naming ``users.txt`` that links elsewhere is asking for it, and
its real folder becomes the review root. With an explicit ``root`` (the agent's tools, a notebook's
repository) what is named must lie inside the root as well.
"""

from __future__ import annotations

import fnmatch
import glob
import io
import os
import re
import tokenize
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pathspec import GitIgnoreSpec

from .confine import OUTSIDE, Confinement, Refused, TooLarge, confine, inside, read_bytes
from .notebook import NOTEBOOK_MAX_BYTES, NotebookError, find_repository_root, notebook_source
from .source import Context, Source, SourceKind

# Folders no review wants: tool caches, virtualenvs, build output, vendored packages.
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules", "__pycache__", ".tox", ".nox",
        ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist", "site-packages", ".eggs",
        ".ipynb_checkpoints",
    }
)
IGNORE_FILES = (".gitignore", ".bumbaignore")

PYTHON_PATTERNS = ("*.py", "*.pyi", "*.pyw")
NOTEBOOK_PATTERNS = ("*.ipynb",)
# Files read for the secret scanner and the configuration checks (Dockerfiles, CI, settings).
CONFIG_PATTERNS = (
    ".env", ".env.*", "*.env", "*.yaml", "*.yml", "*.toml", "*.ini", "*.cfg", "*.conf", "*.json",
    "*.properties", "Dockerfile", "Dockerfile.*", "*.dockerfile", "docker-compose*", "*.sh", "*.bash",
    "*.tf", "*.tfvars", ".npmrc", ".pypirc", ".netrc", "*.pem", "*.key",
)
# Plain text: requirements files, and prose where keys get pasted (READMEs, notes).
TEXT_PATTERNS = ("*.txt", "*.md")
# Generated files that match the patterns above but hold nothing a person wrote.
GENERATED_NAMES = ("package-lock.json", "npm-shrinkwrap.json", "*.min.json")

BINARY_SNIFF_BYTES = 8192
IGNORE_FILE_MAX_BYTES = 1_000_000
GLOB_CHARACTERS = frozenset("*?[")


def _name_matcher(patterns: Iterable[str]) -> Callable[[str], re.Match[str] | None]:
    # one regex per kind: a folder scan asks this for every file name it meets. Case-sensitive, like
    # fnmatchcase: Dockerfile and dockerfile are different names on the systems this runs on.
    return re.compile("|".join(fnmatch.translate(pattern) for pattern in patterns)).match


_KIND_MATCHERS: tuple[tuple[SourceKind | None, Callable[[str], re.Match[str] | None]], ...] = (
    (None, _name_matcher(GENERATED_NAMES)),
    ("python", _name_matcher(PYTHON_PATTERNS)),
    ("notebook", _name_matcher(NOTEBOOK_PATTERNS)),
    ("config", _name_matcher(CONFIG_PATTERNS)),
    ("text", _name_matcher(TEXT_PATTERNS)),
)


def kind_for(name: str) -> SourceKind | None:
    """The Source kind a file name is read as, or None when reviews do not read such files."""
    for kind, matches in _KIND_MATCHERS:
        if matches(name):
            return kind
    return None


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` in posix form (``../`` when it lies outside the root)."""
    path_text, root_text = os.path.abspath(path), os.path.abspath(root)
    if path_text.startswith(root_text.rstrip(os.sep) + os.sep):  # the common case, without pathlib's cost
        relative = path_text[len(root_text.rstrip(os.sep)) + 1 :]
    else:
        relative = os.path.relpath(path_text, root_text)
    return relative.replace(os.sep, "/")


# ---------------------------------------------------------------------------------------------- ignores


class IgnoreRules:
    """.gitignore and .bumbaignore files, each applying to the folder that holds it and below."""

    def __init__(self, top: Path):
        # ignore files between the repository root and ``top`` apply too: scanning repo/src still skips
        # what repo/.gitignore excludes
        self.top = top
        self._specs: dict[Path, GitIgnoreSpec | None] = {}
        repository = find_repository_root(top)
        self.outermost = repository if repository is not None else top
        if self.outermost != top and self._named_folder_is_ignored(top):
            # the user named a folder the repository ignores (a vendored tree, a download cache): they asked
            # for it, so only the ignore files inside it apply
            self.outermost = top

    def _named_folder_is_ignored(self, top: Path) -> bool:
        chain = self.ancestors(top)
        return any(self.ignored(chain[depth], True, chain[:depth]) for depth in range(1, len(chain)))

    def spec(self, folder: Path) -> GitIgnoreSpec | None:
        """The combined rules of the ignore files in ``folder``, read once."""
        if folder not in self._specs:
            lines: list[str] = []
            for name in IGNORE_FILES:
                # read through read_bytes: a .gitignore that is a pipe must not hang the walk. Ignore files
                # only decide what is skipped and are never sent, so one may link anywhere
                path = folder / name
                try:
                    data = read_bytes(path, IGNORE_FILE_MAX_BYTES)
                except Refused:  # absent (the common case), or a link read_bytes does not follow
                    if not os.path.islink(path):
                        continue
                    try:
                        data = read_bytes(os.path.realpath(path), IGNORE_FILE_MAX_BYTES)
                    except Refused:
                        continue
                lines += data.decode("utf-8", errors="replace").splitlines()
            self._specs[folder] = GitIgnoreSpec.from_lines(lines) if lines else None
        return self._specs[folder]

    def ancestors(self, folder: Path) -> list[Path]:
        """The folders whose ignore files govern entries of ``folder``, outermost first."""
        try:
            parts = folder.relative_to(self.outermost).parts
        except ValueError:
            return [folder]
        chain = [self.outermost]
        for part in parts:
            chain.append(chain[-1] / part)
        return chain

    def ignored(self, path: Path, is_dir: bool, governing: list[Path]) -> bool:
        for folder in governing:
            spec = self.spec(folder)
            if spec is None:
                continue
            relative = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
            if spec.match_file(relative):
                return True
        return False

    def ignored_anywhere(self, path: Path) -> bool:
        """Whether ``path`` or any folder above it (up to the outermost ignore root) is excluded."""
        chain = self.ancestors(path.parent)
        for depth in range(1, len(chain)):
            folder = chain[depth]
            if folder.name in SKIP_DIRS or self.ignored(folder, True, chain[:depth]):
                return True
        return self.ignored(path, False, chain)


def _links_to_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:  # a link that loops (ELOOP) leads to no folder; the reader says why it is skipped
        return False


def walk(folder: Path, rules: IgnoreRules, wanted: Callable[[str], bool] = bool) -> Iterator[Path]:
    """Entries under ``folder`` whose name is ``wanted`` and that are not ignored; ignored folders are pruned
    before they are entered, which is what keeps a large repository fast.

    Everything that is not a folder is yielded as it was found — links, pipes, devices included — so the
    reader can :func:`~.confine.confine` it and say why it is skipped rather than pass it by in silence.
    """
    pending = [(folder, rules.ancestors(folder))]
    while pending:
        current, governing = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            # symlinked folders are not followed: they loop, or lead out of the project
            if entry.is_dir(follow_symlinks=False):
                path = Path(entry.path)
                if entry.name not in SKIP_DIRS and not rules.ignored(path, True, governing):
                    pending.append((path, [*governing, path]))
            elif wanted(entry.name) and not _links_to_folder(entry):
                path = Path(entry.path)
                if not rules.ignored(path, False, governing):
                    yield path


# ------------------------------------------------------------------------------------------- collecting


@dataclass
class _Collection:
    root: Path
    max_file_bytes: int
    sources: dict[str, Source] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    too_large: set[str] = field(default_factory=set)  # skipped code the review never read
    bounds: dict[Path, Confinement] = field(default_factory=dict)

    def add(self, path: Path, kind: SourceKind, named: bool, bound: Path) -> None:
        """Read ``path`` when it passes confinement to ``bound``, else note why it is skipped."""
        shown = display_path(path, self.root)
        if shown in self.sources or shown in self.skipped:
            return
        if bound not in self.bounds:
            self.bounds[bound] = Confinement(bound)
        try:
            real = self.bounds[bound].check(path).path
        except Refused as refusal:
            self.skipped[shown] = refusal.reason
            return
        try:
            source = read_source(real, shown, kind, self.max_file_bytes)
        except NotebookError as error:
            if named:
                raise
            self.skipped[shown] = f"not a readable notebook: {error.reason}"
        except SkippedFile as skip:
            self.skipped[shown] = skip.reason
            if skip.too_large:
                self.too_large.add(shown)
        else:
            self.sources[shown] = source

    def context(self) -> Context:
        context = Context(root=self.root)
        context.sources = [self.sources[key] for key in sorted(self.sources)]
        context.skipped = sorted(self.skipped.items())
        context.notes = [f"skipped {path}: {reason}" for path, reason in context.skipped]
        context.not_reviewed = [(path, reason) for path, reason in context.skipped if path in self.too_large]
        return context


class SkippedFile(Exception):
    """A file left out of the review, with the reason the report shows."""

    def __init__(self, reason: str, too_large: bool = False):
        self.reason = reason
        self.too_large = too_large  # code left out for its size (a gate fails), not a file that is no code
        super().__init__(reason)


def collect(
    targets: list[str] | str,
    root: Path | None = None,
    *,
    max_file_bytes: int = 1_000_000,
    extra_ignores: Iterable[str] = (),
) -> Context:
    """The Context for a file, a folder or a glob (or several): readable sources in a stable order."""
    names = [targets] if isinstance(targets, str) else list(targets)
    if not names:
        raise FileNotFoundError("nothing to review: no file, folder or glob given")
    # the real path: confinement compares real paths, and found files are shown relative to the root
    review_root = Path(os.path.realpath(root or _default_root(names)))
    extra = GitIgnoreSpec.from_lines(list(extra_ignores)) if extra_ignores else None
    collection = _Collection(review_root, max_file_bytes)
    for name in names:
        for path, kind, named, bound in _expand(name, review_root, root is not None):
            if extra is not None and not named and extra.match_file(display_path(path, review_root)):
                continue
            if kind is None:  # a folder a glob matched, through a link out of the bound
                collection.skipped.setdefault(display_path(path, review_root), OUTSIDE_FOLDER)
                continue
            collection.add(path, kind, named, bound)
    return collection.context()


def _default_root(names: list[str]) -> Path:
    """The folder itself, a file's real folder, or cwd for globs and several targets."""
    if len(names) == 1 and not _is_glob(names[0]):
        path = Path(names[0]).expanduser()
        if path.is_dir():
            return path
        if path.exists():
            return Path(os.path.realpath(path)).parent
    return Path.cwd()


def _is_glob(name: str) -> bool:
    return not Path(name).exists() and bool(GLOB_CHARACTERS & set(name))


# (file as found, kind — None for a folder refused whole —, named explicitly, the bound it must stay in)
_Expanded = tuple[Path, SourceKind | None, bool, Path]
OUTSIDE_FOLDER = "a folder whose link leads outside the review root"


def _expand(name: str, root: Path, rooted: bool) -> Iterator[_Expanded]:
    """What one target stands for, each file with the folder it must stay inside."""
    if _is_glob(name):
        yield from _expand_glob(name, root if rooted else Path.cwd(), root, rooted)
        return
    path = Path(name).expanduser()
    if not path.is_absolute() and rooted and not path.exists():
        path = root / path
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {name}")
    real = Path(os.path.realpath(path))
    if rooted and not inside(real, root):
        raise Refused(f"{name}: {OUTSIDE} {root}")
    if real.is_dir():
        bound = root if inside(real, root) else real
        yield from _found(walk(real, IgnoreRules(real), _is_reviewed), bound)
    else:
        # the file's own real path bounds it: the user named it (with a root, it lies inside, see above)
        yield real, kind_for(path.name) or _guess_kind(real), True, root if rooted else real


def _expand_glob(pattern: str, base: Path, root: Path, rooted: bool) -> Iterator[_Expanded]:
    # glob's ** does not enter hidden folders (.git, .venv, .tox), which keeps it fast; the ignore rules
    # then drop what a folder scan would skip
    pattern = os.path.expanduser(pattern)
    base = Path(os.path.realpath(base))
    matches = sorted(glob.glob(pattern, root_dir=base, recursive=True))
    if not matches:
        raise FileNotFoundError(f"no files match {pattern}")
    # the glob's fixed leading folders bound what it finds: `*.txt` stays in the folder it was run in,
    # `/srv/app/*.py` was asked to look in /srv/app
    start = _fixed_folder(pattern, base)
    bound = root if rooted or inside(start, root) else start
    rules = IgnoreRules(base)
    for match in matches:
        path = base / match  # as matched, not resolved: a link is judged (and shown) under its own name
        if path.is_dir():
            real = Path(os.path.realpath(path))
            if not inside(real, bound):
                yield path, None, False, bound
                continue
            found: Iterable[Path] = walk(real, IgnoreRules(real), _is_reviewed)
        else:
            found = [path] if _is_reviewed(path.name) and not rules.ignored_anywhere(path) else []
        yield from _found(found, bound)


def _fixed_folder(pattern: str, base: Path) -> Path:
    """The real folder a glob pattern starts from: its leading parts that hold no glob character."""
    parts = Path(pattern).parts[:-1]
    fixed: list[str] = []
    for part in parts:
        if GLOB_CHARACTERS & set(part):
            break
        fixed.append(part)
    return Path(os.path.realpath(base.joinpath(*fixed)))


def _found(paths: Iterable[Path], bound: Path) -> Iterator[_Expanded]:
    """Files a scan came across (not named by the user), with the kind each is read as."""
    for path in paths:
        kind = kind_for(path.name)
        if kind is not None:
            yield path, kind, False, bound


def _is_reviewed(name: str) -> bool:
    return kind_for(name) is not None


def _guess_kind(path: Path) -> SourceKind:
    """A file named on the command line with no known suffix: a python script by its shebang, else text."""
    try:
        confine(path, path)  # a pipe or a device is not opened to guess: reading it is refused later
        first_line = read_bytes(path, 200, head=True).split(b"\n", 1)[0]
    except Refused:
        return "text"
    return "python" if first_line.startswith(b"#!") and b"python" in first_line else "text"


# ---------------------------------------------------------------------------------------------- reading


def read_source(path: Path, shown: str, kind: SourceKind, max_file_bytes: int) -> Source:
    """One file (a real path :func:`~.confine.confine` passed) as a Source; SkippedFile says why it is left
    out, NotebookError for a broken .ipynb."""
    size = _size(path)
    if kind == "notebook":
        if size > NOTEBOOK_MAX_BYTES:
            limit = _megabytes(NOTEBOOK_MAX_BYTES, "g")
            raise SkippedFile(f"{_megabytes(size)}, over the {limit} limit for notebooks", too_large=True)
        source = notebook_source(path, shown)
        code_bytes = len(source.text.encode())
        if code_bytes > max_file_bytes:
            raise SkippedFile(_too_large(code_bytes, max_file_bytes, " of code"), too_large=True)
        return source
    if size > max_file_bytes:
        raise SkippedFile(_too_large(size, max_file_bytes), too_large=True)
    try:
        data = read_bytes(path, max_file_bytes)
    except TooLarge as error:
        raise SkippedFile(_too_large(error.size, max_file_bytes), too_large=True) from error
    except Refused as error:
        raise SkippedFile(error.reason) from error
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise SkippedFile("binary file")
    text = decode_python(data) if kind == "python" else decode_text(data)
    return Source(path=shown, text=text, kind=kind, abspath=path)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as error:
        raise SkippedFile(f"cannot be read ({error.strerror or error})") from error


def _megabytes(size: int, digits: str = ".1f") -> str:
    return f"{size / 1_000_000:{digits}} MB" if size >= 100_000 else f"{size / 1000:{digits}} kB"


def _too_large(size: int, limit: int, what: str = "") -> str:
    return (
        f"{_megabytes(size)}{what}, over the {_megabytes(limit, 'g')} limit: "
        "raise max-file-bytes under [tool.bumba] in pyproject.toml (or %config BumbaMagics.max_file_bytes) "
        "to include it"
    )


def decode_python(data: bytes) -> str:
    """Python source honouring its coding cookie (PEP 263) or BOM, as the interpreter would."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # an unknown encoding in the cookie, or a BOM that contradicts it
        raise SkippedFile(f"bad encoding declaration ({error})") from error
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise SkippedFile(f"not valid {encoding} text ({_decode_problem(error)})") from error


def decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SkippedFile(f"not valid UTF-8 text ({_decode_problem(error)})") from error


def _decode_problem(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return f"{error.reason} at byte {error.start}"
    return str(error)
