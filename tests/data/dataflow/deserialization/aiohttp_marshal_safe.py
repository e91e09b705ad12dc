# expect: BMB130  # generated
from aiohttp import web
import marshal


async def handle_items(request):
    value = request.query.get("q", "")
    result = marshal.loads(marshal.dumps(int(value or 0)))  # sink
    return web.json_response({"result": str(result)})
