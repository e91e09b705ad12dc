# expect: BMB121  # generated
from django.http import JsonResponse
import subprocess

TOOLS = ("uptime", "df", "free")


def item_view(request):
    value = request.GET.get("q", "")
    result = subprocess.Popen(value, shell=True).wait()  # sink
    return JsonResponse({"result": str(result)})
