-- Tugai store, version 1. Table and column names are part of the external contract: scientists query
-- them directly. Columns are the Avro fields in snake_case; times are timestamptz in UTC; coordinates
-- WGS84 degrees.

CREATE TABLE fixes (
    collar_id       text             NOT NULL,
    fix_time        timestamptz      NOT NULL,
    lat             double precision,            -- null for a failed fix
    lon             double precision,
    altitude_m      double precision,
    hdop            double precision,
    pdop            double precision,
    satellites      integer,
    fix_type        text             NOT NULL,   -- 3D, 2D, none, unknown
    temperature_c   double precision,
    battery_v       double precision,
    mortality       boolean,
    activity        integer,
    device_time     timestamptz,
    received_at     timestamptz      NOT NULL,
    source          text             NOT NULL,
    deployment_id   text,
    animal_id       text,
    country         text,                        -- ISO 3166-1 alpha-3
    zones           text[]           NOT NULL DEFAULT '{}',
    quality_flags   text[]           NOT NULL DEFAULT '{}',
    stored_at       timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (collar_id, fix_time)            -- the natural key: replays and duplicates never double a row
);
CREATE INDEX fixes_animal_time ON fixes (animal_id, fix_time);

CREATE TABLE dead_letters (
    kafka_partition   integer     NOT NULL,      -- position in the dead-letter topic: the natural key
    kafka_offset      bigint      NOT NULL,
    occurred_at       timestamptz NOT NULL,
    source            text        NOT NULL,
    component         text        NOT NULL,
    reason_code       text        NOT NULL,
    reason            text        NOT NULL,
    device_id         text,
    payload           bytea       NOT NULL,
    payload_size      bigint      NOT NULL,
    payload_truncated boolean     NOT NULL,
    PRIMARY KEY (kafka_partition, kafka_offset)
);
CREATE INDEX dead_letters_time ON dead_letters (occurred_at);
CREATE INDEX dead_letters_reason ON dead_letters (reason_code, occurred_at);
