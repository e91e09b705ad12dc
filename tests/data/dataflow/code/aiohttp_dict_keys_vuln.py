# expect: BMB122  # generated
from aiohttp import web


async def handle_items(request):
    value = request.query.get("q", "")
    ops = {"expr": value, "fixed": "1 + 1"}
    result = eval(ops["expr"])  # sink
    return web.json_response({"result": str(result)})
