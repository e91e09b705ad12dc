# expect: BMB135  # generated
from aiohttp import web


async def handle_items(request):
    value = request.query.get("q", "")
    size = int(value or 16)
    result = len(bytearray(size))  # sink
    return web.json_response({"result": str(result)})
