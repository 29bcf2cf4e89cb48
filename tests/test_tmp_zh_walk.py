import json
from collections import defaultdict
import pytest
from cases.models import UserProfile
from tests.urlwalk import walk_pages
from tests.world import make_world
from tests.i18n.textcheck import english_runs

def test_probe(client, db):
    world = make_world()
    found = defaultdict(set)
    p = world.patient
    allow = {p.mrn, p.family_name, p.given_name, "Test", "Hospital", "Joensuu", "Fletcher", "Miettinen", "Choi", "RECIST"}
    for role in ("admin", "surgeon", "nurse", "coordinator", "chair"):
        user = world.users[role]
        allow |= {user.first_name, user.last_name, user.username}
        UserProfile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})
        client.force_login(user)
        for route, path, response in walk_pages(client, world):
            if not response.get("Content-Type", "").startswith("text/html") or response.streaming or response.status_code != 200:
                continue
            runs = english_runs(response.content.decode(), allow)
            if runs:
                found[route.route if hasattr(route, "route") else str(route)].update(runs)
        client.logout()
    json.dump({k: sorted(v) for k, v in found.items()}, open("/tmp/zh_probe.json", "w"), ensure_ascii=False, indent=1)
