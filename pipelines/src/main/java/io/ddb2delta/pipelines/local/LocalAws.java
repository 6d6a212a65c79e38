package io.ddb2delta.pipelines.local;

import java.net.URI;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
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
   * {@code --awsRegion}, {@code --endpoint} and {@code --awsCredentialsProvider} for Beam's AWS
   * IOs. The credentials option is JSON, with the keys {@code accessKeyId}/{@code secretAccessKey}
   * that Beam 2.70 expects.
   */
  static List<String> beamArgs(URI endpoint) {
    return List.of(
        "--awsRegion=" + REGION,
        "--endpoint=" + endpoint,
        "--awsCredentialsProvider={\"@type\":\"StaticCredentialsProvider\",\"accessKeyId\":\""
            + ACCESS_KEY_ID
            + "\",\"secretAccessKey\":\""
            + SECRET_ACCESS_KEY
            + "\"}");
  }

  static URI loopback(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }
}
