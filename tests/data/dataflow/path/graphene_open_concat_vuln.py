# expect: BMB123  # generated
import graphene
import os


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        with open("/srv/files/" + value) as fh:  # sink
            result = fh.read()
        return str(result)
