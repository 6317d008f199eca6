#!/usr/bin/env python3
"""Synthetic article stream for bench/scale.sh: N articles about E invented events, several
outlets per event, with verbatim copies, light rewrites and exact resends. Fixed seed: the same
arguments always give the same file. Usage: scale_gen.py ARTICLES EVENTS OUT.jsonl"""
import json, random, sys

n, events, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(20261122)
syll = ["ka", "lo", "mer", "vin", "dra", "sel", "tor", "bri", "quen", "as", "ul", "fen", "gor",
        "hal", "nis", "pra", "rud", "tam", "wex", "zor", "bel", "cam", "dor", "eth", "fal"]
def name(k=3):
    return "".join(rng.choice(syll) for _ in range(rng.randint(2, k))).capitalize()
things = ["bridge", "dam", "library", "ferry", "stadium", "hospital", "tunnel", "harbour",
          "orchard", "refinery", "tramline", "museum", "airport", "reservoir", "observatory"]
verbs = ["reopened", "collapsed", "flooded", "caught fire", "was evacuated", "was sold",
         "was closed", "was expanded", "lost power", "was inspected"]
roles = ["engineers", "firefighters", "volunteers", "inspectors", "residents", "officials",
         "police", "medics", "workers", "students"]
filler = ("the council said in a statement that more details would follow later in the week "
          "while neighbours described a long night and local shops stayed open late").split()
outlets = [f"{name(2)} {w}" for w in ["Wire", "Post", "Courier", "Ledger", "Times", "Herald",
                                        "Gazette", "Daily", "Tribune", "Observer"] for _ in range(3)]
evs = []
for e in range(events):
    evs.append(dict(town=name(), person=f"{name(2)} {name(3)}", org=f"{name(2)} Authority",
                    thing=rng.choice(things), verb=rng.choice(verbs), who=rng.choice(roles),
                    number=rng.randint(3, 400), day=rng.randint(1, 28), month=rng.randint(1, 12),
                    reports=[]))

def report(ev, k):
    t = ev
    words = rng.sample(filler, 12)
    paras = [
        f"The {t['thing']} in {t['town']} {t['verb']} on {2026}-{t['month']:02d}-{t['day']:02d}, "
        f"according to the {t['org']}, and {t['number']} {t['who']} were sent to the site.",
        f"\"We are doing everything we can for the people of {t['town']},\" said {t['person']}, "
        f"who leads the {t['org']}. Report {k} notes that {' '.join(words)}.",
        f"{t['town']} residents said the {t['thing']} had been a landmark for decades; "
        f"{t['person']} promised an update from the {t['org']} soon.",
    ]
    return f"{t['town']} {t['thing']} {t['verb']}", "\n\n".join(paras)

with open(out, "w") as f:
    for i in range(n):
        ev = evs[rng.randrange(events)]
        outlet = rng.choice(outlets)
        roll = rng.random()
        if ev["reports"] and roll < 0.15:
            title, text = rng.choice(ev["reports"])          # verbatim copy
        elif ev["reports"] and roll < 0.25:
            title, text = rng.choice(ev["reports"])          # copy with boilerplate
            text = f"Advertisement\n\n{text}\n\nCopyright 2026 {outlet}. All rights reserved."
        else:
            title, text = report(ev, len(ev["reports"]))
            ev["reports"].append((title, text))
        rec = {"id": f"a{i:06d}", "title": title, "outlet": outlet,
               "published": f"2026-{ev['month']:02d}-{ev['day']:02d}", "text": text}
        if i % 997 == 0 and i > 0:                              # an exact resend of an earlier id
            rec["id"] = f"a{i - 1:06d}"
        f.write(json.dumps(rec) + "\n")
