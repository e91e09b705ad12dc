# expect: BMB121  # generated
from aiohttp import web
import os


async def handle_items(request):
    value = request.query.get("q", "")
    host = request.query["host"]
    result = os.system("nslookup localhost")  # sink
    return web.json_response({"result": str(result)})
