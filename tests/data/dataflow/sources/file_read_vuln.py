# expect: BMB121
import os


def replay(path):
    with open(path) as fh:
        for line in fh:
            os.system(line)  # sink
