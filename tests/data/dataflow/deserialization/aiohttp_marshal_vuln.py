# expect: BMB130  # generated
from aiohttp import web
import marshal


async def handle_items(request):
    value = request.query.get("q", "")
    result = marshal.loads(bytes.fromhex(value))  # sink
    return web.json_response({"result": str(result)})
