# expect: BMB130  # generated
from fastapi import FastAPI
import base64
import json
import pickle

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    result = json.loads(base64.b64decode(value))  # sink
    return {"result": str(result)}
