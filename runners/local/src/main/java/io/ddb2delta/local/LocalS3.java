package io.ddb2delta.local;

import io.ddb2delta.pipelines.aws.LocalAws;
import io.ddb2delta.pipelines.aws.PathStyleS3ClientBuilderFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An in-memory S3 endpoint (embedded s3proxy) bound to 127.0.0.1, on a free or given port.
 *
 * <p>Requests must be signed (AWS V2 or V4) with {@link LocalAws#ACCESS_KEY_ID} and {@link
 * LocalAws#SECRET_ACCESS_KEY}; unknown headers are ignored, because Beam always sends {@code
 * x-amz-server-side-encryption-bucket-key-enabled}. Objects live only as long as the server. {@link
 * #client()} and {@link #pipelineArgs()} are set up for this endpoint (path-style, region
 * us-east-1, checksums only when required); {@link #close()} stops the server and closes the
 * client.
 */
public final class LocalS3 implements AutoCloseable {

  private final BlobStoreContext blobStore;
  private final S3Proxy proxy;
  private final URI endpoint;
  private final S3Client client;

  private LocalS3(BlobStoreContext blobStore, S3Proxy proxy) {
    this.blobStore = blobStore;
    this.proxy = proxy;
    this.endpoint = LocalAws.loopback(proxy.getPort());
    this.client =
        S3Client.builder()
            .endpointOverride(endpoint)
            .region(LocalAws.region())
            .credentialsProvider(LocalAws.credentials())
            .forcePathStyle(true)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .build();
  }

  /** Starts a server with an empty store on a free port; returns once it accepts connections. */
  public static LocalS3 start() {
    return start(0);
  }

  /**
   * Starts a server with an empty store on {@code port} (0: a free one); returns once it accepts
   * connections.
   */
  public static LocalS3 start(int port) {
    BlobStoreContext blobStore =
        ContextBuilder.newBuilder("transient-nio2")
            .credentials("unused", "unused")
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(blobStore.getBlobStore())
            .endpoint(LocalAws.loopback(port))
            .awsAuthentication(
                AuthenticationType.AWS_V2_OR_V4, LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY)
            .ignoreUnknownHeaders(true)
            .build();
    try {
      proxy.start();
    } catch (Exception e) {
      blobStore.close();
      throw new IllegalStateException("s3proxy did not start", e);
    }
    return new LocalS3(blobStore, proxy);
  }

  /** {@code http://127.0.0.1:<bound port>}. */
  public URI endpoint() {
    return endpoint;
  }

  /** A client for this endpoint, owned by the server: do not close it. */
  public S3Client client() {
    return client;
  }

  public void createBucket(String bucket) {
    client.createBucket(b -> b.bucket(bucket));
  }

  /**
   * Uploads every regular file under {@code localDir} to {@code keyPrefix} plus its relative path,
   * with {@code /} separators; a non-empty prefix without a trailing slash gets one.
   */
  public void uploadDirectory(Path localDir, String bucket, String keyPrefix) {
    String prefix = keyPrefix.isEmpty() || keyPrefix.endsWith("/") ? keyPrefix : keyPrefix + "/";
    try (Stream<Path> files = Files.walk(localDir)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String key =
            prefix
                + localDir
                    .relativize(file)
                    .toString()
                    .replace(file.getFileSystem().getSeparator(), "/");
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot upload " + localDir, e);
    }
  }

  /**
   * The Beam options that point the AWS IOs and the {@code s3://} file system at this server, using
   * {@link PathStyleS3ClientBuilderFactory}. Parse them as {@code S3Options} (or an interface
   * extending it): Beam 2.70 registers only {@code AwsOptions}, so {@code fromArgs(...).create()}
   * rejects {@code --s3ClientFactoryClass}.
   */
  public List<String> pipelineArgs() {
    List<String> args = new ArrayList<>(LocalAws.beamArgs(endpoint));
    args.add("--s3ClientFactoryClass=" + PathStyleS3ClientBuilderFactory.class.getName());
    return List.copyOf(args);
  }

  @Override
  public void close() throws Exception {
    try {
      client.close();
      proxy.stop();
    } finally {
      blobStore.close();
    }
  }
}
