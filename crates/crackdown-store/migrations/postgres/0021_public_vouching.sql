-- An organisation's allow-list entries answer the public lookup only when
-- the installation trusts it to vouch publicly (org add --vouches-publicly);
-- otherwise they apply to its own views.
ALTER TABLE orgs ADD COLUMN vouches_publicly BOOLEAN NOT NULL DEFAULT FALSE;
