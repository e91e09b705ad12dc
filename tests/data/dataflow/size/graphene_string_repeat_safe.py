# expect: BMB135  # generated
import graphene


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        count = min(int(value or 1), 100)
        result = "x" * count  # sink
        return str(result)
