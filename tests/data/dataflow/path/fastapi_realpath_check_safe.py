# expect: BMB123  # generated
from fastapi import FastAPI
import os

BASE = "/srv/reports"

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    path = os.path.realpath(os.path.join(BASE, value))
    if not path.startswith(BASE + os.sep):
        raise PermissionError(value)
    with open(path, "rb") as fh:  # sink
        result = len(fh.read())
