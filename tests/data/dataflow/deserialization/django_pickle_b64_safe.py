# expect: BMB130  # generated
from django.http import JsonResponse
import base64
import json
import pickle


def item_view(request):
    value = request.GET.get("q", "")
    result = json.loads(base64.b64decode(value))  # sink
    return JsonResponse({"result": str(result)})
