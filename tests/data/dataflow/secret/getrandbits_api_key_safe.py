# expect: BMB133  # generated
import random
import secrets


def issue_key(account):
    account.api_key = secrets.token_hex(16)  # sink
    account.save()
