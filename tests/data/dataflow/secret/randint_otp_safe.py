# expect: BMB133  # generated
import random
import secrets


def send_login_code(user):
    otp = secrets.randbelow(900000) + 100000  # sink
    user.notify(otp)
