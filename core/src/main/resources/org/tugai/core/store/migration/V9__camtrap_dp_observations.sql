-- CameraEvent schema v3: what a Camtrap DP package says of an event and its observations, kept so an imported
-- package is exported again as it came (event end, observation type, media-level observations, who classified).
ALTER TABLE camera_events ADD COLUMN ended_at timestamptz;
ALTER TABLE detections ADD COLUMN observation_type text;
ALTER TABLE detections ADD COLUMN media_index integer;
ALTER TABLE detections ADD COLUMN classified_by text;
ALTER TABLE detections ADD COLUMN classification_method text;
ALTER TABLE detections ADD COLUMN life_stage text;
ALTER TABLE detections ADD COLUMN sex text;
ALTER TABLE detections ADD COLUMN behavior text;
ALTER TABLE detections ADD COLUMN observation_id text;
