-- Stable, opaque campaign identities (issue 21).
-- campaign_members.campaign_id is from now on a campaign's key: random for a
-- new campaign, and kept by the campaign that mostly overlaps an old one
-- when linking changes the partition (it was the smallest report id, which
-- changed with every merge and named a report). Keys of campaigns stored
-- before this version are those report ids; they never reach a viewer: the
-- ids people and partners see are the key (and, for a viewer whose access
-- splits a campaign, the part) encrypted under a secret of the
-- installation, kept here so that every server process on one database
-- hands out the same ids.
CREATE TABLE installation_secrets (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);
