# expect: BMB124  # generated
import graphene
import requests


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        result = requests.get(f"https://api.example.com/items/{value}", timeout=5).status_code  # sink
        return str(result)
