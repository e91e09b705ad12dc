# expect: BMB135  # generated
import graphene


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        count = int(value or 1)
        result = "x" * count  # sink
        return str(result)
