# expect: BMB129  # generated
from aiohttp import web
from lxml import etree


async def handle_items(request):
    value = request.query.get("q", "")
    result = etree.fromstring(value.encode()).tag  # sink
    return web.json_response({"result": str(result)})
