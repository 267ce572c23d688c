-- Deployments, camera traps, alerts and API tokens (issue #6). Names follow the Avro fields in snake_case.

-- Deployments as last published on the compacted deployments topic; a retraction (tombstone) keeps the row
-- with retracted = true, so tracks stored under it can still be explained.
CREATE TABLE deployments (
    deployment_id       text             PRIMARY KEY,
    device_id           text             NOT NULL,
    device_type         text             NOT NULL,   -- collar, camera, unknown
    animal_id           text,
    site_id             text,
    species             text,
    sex                 text,
    population          text,
    deploy_on           timestamptz      NOT NULL,
    deploy_off          timestamptz,
    lat                 double precision,
    lon                 double precision,
    expected_interval_s integer,
    retracted           boolean          NOT NULL DEFAULT false,
    stored_at           timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX deployments_animal ON deployments (animal_id);
CREATE INDEX deployments_device ON deployments (device_id, deploy_on);

-- One trigger of a camera trap; natural key (camera_id, event_id).
CREATE TABLE camera_events (
    camera_id       text        NOT NULL,
    event_id        text        NOT NULL,
    captured_at     timestamptz NOT NULL,
    media           text[]      NOT NULL DEFAULT '{}',
    model           text,
    detection_count integer     NOT NULL,
    received_at     timestamptz NOT NULL,
    source          text        NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (camera_id, event_id)
);
CREATE INDEX camera_events_time ON camera_events (captured_at);

-- What the detector found in an event, one row per detected object, in the detector's order.
CREATE TABLE detections (
    camera_id       text             NOT NULL,
    event_id        text             NOT NULL,
    detection_index integer          NOT NULL,
    captured_at     timestamptz      NOT NULL,   -- the event's, repeated so detections filter by time alone
    category        text             NOT NULL,   -- animal, person, vehicle, unknown ("class" in the native JSON)
    species         text,
    confidence      double precision NOT NULL,
    bbox_x          double precision,            -- relative to the image, origin top-left
    bbox_y          double precision,
    bbox_w          double precision,
    bbox_h          double precision,
    count           integer,
    PRIMARY KEY (camera_id, event_id, detection_index)
);
CREATE INDEX detections_time ON detections (captured_at);
CREATE INDEX detections_category ON detections (category, captured_at);

-- Alerts as currently known (the latest update per alert id) ...
CREATE TABLE alerts (
    alert_id         text             PRIMARY KEY,
    type             text             NOT NULL,
    severity         text             NOT NULL,
    status           text             NOT NULL,   -- open, acknowledged, resolved
    title            text             NOT NULL,
    first_seen       timestamptz      NOT NULL,
    last_seen        timestamptz      NOT NULL,
    lat              double precision,
    lon              double precision,
    zones            text[]           NOT NULL DEFAULT '{}',
    animal_id        text,
    device_id        text,
    evidence         text[]           NOT NULL DEFAULT '{}',
    media            text[]           NOT NULL DEFAULT '{}',
    channels         text[]           NOT NULL DEFAULT '{}',
    links            text[]           NOT NULL DEFAULT '{}',
    details          jsonb            NOT NULL DEFAULT '{}',
    acknowledged_by  text,
    acknowledged_at  timestamptz,
    note             text,
    updated_at       timestamptz      NOT NULL,
    stored_at        timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX alerts_status ON alerts (status, last_seen);
CREATE INDEX alerts_zones ON alerts USING gin (zones);

-- ... and every update of them: how an incident opened, grew, was acknowledged and resolved.
CREATE TABLE alert_status_history (
    alert_id        text        NOT NULL,
    updated_at      timestamptz NOT NULL,
    status          text        NOT NULL,
    severity        text        NOT NULL,
    last_seen       timestamptz NOT NULL,
    evidence_count  integer     NOT NULL,
    acknowledged_by text,
    note            text,
    PRIMARY KEY (alert_id, updated_at)
);

-- API tokens: only a SHA-256 of the secret is kept; the secret is shown once, when the token is made.
CREATE TABLE api_tokens (
    token_id    text        PRIMARY KEY,          -- the token's public prefix, safe to log
    token_hash  bytea       NOT NULL UNIQUE,
    name        text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('ranger', 'scientist', 'admin')),
    zones       text[]      NOT NULL DEFAULT '{}', -- a ranger's zones
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);

-- The time column joins the dead letters' key, so the table can become a hypertable with a retention policy
-- where TimescaleDB exists; a replayed dead letter carries the same time, so it still lands once.
ALTER TABLE dead_letters DROP CONSTRAINT dead_letters_pkey;
ALTER TABLE dead_letters ADD PRIMARY KEY (kafka_partition, kafka_offset, occurred_at);

-- Good fixes only: what tracks and daily positions are made of.
CREATE INDEX fixes_time ON fixes (fix_time);
