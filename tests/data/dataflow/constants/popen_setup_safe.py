# expect: BMB121
import os


def build():
    return os.popen("python3 setup.py").read()  # sink
