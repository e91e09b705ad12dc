# expect: BMB121
import os

import graphene


class Restart(graphene.Mutation):
    class Arguments:
        service = graphene.String()

    ok = graphene.Boolean()

    def mutate(root, info, service):
        return Restart(ok=os.system("service web restart") == 0 and bool(service))  # sink
