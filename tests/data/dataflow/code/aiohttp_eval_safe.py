# expect: BMB122  # generated
from aiohttp import web
import ast


async def handle_items(request):
    value = request.query.get("q", "")
    result = ast.literal_eval(value)  # sink
    return web.json_response({"result": str(result)})
