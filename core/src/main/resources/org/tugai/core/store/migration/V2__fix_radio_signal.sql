-- LoRaWAN radio metadata of a fix (Fix schema v2): strongest RSSI, best SNR, receiving gateways.
ALTER TABLE fixes ADD COLUMN rssi_dbm double precision;
ALTER TABLE fixes ADD COLUMN snr_db double precision;
ALTER TABLE fixes ADD COLUMN radio_gateways text[] NOT NULL DEFAULT '{}';
