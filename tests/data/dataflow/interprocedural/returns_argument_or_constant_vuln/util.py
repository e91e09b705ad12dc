def pick(value):
    return value
