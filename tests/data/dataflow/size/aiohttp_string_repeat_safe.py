# expect: BMB135  # generated
from aiohttp import web


async def handle_items(request):
    value = request.query.get("q", "")
    count = min(int(value or 1), 100)
    result = "x" * count  # sink
    return web.json_response({"result": str(result)})
