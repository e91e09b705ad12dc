# expect: BMB129  # generated
from fastapi import FastAPI
from lxml import etree

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    result = etree.fromstring(value.encode(), parser).tag  # sink
    return {"result": str(result)}
