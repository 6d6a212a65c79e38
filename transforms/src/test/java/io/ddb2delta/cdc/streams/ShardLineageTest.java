package io.ddb2delta.cdc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.cdc.streams.ShardLineage.ShardLink;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which shards may be read, given what is finished: parents fully before children. */
class ShardLineageTest {

  @Test
  void aChildListedFirstWaitsForItsOpenParent() {
    List<ShardLink> shards =
        List.of(
            new ShardLink("child-a", "parent"),
            new ShardLink("child-b", "parent"),
            new ShardLink("parent", "gone"),
            new ShardLink("other", null));

    // "gone" is not listed (trimmed), so "parent" may be read; its children wait.
    assertThat(ShardLineage.readable(shards, Set.of())).containsExactly("parent", "other");
    assertThat(ShardLineage.readable(shards, Set.of("parent")))
        .containsExactly("child-a", "child-b", "other");
    assertThat(ShardLineage.readable(shards, Set.of("parent", "child-a", "other")))
        .containsExactly("child-b");
  }

  @Test
  void aRolloverChainIsReadOneShardAtATime() {
    List<ShardLink> shards =
        List.of(new ShardLink("s1", null), new ShardLink("s2", "s1"), new ShardLink("s3", "s2"));

    assertThat(ShardLineage.readable(shards, Set.of())).containsExactly("s1");
    assertThat(ShardLineage.readable(shards, Set.of("s1"))).containsExactly("s2");
    assertThat(ShardLineage.readable(shards, Set.of("s1", "s2"))).containsExactly("s3");
    assertThat(ShardLineage.readable(shards, Set.of("s1", "s2", "s3"))).isEmpty();
  }

  @Test
  void whenTheParentExpiresItsChildrenBecomeReadable() {
    List<ShardLink> shards = List.of(new ShardLink("a", "p"), new ShardLink("b", "p"));

    assertThat(ShardLineage.readable(shards, Set.of())).containsExactly("a", "b");
  }

  @Test
  void ancestorsFollowParentsUpToTheFirstUnlistedOne() {
    List<ShardLink> shards =
        List.of(
            new ShardLink("s1", "expired"),
            new ShardLink("s2", "s1"),
            new ShardLink("s3a", "s2"),
            new ShardLink("s3b", "s2"),
            new ShardLink("other", null));

    assertThat(ShardLineage.ancestors(shards, "s3a")).containsExactly("s2", "s1", "expired");
    assertThat(ShardLineage.ancestors(shards, "other")).isEmpty();
    assertThat(ShardLineage.descendsFromAny(shards, "s3b", Set.of("s1"))).isTrue();
    assertThat(ShardLineage.descendsFromAny(shards, "s3b", Set.of("s3a"))).isFalse();
    assertThat(ShardLineage.descendsFromAny(shards, "s2", Set.of("s2"))).isFalse();
  }

  @Test
  void theNoStreamMessageSaysHowToEnableOne() {
    assertThat(ShardLineage.noStreamMessage("orders"))
        .contains("table orders has no DynamoDB stream")
        .contains("NEW_AND_OLD_IMAGES")
        .contains("aws-setup --tables orders");
  }
}
