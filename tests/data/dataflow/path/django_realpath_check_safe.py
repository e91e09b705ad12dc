# expect: BMB123  # generated
from django.http import JsonResponse
import os

BASE = "/srv/reports"


def item_view(request):
    value = request.GET.get("q", "")
    path = os.path.realpath(os.path.join(BASE, value))
    if not path.startswith(BASE + os.sep):
        raise PermissionError(value)
    with open(path, "rb") as fh:  # sink
        result = len(fh.read())
