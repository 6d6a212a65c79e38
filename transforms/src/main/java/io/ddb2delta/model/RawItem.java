package io.ddb2delta.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The original DynamoDB JSON text of an item, and where each top-level attribute ({@code
 * "name":{...}}) sits in it. Lets bronze keep an image exactly as read, and lets {@code
 * _attributes} and key columns be cut from the original text instead of being encoded again.
 *
 * <p>Filled while {@link DynamoJson#readItem(com.fasterxml.jackson.core.JsonParser,
 * DynamoJson.MemberSpans)} parses the item, then {@link #close closed} at the item's end; not
 * thread-safe, and meant for one item only.
 */
public final class RawItem implements DynamoJson.MemberSpans {
  private final String text;
  private final int start;
  private int end = -1;
  private final List<String> names = new ArrayList<>(16);
  private int[] starts = new int[16];
  private int[] ends = new int[16];

  /** An item whose opening brace is at {@code start} in {@code text}. */
  public RawItem(String text, int start) {
    this.text = text;
    this.start = start;
  }

  @Override
  public void member(String name, int memberStart, int memberEnd) {
    int i = names.size();
    if (i == starts.length) {
      starts = java.util.Arrays.copyOf(starts, i * 2);
      ends = java.util.Arrays.copyOf(ends, i * 2);
    }
    names.add(name);
    starts[i] = memberStart;
    ends[i] = memberEnd;
  }

  /** Marks the end of the item: the offset just past its closing brace. */
  public RawItem close(int itemEnd) {
    this.end = itemEnd;
    return this;
  }

  /** The item's text exactly as read. */
  public String json() {
    return text.substring(start, end);
  }

  /** An item of the named attributes, in the order given, cut from the original text. */
  public String select(Collection<String> include) {
    StringBuilder out = new StringBuilder(64).append('{');
    boolean first = true;
    for (String name : include) {
      int i = names.indexOf(name);
      if (i >= 0) {
        first = append(out, i, first);
      }
    }
    return out.append('}').toString();
  }

  /**
   * An item of every attribute except the named ones, in item order, cut from the original text.
   */
  public String except(Collection<String> exclude) {
    StringBuilder out = new StringBuilder(end - start).append('{');
    boolean first = true;
    for (int i = 0; i < names.size(); i++) {
      if (!exclude.contains(names.get(i))) {
        first = append(out, i, first);
      }
    }
    return out.append('}').toString();
  }

  private boolean append(StringBuilder out, int i, boolean first) {
    if (!first) {
      out.append(',');
    }
    out.append(text, starts[i], ends[i]);
    return false;
  }
}
