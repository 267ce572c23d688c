-- Confirmed border crossings and their revisions. A crossing is keyed by its stable id; a later revision
-- replaces an earlier one, a retraction keeps the row with status 'retracted' (nothing is silently deleted).
CREATE TABLE crossings (
    crossing_id      text             PRIMARY KEY,
    animal_id        text             NOT NULL,
    collar_id        text             NOT NULL,
    deployment_id    text,
    from_country     text             NOT NULL,   -- ISO 3166-1 alpha-3
    to_country       text             NOT NULL,
    crossed_at       timestamptz      NOT NULL,   -- estimated, between the two fixes
    before_fix_time  timestamptz      NOT NULL,
    before_lat       double precision NOT NULL,
    before_lon       double precision NOT NULL,
    after_fix_time   timestamptz      NOT NULL,
    after_lat        double precision NOT NULL,
    after_lon        double precision NOT NULL,
    crossing_lat     double precision,            -- on the border line
    crossing_lon     double precision,
    hotspot          text,
    population       text,
    status           text             NOT NULL,   -- confirmed, retracted
    revision         integer          NOT NULL,
    detected_at      timestamptz      NOT NULL,
    stored_at        timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX crossings_time ON crossings (crossed_at);
CREATE INDEX crossings_animal ON crossings (animal_id, crossed_at);

-- What scientists usually want: the crossings as currently confirmed.
CREATE VIEW current_crossings AS SELECT * FROM crossings WHERE status = 'confirmed';
