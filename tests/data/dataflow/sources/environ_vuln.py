# expect: BMB121
import os


def build():
    os.system("make " + os.environ.get("TARGET", "all"))  # sink
