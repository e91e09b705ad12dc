# expect: BMB121
import os

from django.http import JsonResponse


def clean(request):
    requested = request.POST["dir"]
    targets = {"/tmp/cache", "/tmp/thumbs"}
    for target in targets:
        os.system("rm -rf " + target)  # sink
    return JsonResponse({"ok": True, "requested": requested})
