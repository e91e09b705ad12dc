"""Typed export helpers (Python 3.12+): PEP 695 type aliases and generic classes and functions."""

import subprocess

type UserId = int
type Rows[T] = list[tuple[UserId, T]]


class Repository[T]:
    def __init__(self, rows: Rows[T]) -> None:
        self.rows = rows


def export[T](repo: Repository[T], target: str) -> None:
    subprocess.run(f"tar czf {target} /srv/data", shell=True)
