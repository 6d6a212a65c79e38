package io.ddb2delta.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

class StreamJobEndpointTest {

  private static Ddb2DeltaOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(Ddb2DeltaOptions.class);
  }

  @Test
  void beamsEndpointFlagServesAServiceWithoutItsOwn() {
    Ddb2DeltaOptions o = options("--endpoint=http://127.0.0.1:4567");
    assertThat(StreamJob.endpoint(o.getKinesisEndpoint(), o))
        .isEqualTo(URI.create("http://127.0.0.1:4567"));
    assertThat(StreamJob.endpoint(o.getDynamodbEndpoint(), o))
        .isEqualTo(URI.create("http://127.0.0.1:4567"));
  }

  @Test
  void aServicesOwnEndpointOverridesBeamsFlag() {
    Ddb2DeltaOptions o =
        options("--endpoint=http://127.0.0.1:4567", "--dynamodbEndpoint=http://127.0.0.1:8000");
    assertThat(StreamJob.endpoint(o.getDynamodbEndpoint(), o))
        .isEqualTo(URI.create("http://127.0.0.1:8000"));
    assertThat(StreamJob.endpoint(o.getKinesisEndpoint(), o))
        .isEqualTo(URI.create("http://127.0.0.1:4567"));
  }

  @Test
  void noEndpointAtAllMeansAws() {
    Ddb2DeltaOptions o = options();
    assertThat(StreamJob.endpoint(o.getKinesisEndpoint(), o)).isNull();
  }
}
