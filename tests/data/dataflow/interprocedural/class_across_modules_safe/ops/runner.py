import subprocess


class Deployment:
    def __init__(self, playbook, dry_run=False):
        self.playbook = playbook
        self.dry_run = dry_run

    def command(self):
        return "ansible-playbook site.yml"

    def start(self):
        return subprocess.run(self.command(), shell=True)  # sink
