# expect: BMB130  # generated
from django.http import JsonResponse
import yaml


def item_view(request):
    value = request.GET.get("q", "")
    result = yaml.load(value, Loader=yaml.SafeLoader)  # sink
    return JsonResponse({"result": str(result)})
