# expect: BMB122  # generated
from django.http import JsonResponse


def item_view(request):
    value = request.GET.get("q", "")
    scope = {}
    exec("result = " + value, scope)  # sink
    result = scope["result"]
    return JsonResponse({"result": str(result)})
