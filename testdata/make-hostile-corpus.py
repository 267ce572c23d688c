#!/usr/bin/env python3
"""Writes testdata/hostile-corpus.jsonl: bad and hostile inputs for every path into Tugai, one JSON object per line.

Device cases: {"path", "topic", "payload" | "payloadHex" | "generate": {"byte", "size"}, "expect", "why"}; the
runner replaces {id} (a device or alert id unique to the case), {time} (an hour ago), {zone} and {user} (a ranger).
HTTP cases: {"path": "http", "method", "url", "token" (admin | scientist | ranger | none), "body"?, "expect" (status)}.
"expect" of a device case is the dead letter's reason code. Edit this script and run it again to change the corpus.
"""
import json, os

cases = []
def add(path, topic, payload, expect, why, **extra):
    c = {"path": path, "topic": topic, "expect": expect, "why": why}
    if isinstance(payload, bytes):
        c["payloadHex"] = payload.hex()
    elif isinstance(payload, dict) and "generate" in payload:
        c["generate"] = payload["generate"]
    else:
        c["payload"] = payload
    c.update(extra)
    cases.append(c)

def js(o):
    # Escapes (\u0000), as a device's JSON library writes them: raw control characters are a parse error of their own.
    return json.dumps(o, ensure_ascii=True)

COLLAR = "tugai/v1/collars/{id}/fixes"
CAMERA = "tugai/v1/cameras/{id}/detections"
MD = "tugai/v1/cameras/{id}/megadetector"
TTN = "v3/tugai-app@ttn/devices/{id}/up"
CS = "application/tugai-app/device/{id}/event/up"
ACK = "tugai/v1/acks/{zone}/{user}/{id}"

def fix(**over):
    f = {"collarId": "{id}", "fixTime": "{time}", "lat": 37.3, "lon": 68.1, "fixType": "3D", "hdop": 1.2, "satellites": 7}
    f.update(over)
    return {k: v for k, v in f.items() if v is not None}

def camera(**over):
    e = {"cameraId": "{id}", "eventId": "e1", "capturedAt": "{time}", "media": ["IMG_0001.JPG"], "model": "MDv5a",
         "detections": [{"class": "person", "confidence": 0.91, "bbox": [0.1, 0.2, 0.3, 0.4]}]}
    e.update(over)
    return {k: v for k, v in e.items() if v is not None}

def md(images=None, **over):
    b = {"info": {"detector": "md_v5a.0.0.pt", "format_version": "1.4"},
         "detection_categories": {"1": "animal", "2": "person", "3": "vehicle"},
         "images": images if images is not None else [{"file": "site1/IMG_0001.JPG", "datetime": "{time}",
                     "detections": [{"category": "2", "conf": 0.93, "bbox": [0.1, 0.1, 0.2, 0.3]}]}]}
    b.update(over)
    return b

def ttn(gw="gw-zarafshon-1", device="{id}", rx=None, decoded=None):
    return {"end_device_ids": {"device_id": device}, "received_at": "{time}",
            "uplink_message": {"decoded_payload": decoded or {"latitude": 37.3, "longitude": 68.1, "hdop": 1.1, "BatV": 3.6},
                               "rx_metadata": rx if rx is not None else [{"gateway_ids": {"gateway_id": gw}, "rssi": -97, "snr": 6.5}]}}

def cs(gw="0016c001ff10a235", dev="{id}", rx=None):
    return {"deviceInfo": {"devEui": dev}, "time": "{time}",
            "object": {"latitude": 37.3, "longitude": 68.1, "hdop": 1.1, "BatV": 3.6},
            "rxInfo": rx if rx is not None else [{"gatewayId": gw, "rssi": -97, "snr": 6.5}]}

BAD_CHARS = [("\u0000", "NUL"), ("\u0001", "SOH"), ("\u0007", "BEL"), ("\u001b[2J", "an ANSI escape"), ("\u007f", "DEL"),
             ("\ud800", "an unpaired high surrogate"), ("\udc00", "an unpaired low surrogate"), ("\n", "a line feed"),
             ("\r", "a carriage return"), ("\t", "a tab")]

# 1. Text the store cannot hold, in every string field of every format.
for ch, name in BAD_CHARS:
    add("collar", COLLAR, js(fix(fixType="3D" + ch)), "bad-text" if ch not in ("\n",) or True else "", "fixType with " + name)
    add("collar", COLLAR, js(fix(collarId="{id}" + ch)), "invalid-id", "collarId with " + name)
    add("camera", CAMERA, js(camera(eventId="e1" + ch)), "invalid-id", "eventId with " + name)
    add("camera", CAMERA, js(camera(media=["IMG" + ch + ".JPG"])), "bad-text", "media name with " + name)
    add("camera", CAMERA, js(camera(model="MDv5a" + ch)), "bad-text", "model with " + name)
    add("camera", CAMERA, js(camera(detections=[{"class": "animal", "confidence": 0.8, "species": "Cervus" + ch}])), "bad-text",
        "species with " + name)
    add("camera", CAMERA, js(camera(detections=[{"class": "person" + ch, "confidence": 0.8}])), "bad-text", "class with " + name)
    add("megadetector", MD, js(md(images=[{"file": "IMG" + ch + ".JPG", "detections": []}])), "bad-text", "image file with " + name)
    add("megadetector", MD, js(md(info={"detector": "md_v5a" + ch})), "bad-text", "detector with " + name)
    add("megadetector", MD, js(md(detection_categories={"1": "animal", "2": "person" + ch, "3": "vehicle"})), "bad-text",
        "category name with " + name)
    add("ttn", TTN, js(ttn(gw="gw" + ch)), "bad-text", "LoRaWAN gateway id with " + name)
    add("ttn", TTN, js(ttn(device="{id}" + ch)), "invalid-id", "end_device_ids.device_id with " + name)
    add("chirpstack", CS, js(cs(gw="gw" + ch)), "bad-text", "rxInfo gatewayId with " + name)
    if ch not in ("\n", "\r", "\t"):
        add("ack", ACK, js({"note": "on our way" + ch}), "bad-text", "acknowledgement note with " + name)
    add("ack", ACK, js({"by": "{user}" + ch}), "bad-text", "acknowledgement by with " + name)

# 2. Limits, the same on every format.
add("camera", CAMERA, js(camera(media=["IMG_%04d.JPG" % i for i in range(101)])), "out-of-range", "101 media files")
add("camera", CAMERA, js(camera(detections=[{"class": "animal", "confidence": 0.5}] * 201)), "out-of-range", "201 detections")
add("camera", CAMERA, js(camera(media=["x" * 1025])), "bad-text", "a media name of 1025 characters")
add("camera", CAMERA, js(camera(model="m" * 10240)), "bad-text", "a 10 KB model name")
add("camera", CAMERA, js(camera(detections=[{"class": "animal", "confidence": 0.5, "species": "s" * 129}])), "bad-text",
    "a species label of 129 characters")
add("megadetector", MD, js(md(info={"detector": "d" * 10240})), "bad-text", "a 10 KB detector name")
add("megadetector", MD, js(md(images=[{"file": "IMG_1.JPG", "detections": [{"category": "1", "conf": 0.5}] * 5000}])),
    "out-of-range", "5,000 detections in one image")
add("megadetector", MD, js(md(images=[{"file": "IMG_%d.JPG" % i, "detections": []} for i in range(1001)])), "out-of-range",
    "1,001 images in one batch")
add("megadetector", MD, js(md(images=[{"file": "f" * 1025, "detections": []}])), "bad-text", "an image path of 1025 characters")
add("collar", COLLAR, js([fix(fixTime="{time}")] * 1001), "out-of-range", "a batch of 1,001 fixes")
add("collar", COLLAR, js(fix(fixType="x" * 17)), "bad-text", "a 17-character fix type")
add("ttn", TTN, js(ttn(rx=[{"gateway_ids": {"gateway_id": "gw-%d" % i}, "rssi": -100} for i in range(257)])), "out-of-range",
    "257 receptions")
add("ttn", TTN, js(ttn(gw="g" * 129)), "bad-text", "a gateway id of 129 characters")
add("chirpstack", CS, js(cs(rx=[{"gatewayId": "gw%d" % i, "rssi": -100} for i in range(257)])), "out-of-range", "257 receptions")
add("ack", ACK, js({"note": "n" * 2001}), "bad-text", "a note of 2001 characters")
for size, label in ((1024 * 1024, "1 MB"), (5 * 1024 * 1024, "5 MB"), (8 * 1024 * 1024, "8 MB")):
    for path, topic in (("collar", COLLAR), ("camera", CAMERA), ("megadetector", MD), ("ttn", TTN), ("ack", ACK)):
        add(path, topic, {"generate": {"byte": "x", "size": size}}, "payload-too-large", "a " + label + " payload")
add("collar", COLLAR, {"generate": {"byte": " ", "size": 300 * 1024}}, "payload-too-large", "300 KB of spaces")

# 3. Ids in topics: every topic family takes the same ids as the native ones.
for bad, name in (("Камера-1", "Cyrillic letters"), ("cam 1", "a space"), ("cam\"1", "a quote"), ("cam'1", "an apostrophe"),
                  ("c" * 129, "129 characters"), ("c" * 10240, "10 KB"), ("-cam", "a leading dash"), (".hidden", "a leading dot"),
                  ("cam%00", "a percent escape"), ("cam\\1", "a backslash"), ("🦌", "an emoji"), ("cam<script>", "markup")):
    for path, topic in (("collar", COLLAR), ("camera", CAMERA), ("megadetector", MD), ("ttn", TTN), ("chirpstack", CS)):
        add(path, topic.replace("{id}", bad + "{id}" if not bad[0].isalnum() or not bad.isascii() else bad + "{id}"), js({}),
            "invalid-id", "topic device id with " + name)

# 4. Encodings: UTF-8 only; a UTF-8 byte-order mark is ignored, UTF-16 and UTF-32 refused.
good = js(fix())
add("collar", COLLAR, good.encode("utf-16-le"), "invalid-utf8", "UTF-16LE")
add("collar", COLLAR, good.encode("utf-16-be"), "invalid-utf8", "UTF-16BE")
add("collar", COLLAR, good.encode("utf-16"), "invalid-utf8", "UTF-16 with a BOM")
add("collar", COLLAR, good.encode("utf-32"), "invalid-utf8", "UTF-32")
add("camera", CAMERA, js(camera()).encode("utf-16-le"), "invalid-utf8", "a camera event in UTF-16LE")
add("megadetector", MD, js(md()).encode("utf-16-be"), "invalid-utf8", "MegaDetector output in UTF-16BE")
add("ttn", TTN, js(ttn()).encode("utf-16-le"), "invalid-utf8", "a TTN uplink in UTF-16LE")
add("ack", ACK, js({"note": "ok"}).encode("utf-16-le"), "invalid-utf8", "an acknowledgement in UTF-16LE")
for raw, name in ((b"\xff", "0xFF"), (b"\xc0\xaf", "an overlong slash"), (b"\xed\xa0\x80", "an encoded surrogate"),
                  (b"\xf4\x90\x80\x80", "a code point past U+10FFFF"), (b"\xe2\x82", "a truncated sequence")):
    for path, topic, doc in (("collar", COLLAR, fix(fixType="3D")), ("camera", CAMERA, camera(model="M")),
                             ("megadetector", MD, md(info={"detector": "D"})), ("chirpstack", CS, cs(gw="G"))):
        text = js(doc)
        marker = {"collar": '"3D"', "camera": '"M"', "megadetector": '"D"', "chirpstack": '"G"'}[path]
        at = text.index(marker) + 1
        add(path, topic, text[:at].encode() + raw + text[at:].encode(), "invalid-utf8", "invalid UTF-8: " + name)
add("collar", COLLAR, b"\x00\x00\x00\x00", "invalid-utf8", "NUL bytes only")
for path, topic, doc, field in (("collar", COLLAR, fix(fixType="3D"), '"3D"'), ("camera", CAMERA, camera(model="M"), '"M"'),
                                ("ack", ACK, {"note": "N"}, '"N"')):
    text = js(doc)
    at = text.index(field) + 1
    add(path, topic, text[:at] + "\u0001" + text[at:], "parse-error", "a raw control character inside a string")
add("camera", CAMERA, js(camera()).encode() + b"\x00", "invalid-utf8", "a trailing NUL byte")

# 5. JSON parsers disagree on; we do not guess.
for path, topic, doc in (("collar", COLLAR, js(fix())), ("camera", CAMERA, js(camera())), ("megadetector", MD, js(md())),
                         ("ttn", TTN, js(ttn())), ("chirpstack", CS, js(cs())), ("ack", ACK, js({"note": "ok"}))):
    add(path, topic, doc + " garbage", "parse-error", "trailing garbage")
    add(path, topic, doc + doc, "parse-error", "two documents")
    add(path, topic, doc[:-1] + ",}", "parse-error", "a trailing comma")
    add(path, topic, doc.replace("{", "{/* c */", 1), "parse-error", "a comment")
    add(path, topic, doc.replace('"', "'"), "parse-error", "single quotes")
    add(path, topic, doc[: len(doc) // 2], "parse-error", "cut in half")
    add(path, topic, "[" * 5000 + "]" * 5000, "parse-error" if path != "collar" else "parse-error", "nested 5,000 deep")
    add(path, topic, "", "parse-error" if path != "ack" else "not-an-object", "empty") if path != "ack" else None
    add(path, topic, "\"just a string\"", "not-an-object" if path != "megadetector" else "missing-field", "a JSON string") if path not in ("ttn", "chirpstack") else None
    add(path, topic, "<?xml version=\"1.0\"?><fix/>", "parse-error", "XML")
add("collar", COLLAR, js(fix()).replace('"lat": 37.3', '"lat": 37.3, "lat": 40.0'), "parse-error", "a duplicate key")
add("camera", CAMERA, js(camera()).replace('"model": "MDv5a"', '"model": "MDv5a", "model": "x"'), "parse-error", "a duplicate key")
add("ack", ACK, '{"note": "a", "note": "b"}', "parse-error", "a duplicate key")

# 6. Identity: the payload names someone other than the topic.
add("collar", COLLAR, js(fix(collarId="SOMEONE-ELSE")), "device-mismatch", "a fix for another collar")
add("camera", CAMERA, js(camera(cameraId="SOMEONE-ELSE")), "device-mismatch", "an event for another camera")
add("ttn", TTN, js(ttn(device="SOMEONE-ELSE")), "device-mismatch", "an uplink of another device")
add("chirpstack", CS, js(cs(dev="0016c001ff10ffff")), "device-mismatch", "an uplink of another devEui")
add("ack", ACK, js({"by": "admin"}), "identity-mismatch", "an acknowledgement claiming to be by admin")
add("ack", ACK, js({"by": "another-ranger"}), "identity-mismatch", "an acknowledgement claiming another ranger")

# 7. Types and ranges in the other formats.
add("camera", CAMERA, js(camera(detections=[{"class": "bear", "confidence": 0.5}])), "out-of-range", "class bear")
add("camera", CAMERA, js(camera(detections=[{"class": "animal", "confidence": 1.5}])), "out-of-range", "confidence 1.5")
add("camera", CAMERA, js(camera(detections=[{"class": "animal", "confidence": 0.5, "bbox": [0.1, 0.2, 0.3]}])), "out-of-range", "3-number bbox")
add("camera", CAMERA, js(camera(detections=[{"class": "animal", "confidence": 0.5, "count": -1}])), "out-of-range", "count -1")
add("camera", CAMERA, js(camera(media="IMG.JPG")), "wrong-type", "media as a string")
add("camera", CAMERA, js(camera(media=[5])), "wrong-type", "a media entry as a number")
add("camera", CAMERA, js(camera(capturedAt="2099-01-01T00:00:00Z")), "future-time", "captured in 2099")
add("camera", CAMERA, js(camera(capturedAt="1970-01-01T00:00:00Z")), "too-old", "captured in 1970")
add("camera", CAMERA, js(camera(capturedAt="+1000000000-01-01T00:00:00Z")), "wrong-type", "captured in the year 1,000,000,000")
add("megadetector", MD, js(md(images=[{"file": "IMG_1.JPG", "detections": [{"category": "1", "conf": 1.5}]}])), "out-of-range", "confidence 1.5")
add("megadetector", MD, js(md(images=[{"file": "IMG_1.JPG", "detections": [{"category": "1", "conf": 2}]}])), "out-of-range", "conf 2")
add("megadetector", MD, js(md(images=[{"file": "IMG_1.JPG", "datetime": "yesterday", "detections": []}])), "wrong-type", "datetime yesterday")
add("megadetector", MD, js(md(images=[{"file": "IMG_1.JPG", "failure": "Failure image access"}])), "detector-failure", "a failed image")
add("megadetector", MD, js(md(images=[])), "empty-batch", "no images")
add("megadetector", MD, js(md(images="IMG_1.JPG")), "missing-field", "images as a string")
add("ttn", TTN, js(ttn(decoded={"latitude": 91, "longitude": 68.1})), "out-of-range", "latitude 91")
add("ttn", TTN, js({"end_device_ids": {"device_id": "{id}"}, "received_at": "{time}", "uplink_message": {}}), "missing-field", "no decoded payload")
add("chirpstack", CS, js({"deviceInfo": {"devEui": "{id}"}, "time": "{time}"}), "missing-field", "no object")
add("chirpstack", CS, js({"deviceInfo": {"devEui": "{id}"}, "time": "tomorrow", "object": {"latitude": 37.3, "longitude": 68.1}}), "wrong-type", "time tomorrow")
add("ack", ACK, "[]", "not-an-object", "an array")
add("ack", ACK, "42", "not-an-object", "a number")
add("ack", ACK, js({"note": 42}), "wrong-type", "a note as a number")

cases = [c for c in cases if c is not None]

# 8. HTTP: bodies and parameters.
http = []
def h(method, url, expect, why, token="admin", body=None):
    c = {"path": "http", "method": method, "url": url, "token": token, "expect": expect, "why": why}
    if body is not None:
        c["body"] = body
    http.append(c)
ACKURL = "/api/v1/alerts/ALERT-1/ack"
for body, why in (('{"by":"x"} garbage', "trailing garbage"), ('{"note":"a"}{"note":"b"}', "two documents"),
                  ('{"note":"a","note":"b"}', "a duplicate key"), ('{"note":"a",}', "a trailing comma"), ("[]", "an array"),
                  ("", "empty"), ('{"note":"nul \\u0000"}', "an escaped NUL"), ('{"note":"esc \\u001b[2J"}', "an ANSI escape"),
                  ('{"note": 5}', "a number note"), ('{"by": "admin2"}', "by someone else"), ('{"colour": "red"}', "an unknown field"),
                  ('{"note":"' + "n" * 2001 + '"}', "a note of 2001 characters"), ("'single'", "single quotes"),
                  ('{"note":"\\ud800"}', "an unpaired surrogate"), ("null", "null")):
    h("POST", ACKURL, 400, "ack body: " + why, body=body)
h("POST", ACKURL, 413, "ack body of 64 KB", body='{"note":"' + "n" * 65536 + '"}')
for url, why in (("/api/v1/crossings?status=anything", "crossing status"), ("/api/v1/crossings?country=Tajikistan", "country name"),
                 ("/api/v1/crossings?from=%2B1000000000-01-01T00:00:00Z", "year +1e9"), ("/api/v1/crossings?to=-1000000000-01-01T00:00:00Z", "year -1e9"),
                 ("/api/v1/crossings?from=yesterday", "from yesterday"), ("/api/v1/crossings?limit=-1", "limit -1"),
                 ("/api/v1/crossings?limit=99999999999", "limit too big"), ("/api/v1/crossings?hotspot=%00", "NUL hotspot"),
                 ("/api/v1/crossings?population=a%07b", "BEL population"), ("/api/v1/crossings?x=1", "unknown parameter"),
                 ("/api/v1/crossings?status=all&status=confirmed", "repeated parameter"),
                 ("/api/v1/crossings?from=2026-03-01&to=2026-02-01", "from after to"),
                 ("/api/v1/detections?species=Cervus%00", "NUL species"), ("/api/v1/detections?camera=%1B%5B2J", "escape camera"),
                 ("/api/v1/detections?class=bear", "class bear"), ("/api/v1/detections?to=9999999-01-01", "year 9999999"),
                 ("/api/v1/alerts?status=closed", "alert status"), ("/api/v1/alerts?type=bogus", "alert type"),
                 ("/api/v1/alerts?zone=pa%00", "NUL zone"), ("/api/v1/alerts?zone=" + "z" * 300, "300-character zone"),
                 ("/api/v1/animals/deer%00/track", "NUL animal id"), ("/api/v1/animals/deer-1/track?format=xml", "format xml"),
                 ("/api/v1/animals/deer-1/track?from=2026-02-30", "February 30"), ("/api/v1/export/camtrap-dp?from=%2B99999-01-01T00:00:00Z", "export year 99999"),
                 ("/api/v1/animals?since=1", "animals take no parameters"), ("/api/v1/me?debug=true", "me takes no parameters"),
                 ("/api/v1/layers/countries?simplify=1", "layers take no parameters")):
    h("GET", url, 400, why)
for url in ("/api/v1/crossings", "/api/v1/detections", "/api/v1/alerts", "/api/v1/animals", "/api/v1/animals/deer-1/track",
            "/api/v1/export/camtrap-dp", "/api/v1/me", "/api/v1/layers"):
    h("HEAD", url, 401, "HEAD without a token", token="none")
    h("GET", url, 401, "GET without a token", token="none")
h("HEAD", "/api/v1/crossings", 403, "HEAD as a ranger", token="ranger")
h("GET", "/api/v1/crossings", 403, "GET as a ranger", token="ranger")
h("POST", ACKURL, 403, "a scientist acknowledging", token="scientist", body='{"note":"x"}')

root = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(root, "hostile-corpus.jsonl"), "w", encoding="utf-8") as out:
    for c in cases + http:
        out.write(json.dumps(c, ensure_ascii=True) + "\n")
print(len(cases), "device cases,", len(http), "HTTP cases")
