# expect: BMB123  # generated
from fastapi import FastAPI
import os

BASE = "/srv/reports"

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    path = os.path.join(BASE, value)
    with open(path, "rb") as fh:  # sink
        result = len(fh.read())
    return {"result": str(result)}
