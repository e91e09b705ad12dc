# expect: BMB129  # generated
from aiohttp import web
from lxml import etree


async def handle_items(request):
    value = request.query.get("q", "")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    result = etree.fromstring(value.encode(), parser).tag  # sink
    return web.json_response({"result": str(result)})
