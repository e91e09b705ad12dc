def pick(value):
    return "default"
