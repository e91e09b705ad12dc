# expect: BMB121  # generated
from django.http import JsonResponse
import os


def item_view(request):
    value = request.GET.get("q", "")
    host = request.COOKIES["host"]
    result = os.system("nslookup " + host)  # sink
    return JsonResponse({"result": str(result)})
