"""Schemathesis hooks for the contract test (scripts/contract-test loads them by SCHEMATHESIS_HOOKS).

Every response object is closed. The published document leaves objects open (a client generated
from it must keep working when a later version adds a field). The contract test reads it closed: each response object with stated `properties`
gets `additionalProperties: false`, so a field the server writes without the document stating it fails
the run (schemathesis's response_schema_conformance check). Request schemas are left as published: a
component a response shares with a request is closed in a copy (`Closed...`) only the responses use.
"""

import copy
import itertools
import os

import schemathesis

PREFIX = "#/components/schemas/"


def close(schema, components, closed):
    """Closes `schema` in place, rewriting references to closed copies of the components."""
    if isinstance(schema, list):
        for item in schema:
            close(item, components, closed)
        return
    if not isinstance(schema, dict):
        return
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith(PREFIX):
        name = reference[len(PREFIX):]
        if name not in closed:
            closed[name] = "Closed" + name
            copied = copy.deepcopy(components[name])
            components[closed[name]] = copied
            close(copied, components, closed)
        schema["$ref"] = PREFIX + closed[name]
    if "properties" in schema and "additionalProperties" not in schema:
        schema["additionalProperties"] = False
    for key, value in schema.items():
        if key == "properties":
            for property_schema in value.values():
                close(property_schema, components, closed)
        elif key in ("items", "oneOf", "anyOf", "allOf"):
            close(value, components, closed)


@schemathesis.hook
def before_load_schema(context, raw_schema):
    components = raw_schema.setdefault("components", {}).setdefault("schemas", {})
    closed = {}
    for operations in raw_schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    if "schema" in media:
                        close(media["schema"], components, closed)


# A proposal or an invitation names a freelancer, and a link carries values from one response only: the
# job's. The script opens a freelancer with connects to spare before the run (CONTRACT_FREELANCER), and
# every proposal and invitation the run sends names it, so that a job posted by a linked client is
# proposed to, viewed, declined, withdrawn and hired for real instead of answering 404.
FREELANCER_OPERATIONS = {("POST", "/v1/jobs/{id}/proposals"), ("POST", "/v1/jobs/{id}/invitations")}

# The generator draws small values again and again ("0"): as Idempotency-Keys, most writes would be
# refused as a key reused with another body (409), and as external ids, most new accounts as taken. Each
# call gets its own key and external id, so that the stateful phase builds on what it created.
CALLS = itertools.count()


@schemathesis.hook
def before_call(context, case, kwargs):
    call = next(CALLS)
    if case.meta is not None and case.meta.generation.mode.is_negative:
        # Negative cases are sent as generated: any edit would have schemathesis read them anew as positive.
        return
    operation = (case.operation.method.upper(), case.operation.path)
    headers = case.headers or {}
    for name, value in headers.items():
        if name.lower() == "idempotency-key" and isinstance(value, str) and value.isascii() and value.isprintable():
            headers[name] = f"{value[:200]}-{call}"
    if not isinstance(case.body, dict):
        return
    if operation == ("POST", "/v1/accounts") and isinstance(case.body.get("externalId"), str):
        case.body["externalId"] = f"{case.body['externalId'][:200]}-{call}"
    freelancer = os.environ.get("CONTRACT_FREELANCER")
    if freelancer and operation in FREELANCER_OPERATIONS and isinstance(case.body.get("freelancerId"), str):
        case.body["freelancerId"] = freelancer
