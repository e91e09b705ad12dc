# expect: BMB124  # generated
from fastapi import FastAPI
import httpx

HOSTS = {"billing.internal", "search.internal"}

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    result = httpx.get(f"http://{value}/health").text  # sink
    return {"result": str(result)}
