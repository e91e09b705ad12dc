# expect: BMB121
import os

from aiohttp import web


class LookupView(web.View):
    async def get(self):
        name = self.request.match_info["name"]
        return web.json_response({"out": os.popen("host " + name).read()})  # sink
