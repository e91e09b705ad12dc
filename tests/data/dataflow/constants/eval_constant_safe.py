# expect: BMB122
LIMITS = "{'cpu': 2, 'memory': 512}"


def limits():
    return eval(LIMITS)  # sink
