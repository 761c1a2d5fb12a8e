from cli.resident.client import run

run()
