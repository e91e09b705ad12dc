# expect: BMB129  # generated
from fastapi import FastAPI
from lxml import etree

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    parser = etree.XMLParser(resolve_entities=True)
    result = etree.fromstring(value, parser=parser)  # sink
    return {"result": str(result)}
