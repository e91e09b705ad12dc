# expect: BMB121
import os

from django.http import JsonResponse


def convert(request):
    source = request.GET["src"]
    parts = ["convert", "in.png", "out.png"]
    os.system(" ".join(parts))  # sink
    return JsonResponse({"ok": True, "src": source})
