"""Temporary files (Python 3.14+): PEP 758 lets except name several types without parentheses."""

import os


def cleanup(path: str) -> None:
    lock = open("/tmp/cleanup.lock", "w")
    try:
        os.remove(path)
    except FileNotFoundError, PermissionError:
        os.system(f"rm -rf {path}")
    lock.close()
