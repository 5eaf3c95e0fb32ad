-- What the intake still owes a stored report: 'link' (it is in no campaign
-- yet), then 'watch' (watchlists have not seen it yet). The row is written in
-- the transaction that stores the report and removed once the watchlists
-- have seen it, so a crash between the commit and linking or watching is
-- repaired by the next intake or the next start, never lost.
CREATE TABLE intake_pending (
    report_id INTEGER PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    stage TEXT NOT NULL
);
CREATE INDEX intake_pending_stage ON intake_pending(stage, report_id);
-- Reports stored before this version that no campaign holds still need linking.
INSERT INTO intake_pending (report_id, stage)
    SELECT r.id, 'link' FROM reports r
    WHERE NOT EXISTS (SELECT 1 FROM campaign_members m WHERE m.report_id = r.id);
