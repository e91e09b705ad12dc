# expect: BMB129  # generated
from fastapi import FastAPI
from lxml import etree

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    result = etree.fromstring(value.encode()).tag  # sink
    return {"result": str(result)}
