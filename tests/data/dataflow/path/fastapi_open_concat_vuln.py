# expect: BMB123  # generated
from fastapi import FastAPI
import os

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    with open("/srv/files/" + value) as fh:  # sink
        result = fh.read()
    return {"result": str(result)}
