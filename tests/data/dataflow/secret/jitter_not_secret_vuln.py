# expect: BMB133  # generated
import random
import time


def make_session_id():
    session_id = str(random.random())  # sink
    return session_id
