# expect: BMB135  # generated
from aiohttp import web


async def handle_items(request):
    value = request.query.get("q", "")
    count = int(value or 1)
    result = "x" * count  # sink
    return web.json_response({"result": str(result)})
