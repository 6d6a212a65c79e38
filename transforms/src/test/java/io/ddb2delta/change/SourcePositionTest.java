package io.ddb2delta.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourcePositionTest {
  @Test
  void eachSourcesColumnTextParsesBackToItsPosition() {
    assertThat(SourcePosition.parse("kinesis orders-cdc shard shardId-000000000002 sequence 4959"))
        .isEqualTo(
            new SourcePosition(SourceKind.KINESIS, "orders-cdc", "shardId-000000000002", "4959"));
    assertThat(
            SourcePosition.parse(
                "stream arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-12-01T00:00:00.000"
                    + " shard shardId-00000001-abc sequence 000000000000000000042"))
        .isEqualTo(
            new SourcePosition(
                SourceKind.DYNAMODB_STREAMS,
                "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-12-01T00:00:00.000",
                "shardId-00000001-abc",
                "000000000000000000042"));
    // An S3 key may hold spaces; the line number is after the last " line ".
    assertThat(
            SourcePosition.parse(
                "export 01700000000000-a1b2 file AWSDynamoDB/data/my file.json.gz line 17"))
        .isEqualTo(
            SourcePosition.exportLine(
                "01700000000000-a1b2", "AWSDynamoDB/data/my file.json.gz", 17));
  }

  @Test
  void anythingElseIsRefusedWithTheText() {
    assertThatThrownBy(() -> SourcePosition.parse("kinesis s sequence 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a kinesis position: kinesis s sequence 1");
    assertThatThrownBy(() -> SourcePosition.parse("s3 x"))
        .hasMessage("not a source position: s3 x");
  }
}
