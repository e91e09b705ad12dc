# expect: BMB126  # generated
from django.http import JsonResponse
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def item_view(request):
    value = request.GET.get("q", "")
    return HttpResponseRedirect(value)  # sink
