# expect: BMB130  # generated
import graphene
import base64
import json
import pickle


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        result = pickle.loads(base64.b64decode(value))  # sink
        return str(result)
