import os
import shlex


def run_cmd(cmd):
    return os.popen(cmd).read()  # sink


def quoted(value):
    return shlex.quote(value)
