import os

BASE = "/srv/media"


def media_path(name):
    return os.path.join(BASE, name)
