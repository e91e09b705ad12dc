# expect: BMB123
from django.http import HttpResponse

from .paths import media_path
from .storage import read_blob


def media(request, name):
    return HttpResponse(read_blob(media_path(name)), content_type="application/octet-stream")
