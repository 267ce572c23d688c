package org.tugai.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void standardNamesAreTheExternalContract() {
    Topics topics = Topics.standard();
    assertThat(topics.fixes().name()).isEqualTo("tugai.fixes.v1");
    assertThat(topics.detections().name()).isEqualTo("tugai.detections.v1");
    assertThat(topics.deployments().name()).isEqualTo("tugai.deployments.v1");
    assertThat(topics.crossings().name()).isEqualTo("tugai.crossings.v1");
    assertThat(topics.alerts().name()).isEqualTo("tugai.alerts.v1");
    assertThat(topics.deadLetters().name()).isEqualTo("tugai.deadletter.v1");
    assertThat(topics.deployments().compacted()).isTrue();
    assertThat(topics.fixes().compacted()).isFalse();
  }

  @Test
  void prefixNamespacesEveryTopic() {
    Topics topics = Topics.of("it-42.", SchemaCatalog.released());
    assertThat(topics.all()).allSatisfy(t -> assertThat(t.name()).startsWith("it-42.tugai."));
    assertThat(topics.all().stream().map(TopicSpec::name).distinct()).hasSize(topics.all().size());
  }

  @Test
  void rejectsAPrefixKafkaWouldRefuse() {
    assertThatThrownBy(() -> Topics.of("my topic/", SchemaCatalog.released()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("my topic/");
  }
}
