# expect: BMB133  # generated
import random
import secrets


def send_login_code(user):
    otp = random.randint(100000, 999999)  # sink
    user.notify(otp)
