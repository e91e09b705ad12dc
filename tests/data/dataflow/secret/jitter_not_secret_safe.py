# expect: BMB133  # generated
import random
import time


def backoff(attempt):
    delay = 2 ** attempt + random.random()  # sink
    time.sleep(delay)
