from shop.repository import search_products


def search(query):
    cleaned = query.strip()
    return search_products(cleaned)
