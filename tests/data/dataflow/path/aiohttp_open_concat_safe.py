# expect: BMB123  # generated
from aiohttp import web
import os


async def handle_items(request):
    value = request.query.get("q", "")
    with open("/srv/files/" + os.path.basename(value)) as fh:  # sink
        result = fh.read()
    return web.json_response({"result": str(result)})
