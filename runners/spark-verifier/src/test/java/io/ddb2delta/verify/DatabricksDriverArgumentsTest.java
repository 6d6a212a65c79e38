package io.ddb2delta.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.verify.DatabricksDriver.Arguments;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabricksDriverArgumentsTest {

  @Test
  void passesEverythingAfterTheSeparatorToTheJobWithTheRunNumberFilledIn() {
    Arguments arguments =
        Arguments.parse(
            "--main",
            "a.Job",
            "--queries",
            "q.json",
            "--out",
            "o.json",
            "--runs",
            "2",
            "--",
            "--out=x",
            "--summaryFile=s-{run}.json");

    assertThat(arguments.mainClass()).isEqualTo("a.Job");
    assertThat(arguments.queries()).isEqualTo(Path.of("q.json"));
    assertThat(arguments.out()).isEqualTo(Path.of("o.json"));
    assertThat(arguments.runs()).isEqualTo(2);
    assertThat(arguments.jobArgs(2)).containsExactly("--out=x", "--summaryFile=s-2.json");
  }

  @Test
  void runsOnceWithNoJobArgumentsByDefault() {
    Arguments arguments = Arguments.parse("--main", "a.Job", "--queries", "q", "--out", "o");

    assertThat(arguments.runs()).isEqualTo(1);
    assertThat(arguments.jobArgs(1)).isEmpty();
  }

  @Test
  void rejectsMissingOptionsAndRunCountsBelowOne() {
    assertThatThrownBy(() -> Arguments.parse("--queries", "q", "--out", "o"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--main");
    assertThatThrownBy(
            () -> Arguments.parse("--main", "a.Job", "--queries", "q", "--out", "o", "--runs", "0"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(DatabricksDriver.run("--main", "a.Job")).isEqualTo(SparkSqlVerifier.USAGE);
  }
}
