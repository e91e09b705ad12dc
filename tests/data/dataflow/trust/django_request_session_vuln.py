# expect: BMB132  # generated
from django.http import JsonResponse


def item_view(request):
    value = request.GET.get("q", "")
    request.session["last_search"] = value  # sink
    result = "saved"
    return JsonResponse({"result": str(result)})
