-- TAXII 2.1 writes and pulls (issue 23).
--
-- The status resources of envelopes POSTed to a collection, kept so that
-- any server process on this database answers `GET .../status/{id}/`, and
-- readable only by the organisation whose caller posted them.
CREATE TABLE taxii_statuses (
    id TEXT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    user_id BIGINT REFERENCES users(id),
    collection_id TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    resource TEXT NOT NULL
);
-- Where `crackdown taxii pull` resumes: per organisation, server and
-- collection, the last `date_added` the server reported (as it wrote it).
CREATE TABLE taxii_pulls (
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    server_url TEXT NOT NULL,
    collection_id TEXT NOT NULL,
    added_after TEXT NOT NULL,
    pulled_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, server_url, collection_id)
);
-- Where a shared report came from: the partner, the feed (a file, a TAXII
-- collection), who brought it in and when. The report's own text and id say
-- nothing of the feed (a feed's address in the text would be analysed as an
-- indicator and link everything pulled from it).
CREATE TABLE shared_provenance (
    report_id BIGINT PRIMARY KEY REFERENCES reports(id),
    partner TEXT NOT NULL,
    feed TEXT NOT NULL,
    brought_by BIGINT REFERENCES users(id),
    received_at BIGINT NOT NULL
);
