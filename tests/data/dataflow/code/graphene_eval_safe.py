# expect: BMB122  # generated
import graphene
import ast


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        result = ast.literal_eval(value)  # sink
        return str(result)
