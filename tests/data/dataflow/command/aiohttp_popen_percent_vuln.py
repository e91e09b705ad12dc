# expect: BMB121  # generated
from aiohttp import web
import os


async def handle_items(request):
    value = request.query.get("q", "")
    result = os.popen("grep %s /var/log/app.log" % value).read()  # sink
    return web.json_response({"result": str(result)})
