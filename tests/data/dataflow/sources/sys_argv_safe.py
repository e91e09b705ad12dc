# expect: BMB121
import subprocess
import sys


def main():
    subprocess.run(["git", "checkout", sys.argv[1]])  # sink


if __name__ == "__main__":
    main()
