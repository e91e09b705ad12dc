# expect: BMB123  # generated
from django.http import JsonResponse
import os

BASE = "/srv/reports"


def item_view(request):
    value = request.GET.get("q", "")
    path = os.path.join(BASE, value)
    with open(path, "rb") as fh:  # sink
        result = len(fh.read())
    return JsonResponse({"result": str(result)})
