#!/usr/bin/env python3
"""Extracts the descriptions of the Kubernetes types our CRDs embed (EnvVar, ResourceRequirements, Toleration,
meta/v1 Condition and what they reference) from the Kubernetes release's own OpenAPI v3 spec, as shipped in the
k8s.io/kubernetes Go module that the test bed builds from. The CRD generator knows nothing of these descriptions
(fabric8's model classes carry none); api/SchemaDescriptions copies them into the generated CRDs at build time.

Usage: kubernetes-descriptions.py [SPEC_DIR] > src/main/resources/crd/kubernetes-descriptions.json
SPEC_DIR defaults to $(go env GOMODCACHE)/k8s.io/kubernetes@<version in k8s/go.mod>/api/openapi-spec/v3.
"""
import json
import os
import re
import subprocess
import sys

ROOTS = [
    "io.k8s.api.core.v1.EnvVar",
    "io.k8s.api.core.v1.ResourceRequirements",
    "io.k8s.api.core.v1.Toleration",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Condition",
]
KEEP = ("description", "properties", "items", "additionalProperties", "allOf", "$ref")


def spec_dir():
    if len(sys.argv) > 1:
        return sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "k8s", "go.mod")) as f:
        version = re.search(r"^require k8s.io/kubernetes (\S+)$", f.read(), re.M).group(1)
    cache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True).stdout.strip()
    return os.path.join(cache, "k8s.io", "kubernetes@" + version, "api", "openapi-spec", "v3")


def trim(schema):
    """Only what locating and copying descriptions needs."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key in KEEP:
        if key not in schema:
            continue
        value = schema[key]
        if key == "properties":
            out[key] = {name: trim(prop) for name, prop in sorted(value.items())}
        elif key == "allOf":
            out[key] = [trim(v) for v in value]
        elif key in ("items", "additionalProperties"):
            out[key] = trim(value)
        elif key == "$ref":
            out[key] = value.rsplit("/", 1)[-1]
        else:
            out[key] = value
    return out


def refs(schema, found):
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref":
                found.add(value.rsplit("/", 1)[-1])
            else:
                refs(value, found)
    elif isinstance(schema, list):
        for value in schema:
            refs(value, found)


def main():
    with open(os.path.join(spec_dir(), "api__v1_openapi.json")) as f:
        schemas = json.load(f)["components"]["schemas"]
    result, todo = {}, list(ROOTS)
    while todo:
        name = todo.pop()
        if name in result:
            continue
        result[name] = trim(schemas[name])
        found = set()
        refs(schemas[name], found)
        todo.extend(sorted(found - result.keys()))
    json.dump(dict(sorted(result.items())), sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


main()
