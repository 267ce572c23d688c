-- Who acknowledged an alert is now the identity the broker or the API established; this says how:
-- mqtt-user:{user} on channel {channel}, or token:{tokenId}.
ALTER TABLE alerts ADD COLUMN acknowledged_via text;
ALTER TABLE alert_status_history ADD COLUMN acknowledged_via text;
