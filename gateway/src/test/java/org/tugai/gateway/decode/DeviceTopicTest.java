package org.tugai.gateway.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tugai.schemas.MqttTopics;

class DeviceTopicTest {

  @Test
  void parsesTheNativeTopics() {
    assertThat(DeviceTopic.parse("tugai/v1/collars/TJ-BD-017/fixes"))
        .contains(new DeviceTopic(DeviceTopic.Kind.COLLAR_FIXES, "TJ-BD-017"));
    assertThat(DeviceTopic.parse("tugai/v1/cameras/CT-UZ4-03/detections"))
        .contains(new DeviceTopic(DeviceTopic.Kind.CAMERA_DETECTIONS, "CT-UZ4-03"));
  }

  @Test
  void anAcknowledgementTopicNamesItsChannelUserAndAlert() {
    assertThat(
            DeviceTopic.parse(
                "tugai/v1/acks/pa-zarafshon-tj/ranger-dilnoza/CT-Z1|intrusion|1781550000000"))
        .contains(
            new DeviceTopic(
                DeviceTopic.Kind.ALERT_ACK,
                "CT-Z1|intrusion|1781550000000",
                "pa-zarafshon-tj",
                "ranger-dilnoza"));
    assertThat(MqttTopics.ack("pa-x", "r1", "A1")).isEqualTo("tugai/v1/acks/pa-x/r1/A1");
    // The topic of Tugai 0.1 carried no channel and no authenticated user: it is no longer decoded.
    assertThat(DeviceTopic.parse("tugai/v1/alerts/A1/ack")).isEmpty();
    assertThat(DeviceTopic.parse("tugai/v1/acks/pa-x//A1")).isEmpty();
  }

  @Test
  void rejectsEverythingElse() {
    assertThat(DeviceTopic.parse("tugai/v1/collars//fixes")).isEmpty();
    assertThat(DeviceTopic.parse("tugai/v1/collars/C1/fixes/extra")).isEmpty();
    assertThat(DeviceTopic.parse("tugai/v2/collars/C1/fixes")).isEmpty();
    assertThat(DeviceTopic.parse("tugai/v1/cameras/C1/fixes")).isEmpty();
    assertThat(DeviceTopic.parse("other")).isEmpty();
  }
}
