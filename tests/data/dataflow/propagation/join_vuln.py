# expect: BMB121
import os

from django.http import JsonResponse


def convert(request):
    parts = ["convert", request.GET["src"], "out.png"]
    os.system(" ".join(parts))  # sink
    return JsonResponse({"ok": True})
