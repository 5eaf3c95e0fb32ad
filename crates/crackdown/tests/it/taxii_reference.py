"""Drives crackdown's TAXII 2.1 server with taxii2-client as a real client:
discovery, API root, collections, then every object of one collection with
`as_pages`. Usage: taxii_reference.py DISCOVERY_URL TOKEN COLLECTION_ID
EXPECTED_OBJECTS. Exit 0 when all hold, 1 with the reasons otherwise, 3
when taxii2-client is missing."""
import sys

try:
    import requests
    from taxii2client.v21 import Server, as_pages
except ImportError as missing:
    print(f"missing reference package: {missing}", file=sys.stderr)
    sys.exit(3)


class Bearer(requests.auth.AuthBase):
    """crackdown's API tokens are bearer tokens."""

    def __init__(self, token):
        self.token = token

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def main():
    url, token, collection_id, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    problems = []
    server = Server(url, auth=Bearer(token))
    if len(server.api_roots) != 1 or server.default is None:
        problems.append(f"one default API root expected, got {server.api_roots}")
    root = server.default
    if "application/taxii+json;version=2.1" not in root.versions:
        problems.append(f"API root versions: {root.versions}")
    collections = {collection.id: collection for collection in root.collections}
    collection = collections.get(collection_id)
    if collection is None:
        problems.append(f"collection {collection_id} not listed: {sorted(collections)}")
        return problems
    if not collection.can_read:
        problems.append("the caller's collection is not readable")
    seen = set()
    pages = 0
    repeated = 0
    for envelope in as_pages(collection.get_objects, per_request=1000):
        pages += 1
        for stix_object in envelope.get("objects", []):
            if stix_object["id"] in seen:
                repeated += 1
            seen.add(stix_object["id"])
    if repeated:
        problems.append(f"{repeated} objects came twice")
    if len(seen) != expected:
        problems.append(f"{len(seen)} distinct objects over {pages} pages, expected {expected}")
    if pages < expected // 1000:
        problems.append(f"only {pages} pages for {expected} objects at 1000 a page")
    manifest = collection.get_manifest(limit=5)
    if len(manifest.get("objects", [])) != 5 or manifest.get("more") is not True:
        problems.append(f"manifest page: {manifest}")
    print(f"{len(seen)} objects in {pages} pages", file=sys.stderr)
    return problems


if __name__ == "__main__":
    found = main()
    for problem in found:
        print(problem, file=sys.stderr)
    sys.exit(1 if found else 0)
