# expect: BMB120  # generated
from django.http import JsonResponse
from shop.models import Product


def item_view(request):
    value = request.GET.get("q", "")
    result = list(Product.objects.raw(f"SELECT * FROM shop_product WHERE title = '{value}'"))  # sink
    return JsonResponse({"result": str(result)})
