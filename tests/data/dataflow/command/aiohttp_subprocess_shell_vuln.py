# expect: BMB121  # generated
from aiohttp import web
import subprocess


async def handle_items(request):
    value = request.query.get("q", "")
    result = subprocess.run(f"ls -l {value}", shell=True, capture_output=True).stdout  # sink
    return web.json_response({"result": str(result)})
