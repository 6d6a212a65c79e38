package io.ddb2delta.pipelines.aws;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/**
 * The region and static credentials that every local endpoint accepts, and the Beam flags that
 * carry them.
 *
 * <p>s3proxy checks the signature against this pair; DynamoDB Local and kinesalite accept any
 * credentials. Nothing here is secret.
 */
public final class LocalAws {

  public static final String REGION = "us-east-1";

  /** Letters and digits only: DynamoDB Local rejects any other character in an access key id. */
  public static final String ACCESS_KEY_ID = "ddb2deltaLocalAccessKey";

  public static final String SECRET_ACCESS_KEY = "ddb2deltaLocalSecretKey";

  private LocalAws() {}

  public static Region region() {
    return Region.of(REGION);
  }

  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
  }

  /**
   * True for an endpoint on the loopback interface: {@code localhost} or a loopback IP literal
   * ({@code 127.x.x.x}, {@code ::1}). Host names are not looked up, so nothing here waits on DNS.
   */
  public static boolean isLoopback(@Nullable URI endpoint) {
    String host = endpoint == null ? null : endpoint.getHost();
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String literal =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The local stack's fixed, non-secret credentials for a loopback endpoint; the AWS default chain
   * for any other endpoint, or none.
   */
  public static AwsCredentialsProvider credentialsFor(@Nullable URI endpoint) {
    return isLoopback(endpoint) ? credentials() : DefaultCredentialsProvider.builder().build();
  }

  /**
   * Builds a client of {@code builder} in {@code region}, at {@code endpoint} when one is given,
   * with {@link #credentialsFor} it.
   */
  public static <B extends AwsClientBuilder<B, C>, C> C client(
      B builder, String region, @Nullable URI endpoint) {
    builder.region(Region.of(region)).credentialsProvider(credentialsFor(endpoint));
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  /**
   * {@code --awsRegion}, {@code --endpoint} and {@code --awsCredentialsProvider} for Beam's AWS
   * IOs. The credentials option is JSON, with the keys {@code accessKeyId}/{@code secretAccessKey}
   * that Beam 2.70 expects.
   */
  public static List<String> beamArgs(URI endpoint) {
    return List.of(
        "--awsRegion=" + REGION,
        "--endpoint=" + endpoint,
        "--awsCredentialsProvider={\"@type\":\"StaticCredentialsProvider\",\"accessKeyId\":\""
            + ACCESS_KEY_ID
            + "\",\"secretAccessKey\":\""
            + SECRET_ACCESS_KEY
            + "\"}");
  }

  public static URI loopback(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }
}
