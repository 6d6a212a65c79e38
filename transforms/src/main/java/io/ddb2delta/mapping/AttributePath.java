package io.ddb2delta.mapping;

import io.ddb2delta.model.DynamoValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A path into an item: a top-level attribute name followed by map keys ({@code .city}) and list
 * indexes ({@code [0]}). Attribute names that contain dots or brackets are written in backticks, as
 * in {@code `order.id`}.
 */
public record AttributePath(String text, List<Object> steps) implements Serializable {

  public AttributePath {
    steps = List.copyOf(steps);
    if (steps.isEmpty() || !(steps.get(0) instanceof String)) {
      throw new IllegalArgumentException("attribute path \"" + text + "\" must start with a name");
    }
  }

  public static AttributePath parse(String text) {
    List<Object> steps = new ArrayList<>();
    int i = 0;
    int n = text.length();
    boolean expectName = true;
    while (i < n) {
      char c = text.charAt(i);
      if (expectName) {
        if (c == '`') {
          int end = text.indexOf('`', i + 1);
          if (end < 0) {
            throw new IllegalArgumentException("unclosed ` in attribute path \"" + text + "\"");
          }
          steps.add(text.substring(i + 1, end));
          i = end + 1;
        } else {
          int start = i;
          while (i < n && text.charAt(i) != '.' && text.charAt(i) != '[') {
            i++;
          }
          if (start == i) {
            throw new IllegalArgumentException("empty name in attribute path \"" + text + "\"");
          }
          steps.add(text.substring(start, i));
        }
        expectName = false;
      } else if (c == '.') {
        i++;
        expectName = true;
      } else if (c == '[') {
        int end = text.indexOf(']', i);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed [ in attribute path \"" + text + "\"");
        }
        try {
          steps.add(Integer.parseInt(text.substring(i + 1, end)));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad list index in attribute path \"" + text + "\"");
        }
        i = end + 1;
      } else {
        throw new IllegalArgumentException(
            "unexpected '" + c + "' in attribute path \"" + text + "\"");
      }
    }
    if (expectName) {
      throw new IllegalArgumentException("attribute path \"" + text + "\" ends with a dot");
    }
    return new AttributePath(text, steps);
  }

  /** The top-level attribute this path starts from. */
  public String topLevel() {
    return (String) steps.get(0);
  }

  /** True when the path names a top-level attribute itself, not something inside it. */
  public boolean isTopLevel() {
    return steps.size() == 1;
  }

  /** The value at this path, or null when any step is absent or of another shape. */
  public @Nullable DynamoValue resolve(Map<String, DynamoValue> item) {
    DynamoValue v = item.get(topLevel());
    for (int s = 1; s < steps.size() && v != null; s++) {
      Object step = steps.get(s);
      if (step instanceof String key) {
        v = v instanceof DynamoValue.M m ? m.value().get(key) : null;
      } else {
        int index = (Integer) step;
        v = v instanceof DynamoValue.L l && index < l.value().size() ? l.value().get(index) : null;
      }
    }
    return v;
  }

  @Override
  public String toString() {
    return text;
  }
}
