# expect: BMB121  # generated
from fastapi import FastAPI
import os

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    import shlex
    result = os.system("ping -c 1 " + shlex.quote(value))  # sink
    return {"result": str(result)}
