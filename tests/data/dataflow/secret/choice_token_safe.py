# expect: BMB133  # generated
import random
import secrets
import string


def new_reset_token():
    reset_token = "".join(secrets.choice(string.ascii_letters) for _ in range(24))  # sink
    return reset_token
