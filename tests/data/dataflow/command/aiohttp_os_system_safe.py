# expect: BMB121  # generated
from aiohttp import web
import os


async def handle_items(request):
    value = request.query.get("q", "")
    import shlex
    result = os.system("ping -c 1 " + shlex.quote(value))  # sink
    return web.json_response({"result": str(result)})
