-- The country the victim is in (ISO 3166-1 alpha-2), when the report says:
-- a national phone number in the text is read in that country, and losses
-- are counted under it.
ALTER TABLE reports ADD COLUMN country TEXT;
