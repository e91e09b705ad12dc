# expect: BMB121
import os

import graphene


class Restart(graphene.Mutation):
    class Arguments:
        service = graphene.String()

    ok = graphene.Boolean()

    def mutate(root, info, service):
        return Restart(ok=os.system("service " + service + " restart") == 0)  # sink
