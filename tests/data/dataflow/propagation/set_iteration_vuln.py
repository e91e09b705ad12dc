# expect: BMB121
import os

from django.http import JsonResponse


def clean(request):
    targets = {request.POST["dir"], "/tmp/cache"}
    for target in targets:
        os.system("rm -rf " + target)  # sink
    return JsonResponse({"ok": True})
