package io.ddb2delta.pipelines.aws;

import java.net.URI;
import org.apache.beam.sdk.io.aws2.common.ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.common.ClientConfiguration;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;

/**
 * Beam's default AWS client builder, except that a client for a loopback endpoint speaks JSON, not
 * CBOR: it sets {@code aws.cborEnabled=false} in the JVM that builds the client, before the client
 * is built.
 *
 * <p>Why a factory: kinesalite cannot parse CBOR, and a CBOR read hangs (FACTS §3). On the Spark
 * runner the Kinesis clients are built on the executors, whose JVMs never see the driver's system
 * properties; Beam ships this class name to them in the pipeline options, so every executor
 * switches before its first client. Clients for AWS endpoints are untouched.
 */
public final class LoopbackJsonClientBuilderFactory implements ClientBuilderFactory {
  private final ClientBuilderFactory delegate = ClientBuilderFactory.defaultFactory();

  @Override
  public <BuilderT extends AwsClientBuilder<BuilderT, ClientT>, ClientT> BuilderT create(
      BuilderT builder, ClientConfiguration config, @Nullable AwsOptions options) {
    URI endpoint = config.endpoint();
    if (endpoint == null && options != null) {
      endpoint = options.getEndpoint();
    }
    if (LocalAws.isLoopback(endpoint)) {
      System.setProperty("aws.cborEnabled", "false");
    }
    return delegate.create(builder, config, options);
  }

  @Override
  public void checkConfiguration(ClientConfiguration config, @Nullable AwsOptions options) {
    delegate.checkConfiguration(config, options);
  }
}
