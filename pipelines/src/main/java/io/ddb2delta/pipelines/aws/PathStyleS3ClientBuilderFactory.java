package io.ddb2delta.pipelines.aws;

import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds Beam's S3 clients like {@link DefaultS3ClientBuilderFactory} (region, endpoint,
 * credentials and client settings from the pipeline options), but with path-style addressing and
 * checksums only where S3 requires them.
 *
 * <p>Select it with {@code
 * --s3ClientFactoryClass=io.ddb2delta.pipelines.aws.PathStyleS3ClientBuilderFactory} to reach a
 * local S3 endpoint such as s3proxy or MinIO: {@code S3Options} has no path-style flag, and
 * virtual-host addressing would send {@code bucket.127.0.0.1}. The AWS SDK 2.40 default of
 * computing and validating flexible checksums on every request makes PutObject and GetObject fail
 * against those endpoints. Both settings also work against AWS itself.
 */
public final class PathStyleS3ClientBuilderFactory implements S3ClientBuilderFactory {

  private final S3ClientBuilderFactory defaults = new DefaultS3ClientBuilderFactory();

  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    return defaults
        .createBuilder(options)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
  }
}
