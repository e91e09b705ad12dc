# expect: BMB127  # generated
from aiohttp import web
from lxml import etree

TREE = etree.parse("users.xml")


async def handle_items(request):
    value = request.query.get("q", "")
    result = TREE.xpath(f"//user[@name='{value}']")  # sink
    return web.json_response({"result": str(result)})
