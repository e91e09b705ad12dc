# expect: BMB121  # generated
from django.http import JsonResponse
import os


def item_view(request):
    value = request.GET.get("q", "")
    import shlex
    result = os.system("ping -c 1 " + shlex.quote(value))  # sink
    return JsonResponse({"result": str(result)})
