# expect: BMB123  # generated
from django.http import JsonResponse
import os


def item_view(request):
    value = request.GET.get("q", "")
    with open("/srv/files/" + os.path.basename(value)) as fh:  # sink
        result = fh.read()
    return JsonResponse({"result": str(result)})
