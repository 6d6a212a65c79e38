package io.ddb2delta.pipelines.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class LocalAwsTest {

  @Test
  void loopbackEndpointsByNameOrLiteral() {
    assertThat(LocalAws.isLoopback(URI.create("http://127.0.0.1:8000"))).isTrue();
    assertThat(LocalAws.isLoopback(URI.create("http://127.0.0.2:8000"))).isTrue();
    assertThat(LocalAws.isLoopback(URI.create("http://localhost:4567"))).isTrue();
    assertThat(LocalAws.isLoopback(URI.create("http://LOCALHOST:4567"))).isTrue();
    assertThat(LocalAws.isLoopback(URI.create("http://[::1]:9090"))).isTrue();
    assertThat(LocalAws.isLoopback(URI.create("http://10.0.0.5:8000"))).isFalse();
    assertThat(LocalAws.isLoopback(URI.create("https://dynamodb.us-east-1.amazonaws.com")))
        .isFalse();
    assertThat(LocalAws.isLoopback(null)).isFalse();
  }

  @Test
  void onlyLoopbackEndpointsGetTheLocalCredentials() {
    assertThat(LocalAws.credentialsFor(URI.create("http://127.0.0.1:8000")))
        .isInstanceOf(StaticCredentialsProvider.class);
    assertThat(LocalAws.credentialsFor(URI.create("https://kinesis.us-east-1.amazonaws.com")))
        .isInstanceOf(DefaultCredentialsProvider.class);
    assertThat(LocalAws.credentialsFor(null)).isInstanceOf(DefaultCredentialsProvider.class);
  }
}
