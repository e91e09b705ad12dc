# expect: BMB124  # generated
from fastapi import FastAPI
import requests

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    result = requests.get(f"https://api.example.com/items/{value}", timeout=5).status_code  # sink
    return {"result": str(result)}
