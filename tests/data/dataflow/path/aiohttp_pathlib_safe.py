# expect: BMB123  # generated
from aiohttp import web
from pathlib import Path

ROOT = Path("/srv/notes")


async def handle_items(request):
    value = request.query.get("q", "")
    result = (ROOT / Path(value).name).read_text()  # sink
    return web.json_response({"result": str(result)})
