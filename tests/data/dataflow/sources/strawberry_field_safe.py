# expect: BMB121
import subprocess

import strawberry


@strawberry.type
class Query:
    @strawberry.field
    def disk_usage(self, path: str) -> str:
        return subprocess.check_output(["du", "-sh", path]).decode()  # sink
