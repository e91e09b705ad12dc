# expect: BMB123  # generated
import graphene
import os

CACHE_FILES = {"/tmp/a.cache", "/tmp/b.cache"}


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        os.remove(value)  # sink
        result = "ok"
        return str(result)
