# expect: BMB121  # generated
from fastapi import FastAPI
import subprocess

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    value = "hello"
    result = subprocess.check_output(["sh", "-c", "echo " + value])  # sink
    return {"result": str(result)}
