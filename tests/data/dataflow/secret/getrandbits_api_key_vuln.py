# expect: BMB133  # generated
import random
import secrets


def issue_key(account):
    account.api_key = "%032x" % random.getrandbits(128)  # sink
    account.save()
