# expect: BMB121  # generated
from fastapi import FastAPI
import subprocess

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    result = subprocess.run(f"ls -l {value}", shell=True, capture_output=True).stdout  # sink
    return {"result": str(result)}
