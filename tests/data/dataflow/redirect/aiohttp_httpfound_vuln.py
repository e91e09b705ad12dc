# expect: BMB126  # generated
from aiohttp import web


async def handle_items(request):
    value = request.query.get("q", "")
    raise web.HTTPFound(value)  # sink
