# expect: BMB121  # generated
import graphene
import os


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        result = os.system("ping -c 1 " + value)  # sink
        return str(result)
