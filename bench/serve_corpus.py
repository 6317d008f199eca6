#!/usr/bin/env python3
"""Synthetic corpus for bench/serve.sh: N articles (JSON Lines) about N/10 invented events,
each reported by about ten made-up outlets (an original, verbatim copies, rewrites and
independent reports). Deterministic: a fixed seed gives the same file every time."""
import json
import random
import sys

SYLLABLES = ["var", "nol", "ske", "lby", "tor", "mund", "hal", "vik", "bre", "sund",
             "ost", "lin", "dal", "gar", "rik", "fjel", "mar", "sel", "tun", "ber"]
SUBJECTS = [
    ("storm surge", "flooded", "the ferry terminal"),
    ("fire", "destroyed", "the old grain warehouse"),
    ("landslide", "blocked", "the coastal road"),
    ("power cut", "shut down", "the regional hospital wing"),
    ("strike", "halted", "the container port"),
    ("bridge fault", "closed", "the river crossing"),
    ("gas leak", "forced the evacuation of", "the shopping arcade"),
    ("flash flood", "swamped", "the railway station"),
]
ROLES = ["mayor", "police spokesperson", "harbour master", "fire chief", "council leader"]
FIRST = ["Elin", "Jonas", "Marta", "Oskar", "Ingrid", "Per", "Sofie", "Anders", "Hedda", "Nils"]
LAST = ["Brask", "Tveit", "Lund", "Moe", "Haug", "Berg", "Dahl", "Strand", "Vik", "Aas"]
OUTLETS = ["Nordic Wire", "Coastal Echo", "Harbour Herald", "Island Gazette", "Valley Post",
           "Morning Ledger", "Fjord Times", "City Courier", "Evening Signal", "Regional Star",
           "North Observer", "Daily Lantern"]


def name(rng, parts=2):
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def event(rng, k):
    town = name(rng)
    what, verb, obj = rng.choice(SUBJECTS)
    day = 1 + (k * 7) % 320
    month, mday = divmod(day - 1, 28)
    date = f"2026-{1 + month % 11:02d}-{1 + mday:02d}"
    speaker = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    role = rng.choice(ROLES)
    count = rng.randint(20, 900)
    hours = rng.randint(2, 48)
    title = f"{what.capitalize()} {verb} {obj} in {town}"
    paragraphs = [
        f"A {what} {verb} {obj} in {town} on Monday, officials said, and emergency crews "
        f"worked through the night.",
        f"About {count} people were affected and services were suspended for {hours} hours, "
        f"the {town} authorities said in a statement.",
        f"{role.capitalize()} {speaker} said: \"We will restore normal service as soon as the "
        f"site is safe and the inspections are complete.\"",
        f"Residents of {town} were asked to avoid the area until further notice.",
    ]
    return {"town": town, "title": title, "date": date, "paragraphs": paragraphs,
            "count": count, "speaker": speaker, "role": role, "what": what}


def rewrite(rng, ev):
    p = list(ev["paragraphs"])
    p[0] = p[0].replace("officials said", "according to officials").replace("on Monday", "early on Monday")
    p[1] = p[1].replace("About", "Roughly").replace("were affected", "were hit")
    rng.shuffle(p[2:])
    return p


def independent(rng, ev, outlet):
    count = ev["count"] + rng.choice([0, 0, 0, 50, -10])
    return [
        f"{ev['town']} was disrupted on Monday after a {ev['what']} hit the town, "
        f"{outlet} has learned.",
        f"Local residents said at least {count} people were affected, and several roads were "
        f"closed by police.",
        f"{ev['role'].capitalize()} {ev['speaker']} said: \"We will restore service once the "
        f"site is safe and the checks are done.\"",
    ]


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rng = random.Random(20261122)
    out = sys.stdout
    written = 0
    k = 0
    while written < total:
        ev = event(rng, k)
        outlets = rng.sample(OUTLETS, 10)
        for j, outlet in enumerate(outlets):
            if written >= total:
                break
            # Copies and rewrites carry the outlet's own dateline, so each article has its own
            # text (and content hash) while its body still copies the original.
            dateline = f"{ev['town'].upper()} ({outlet}) - "
            if j == 0:
                paragraphs = ev["paragraphs"]
            elif j < 4:
                paragraphs = list(ev["paragraphs"])
                paragraphs[0] = dateline + paragraphs[0]
            elif j < 7:
                paragraphs = rewrite(rng, ev)
                paragraphs[0] = dateline + paragraphs[0]
            else:
                paragraphs = independent(rng, ev, outlet)
            record = {
                "id": f"e{k}-{j}",
                "outlet": outlet,
                "title": ev["title"] if j < 7 else f"{ev['town']} hit by {ev['what']}",
                "published": ev["date"],
                "url": f"https://{outlet.lower().replace(' ', '')}.example/{k}/{j}",
                "text": "\n\n".join(paragraphs),
            }
            out.write(json.dumps(record) + "\n")
            written += 1
        k += 1


if __name__ == "__main__":
    main()
