# expect: BMB121  # generated
from fastapi import FastAPI
import os

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    result = os.system("ping -c 1 " + value)  # sink
    return {"result": str(result)}
