# expect: BMB129  # generated
from aiohttp import web
from xml.dom import minidom
import defusedxml.minidom


async def handle_items(request):
    value = request.query.get("q", "")
    result = defusedxml.minidom.parseString(value).documentElement.tagName  # sink
    return web.json_response({"result": str(result)})
