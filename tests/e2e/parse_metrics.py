#!/usr/bin/env python3
"""Parses Prometheus text exposition on stdin with prometheus_client's own
parser and prints the families as JSON:
  {"family": {"type": "...", "samples": [{"name", "labels", "value"}]}}
Exits 1, naming the problem, when the text does not parse."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    out = {}
    try:
        for family in text_string_to_metric_families(text):
            if family.name in out:
                raise ValueError("family %s given twice" % family.name)
            samples = []
            seen = set()
            for s in family.samples:
                key = (s.name, tuple(sorted(s.labels.items())))
                if key in seen:
                    raise ValueError("sample %s%s given twice" % (s.name, s.labels))
                seen.add(key)
                value = s.value
                if isinstance(value, float) and math.isinf(value):
                    value = "+Inf" if value > 0 else "-Inf"
                samples.append({"name": s.name, "labels": s.labels, "value": value})
            out[family.name] = {"type": family.type, "samples": samples}
    except Exception as e:  # the parser raises ValueError and others
        print("unparsable metrics: %s" % e, file=sys.stderr)
        return 1
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
