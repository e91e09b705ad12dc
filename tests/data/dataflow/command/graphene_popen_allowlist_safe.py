# expect: BMB121  # generated
import graphene
import subprocess

TOOLS = ("uptime", "df", "free")


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        result = None
        if value in TOOLS:
            result = subprocess.Popen(value, shell=True).wait()  # sink
        return str(result)
