# expect: BMB123
from django.http import JsonResponse


def download(request):
    options = {"name": request.GET.get("file"), "mode": "r"}
    with open("/srv/exports/" + options.get("name", "default.csv")) as fh:  # sink
        return JsonResponse({"size": len(fh.read())})
