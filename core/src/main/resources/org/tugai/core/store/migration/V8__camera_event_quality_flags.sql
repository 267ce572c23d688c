-- Quality flags of a camera event (CameraEvent schema v2): no-capture-time when the image carried no time.
ALTER TABLE camera_events ADD COLUMN quality_flags text[] NOT NULL DEFAULT '{}';
