# expect: BMB122
from aiohttp import web


async def compute(request):
    factor = request.match_info["factor"]
    if factor.isdigit():
        return web.json_response({"value": eval(factor + " * 2")})  # sink
    return web.json_response({"value": 0})
