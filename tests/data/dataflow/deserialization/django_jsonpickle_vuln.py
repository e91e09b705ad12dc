# expect: BMB130  # generated
from django.http import JsonResponse
import json
import jsonpickle


def item_view(request):
    value = request.GET.get("q", "")
    result = jsonpickle.decode(value)  # sink
    return JsonResponse({"result": str(result)})
