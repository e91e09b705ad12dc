# expect: BMB120  # generated
import graphene
import sqlite3


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        cur = sqlite3.connect("app.db").cursor()
        result = cur.execute("SELECT * FROM users WHERE name = ?", (value,)).fetchall()  # sink
        return str(result)
