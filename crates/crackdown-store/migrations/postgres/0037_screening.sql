-- Humanitarian screening (issue 24): people screened after a raid, their
-- interviews, decisions, referrals and time line, readable and writable only
-- by the members of the person's case team, every read audited.
--
-- Free text (the person record, answers' notes, justifications, referral
-- organisations and notes, time-line texts) is sealed with the person's own
-- key (`data_key`), itself sealed under the installation key kept outside
-- the database. Erasing a person deletes its rows and that key, so the
-- audit's reasons about the person, which stay (append-only), no longer open.
CREATE TABLE screening_teams (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, name)
);
CREATE TABLE screening_team_members (
    team_id BIGINT NOT NULL REFERENCES screening_teams(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    added_by BIGINT NOT NULL REFERENCES users(id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX screening_team_members_user ON screening_team_members(user_id);
CREATE TABLE screening_persons (
    id BIGSERIAL PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES screening_teams(id),
    pseudonym TEXT NOT NULL,
    data_key TEXT NOT NULL,
    record TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (team_id, pseudonym)
);
CREATE TABLE screening_interviews (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES screening_persons(id),
    reference TEXT NOT NULL,
    questionnaire TEXT NOT NULL,
    language TEXT NOT NULL,
    interviewer TEXT NOT NULL,
    interpreter BOOLEAN NOT NULL,
    held_on TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users(id),
    recorded_at BIGINT NOT NULL,
    UNIQUE (person_id, reference)
);
CREATE TABLE screening_answers (
    interview_id BIGINT NOT NULL REFERENCES screening_interviews(id),
    question TEXT NOT NULL,
    maps_to TEXT NOT NULL,
    value TEXT NOT NULL,
    language TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (interview_id, question)
);
CREATE TABLE screening_decisions (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES screening_persons(id),
    interview_id BIGINT NOT NULL REFERENCES screening_interviews(id),
    recommended TEXT NOT NULL,
    outcome TEXT NOT NULL,
    decided_by BIGINT NOT NULL REFERENCES users(id),
    justification TEXT NOT NULL,
    decided_at BIGINT NOT NULL
);
CREATE INDEX screening_decisions_person ON screening_decisions(person_id, id);
CREATE TABLE screening_referrals (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES screening_persons(id),
    organisation TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX screening_referrals_person ON screening_referrals(person_id, id);
CREATE TABLE screening_events (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES screening_persons(id),
    at BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    due_on TEXT,
    done_at BIGINT
);
CREATE INDEX screening_events_person ON screening_events(person_id, id);
-- Who read or changed what, when and why. `person_id` has no reference: the
-- row outlives an erased person, naming only a number nothing else holds.
CREATE TABLE screening_audit (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    team_id BIGINT,
    person_id BIGINT,
    reason TEXT
);
CREATE INDEX screening_audit_team ON screening_audit(team_id, id);
CREATE FUNCTION screening_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'screening_audit is append-only';
END;
$$;
CREATE TRIGGER screening_audit_no_change BEFORE UPDATE OR DELETE ON screening_audit
    FOR EACH ROW EXECUTE FUNCTION screening_audit_append_only();
CREATE TRIGGER screening_audit_no_truncate BEFORE TRUNCATE ON screening_audit
    FOR EACH STATEMENT EXECUTE FUNCTION screening_audit_append_only();
