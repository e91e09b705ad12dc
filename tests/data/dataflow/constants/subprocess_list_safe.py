# expect: BMB121
import subprocess


def version():
    return subprocess.check_output(["git", "describe", "--tags"]).decode()  # sink
