# expect: BMB121  # generated
import graphene
import subprocess


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        result = subprocess.run(f"ls -l {value}", shell=True, capture_output=True).stdout  # sink
        return str(result)
