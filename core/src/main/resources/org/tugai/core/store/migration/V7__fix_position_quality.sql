-- Argos / Kineis position quality of a fix (Fix schema v3): location class and error estimates.
-- Nullable, without defaults: TimescaleDB adds such columns to a compressed hypertable as well.
ALTER TABLE fixes ADD COLUMN location_class text;
ALTER TABLE fixes ADD COLUMN error_radius_m double precision;
ALTER TABLE fixes ADD COLUMN error_semi_major_m double precision;
ALTER TABLE fixes ADD COLUMN error_semi_minor_m double precision;
ALTER TABLE fixes ADD COLUMN error_ellipse_orientation_deg double precision;
