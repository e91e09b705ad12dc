# expect: BMB124  # generated
from fastapi import FastAPI
import httpx

HOSTS = {"billing.internal", "search.internal"}

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    host = value if value in HOSTS else "search.internal"
    result = httpx.get(f"http://{host}/health").text  # sink
    return {"result": str(result)}
