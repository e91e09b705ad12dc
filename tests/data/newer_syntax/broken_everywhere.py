"""Invalid for every Python: a parameter list that never closes."""


def total(items:
    return sum(items)
