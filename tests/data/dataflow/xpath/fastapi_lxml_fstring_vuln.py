# expect: BMB127  # generated
from fastapi import FastAPI
from lxml import etree

TREE = etree.parse("users.xml")

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    result = TREE.xpath(f"//user[@name='{value}']")  # sink
    return {"result": str(result)}
