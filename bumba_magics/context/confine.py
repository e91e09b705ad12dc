"""The one check before the product reads a path that a project chose.

A project decides what its paths are: ``users.txt -> /etc/passwd``, a named pipe called ``x.py`` that
blocks its first reader for ever, a link to ``/dev/zero`` that never ends. Every file a review reads —
context collection, the agent's tools, the analyzers those run — passes :func:`confine` first (its real
path inside the root, a regular file, under a size cap) and is read with :func:`read_bytes`.

Links that stay inside the root are fine: they are the project's own files under another name.

The type check never opens the file: ``os.stat`` neither blocks on a FIFO nor wakes a device (opening
some devices does things). :func:`read_bytes` then opens with ``O_NONBLOCK | O_NOFOLLOW`` and checks the
open file again, so a file swapped for a pipe or a link after the check is refused rather than hung on.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

OUTSIDE_LINK = "link leads outside the review root"
OUTSIDE = "outside the review root"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class Refused(ValueError):
    """A path the review does not read, with the reason the user is shown."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class TooLarge(Refused):
    """A regular file over the size cap; the size and the cap, for a message in the caller's words."""

    def __init__(self, size: int, limit: int):
        self.size, self.limit = size, limit
        super().__init__(f"{size} bytes, over the {limit} byte limit")


@dataclass(frozen=True)
class Confined:
    """A path that passed: its real path (no link left in it), its size, and whether it is a folder."""

    path: Path
    size: int
    is_dir: bool


def inside(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is ``root`` or below it, comparing the strings as given (no resolving)."""
    path_text, root_text = os.fspath(path), os.fspath(root)
    return path_text == root_text or path_text.startswith(root_text.rstrip(os.sep) + os.sep)


def not_regular(mode: int) -> str:
    """Why a file of this mode is not read."""
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "not a regular file"


class Confinement:
    """:func:`confine` for many paths under one root: the real path of each folder is worked out once.

    Make one per operation (a scan, a tool call) and let it go: what a folder really is can change, and a
    cache kept longer would go on trusting it.
    """

    def __init__(self, root: str | os.PathLike[str]):
        self.given_root = os.path.abspath(root)
        self.root = os.path.realpath(root)
        self._folders: dict[str, str] = {}

    def _real(self, given: str) -> tuple[str, os.stat_result | None]:
        """The real path of an absolute path, and its lstat when that is also its stat (not a link)."""
        try:
            status = os.lstat(given)
        except OSError:
            return os.path.realpath(given), None
        if stat.S_ISLNK(status.st_mode):
            return os.path.realpath(given), None
        folder, name = os.path.split(given)
        if folder not in self._folders:
            self._folders[folder] = os.path.realpath(folder)
        return os.path.join(self._folders[folder], name), status

    def check(self, path: str | os.PathLike[str], *, max_bytes: int | None = None,
              folders: bool = False) -> Confined:
        """``path`` when its real path lies inside the root and it is a regular file (or, with ``folders``,
        a folder) of at most ``max_bytes``; :class:`Refused` says why not."""
        given = os.path.abspath(path)
        real, status = self._real(given)
        if not inside(real, self.root):
            through_link = inside(given, self.root) or inside(given, self.given_root)
            raise Refused(OUTSIDE_LINK if through_link else OUTSIDE)
        if status is None:
            try:
                status = os.stat(real)
            except OSError as error:
                if os.path.islink(given):
                    raise Refused("a link to nothing (its target does not exist)") from None
                raise Refused(f"cannot be read ({error.strerror or error})") from None
        # the Path the caller gave when it is already the real one: most are, and a new Path costs
        real_path = path if isinstance(path, Path) and os.fspath(path) == real else Path(real)
        if stat.S_ISDIR(status.st_mode) and folders:
            return Confined(real_path, 0, True)
        if not stat.S_ISREG(status.st_mode):
            raise Refused(not_regular(status.st_mode))
        if max_bytes is not None and status.st_size > max_bytes:
            raise TooLarge(status.st_size, max_bytes)
        return Confined(real_path, status.st_size, False)


def confine(
    path: str | os.PathLike[str], root: str | os.PathLike[str], *, max_bytes: int | None = None,
    folders: bool = False,
) -> Confined:
    """``path`` when its real path lies inside ``root`` and it is a regular file (or, with ``folders``, a
    folder) of at most ``max_bytes``; :class:`Refused` says why not. The check never opens the file."""
    return Confinement(root).check(path, max_bytes=max_bytes, folders=folders)


def confine_for_writing(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> Path:
    """The real path to write ``path`` at: inside ``root``, and a regular file when it exists already.

    A file the product writes into a project (a baseline, a comment in a source file) is written where its
    link really leads, and only when that is inside the root: ``bumba-baseline.json -> ~/.bashrc`` would
    otherwise have a review overwrite a file the project does not own.
    """
    given = os.path.abspath(path)
    real = os.path.realpath(given)
    if not inside(real, os.path.realpath(root)):
        raise Refused(OUTSIDE_LINK if os.path.islink(given) or real != given else OUTSIDE)
    try:
        status = os.stat(real)
    except FileNotFoundError:
        return Path(real)
    except OSError as error:
        raise Refused(f"cannot be written ({error.strerror or error})") from None
    if not stat.S_ISREG(status.st_mode):
        raise Refused(not_regular(status.st_mode))
    return Path(real)


def read_bytes(path: str | os.PathLike[str], max_bytes: int, *, head: bool = False) -> bytes:
    """The bytes of a regular file at a real path (one :func:`confine` returned), at most ``max_bytes``
    (:class:`TooLarge` past that; with ``head``, just the first ``max_bytes``).

    The checks are made again on the open file: what is read is what was checked.
    """
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise Refused(f"cannot be read ({error.strerror or error})") from None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise Refused(not_regular(status.st_mode))
        data = handle.read(max_bytes + 1)
    if head:
        return data[:max_bytes]
    if len(data) > max_bytes:  # it grew since it was checked
        raise TooLarge(max(status.st_size, len(data)), max_bytes)
    return data
