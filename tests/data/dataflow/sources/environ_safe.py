# expect: BMB121
import os


def build():
    target = os.environ.get("TARGET", "all")
    os.system("make all")  # sink
    return target
