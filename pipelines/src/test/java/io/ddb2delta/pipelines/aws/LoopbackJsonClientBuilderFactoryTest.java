package io.ddb2delta.pipelines.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.apache.beam.sdk.io.aws2.common.ClientConfiguration;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

class LoopbackJsonClientBuilderFactoryTest {
  private String saved;

  @BeforeEach
  void clear() {
    saved = System.clearProperty("aws.cborEnabled");
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty("aws.cborEnabled");
    } else {
      System.setProperty("aws.cborEnabled", saved);
    }
  }

  @Test
  void aClientForALoopbackEndpointIsBuiltWithCborOff() {
    ClientConfiguration config =
        ClientConfiguration.builder()
            .endpoint(URI.create("http://127.0.0.1:4567"))
            .region(Region.US_EAST_1)
            .build();
    AwsOptions options = PipelineOptionsFactory.create().as(AwsOptions.class);

    try (KinesisClient client =
        new LoopbackJsonClientBuilderFactory()
            .create(KinesisClient.builder(), config, options)
            .build()) {
      assertThat(client).isNotNull();
    }

    assertThat(System.getProperty("aws.cborEnabled")).isEqualTo("false");
  }

  @Test
  void aClientForAwsLeavesCborAlone() {
    ClientConfiguration config = ClientConfiguration.builder().region(Region.US_EAST_1).build();
    AwsOptions options = PipelineOptionsFactory.create().as(AwsOptions.class);

    try (KinesisClient client =
        new LoopbackJsonClientBuilderFactory()
            .create(KinesisClient.builder(), config, options)
            .build()) {
      assertThat(client).isNotNull();
    }

    assertThat(System.getProperty("aws.cborEnabled")).isNull();
  }

  @Test
  void beamCanInstantiateItFromTheOptions() {
    AwsOptions options =
        PipelineOptionsFactory.fromArgs(
                "--clientBuilderFactory=" + LoopbackJsonClientBuilderFactory.class.getName())
            .as(AwsOptions.class);

    assertThat(
            org.apache.beam.sdk.io.aws2.common.ClientBuilderFactory.getFactory(options).getClass())
        .isEqualTo(LoopbackJsonClientBuilderFactory.class);
  }
}
