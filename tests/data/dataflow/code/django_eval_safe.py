# expect: BMB122  # generated
from django.http import JsonResponse
import ast


def item_view(request):
    value = request.GET.get("q", "")
    result = ast.literal_eval(value)  # sink
    return JsonResponse({"result": str(result)})
