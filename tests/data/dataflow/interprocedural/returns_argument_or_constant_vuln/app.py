# expect: BMB122
from aiohttp import web

from util import pick


async def evaluate(request):
    expr = pick(request.query["expr"])
    return web.json_response({"value": eval(expr)})  # sink
