# expect: BMB121
import os


def replay():
    with open("/etc/app/commands.txt") as fh:
        for line in fh:
            os.system(line)  # sink
