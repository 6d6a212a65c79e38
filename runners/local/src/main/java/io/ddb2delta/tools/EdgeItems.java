package io.ddb2delta.tools;

import static io.ddb2delta.tools.SyntheticItems.m;
import static io.ddb2delta.tools.SyntheticItems.s;

import io.ddb2delta.model.DynamoValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A fixed list of {@code orders} items that between them hit every edge of DynamoDB's value model:
 * 38-digit numbers, the smallest and largest magnitudes, negatives, binaries (empty too), every set
 * type, M and L nested to the 32-level limit, a list holding a set and a NULL, NULL next to absent
 * attributes, empty strings, and non-ASCII text.
 *
 * <p>Guarantees: every item has the mapped {@code orders} attributes ({@code order_id}, {@code
 * customer_id}, {@code product_id}, {@code amount} with two decimals, {@code status}, {@code
 * created_at}) with their usual types, so each one maps; the edges are in the other attributes. The
 * order ids ({@code ord-edge-01}, ...) never collide with {@link SyntheticItems}' ids.
 */
public final class EdgeItems {
  static final String MAX_DIGITS = "12345678901234567890123456789012345678";
  static final String SMALLEST = "1E-130";
  static final String LARGEST = "9.9999999999999999999999999999999999999E+125";

  private EdgeItems() {}

  public static List<Map<String, DynamoValue>> orders() {
    return Stream.of(
            numbers(),
            binaries(),
            sets(),
            nested(),
            nullNotAbsent(),
            absentNotNull(),
            strings(),
            onlyMappedAttributes())
        .map(Collections::unmodifiableMap)
        .toList();
  }

  private static Map<String, DynamoValue> numbers() {
    Map<String, DynamoValue> item = base(1, "-15.00", "cancelled");
    item.put("max_digits", n(MAX_DIGITS));
    item.put("max_digits_negative", n("-" + MAX_DIGITS));
    item.put("max_digits_fraction", n("0.12345678901234567890123456789012345678"));
    item.put("smallest", n(SMALLEST));
    item.put("smallest_negative", n("-" + SMALLEST));
    item.put("largest", n(LARGEST));
    item.put("largest_negative", n("-" + LARGEST));
    item.put("negative", n("-42.5"));
    item.put("zero", n("0"));
    item.put("scientific", n("6.02214076E+23"));
    return item;
  }

  private static Map<String, DynamoValue> binaries() {
    Map<String, DynamoValue> item = base(2, "99.99", "completed");
    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }
    item.put("receipt", DynamoValue.B.of(everyByte));
    item.put("empty_binary", DynamoValue.B.of(new byte[0]));
    item.put("thumbnail", DynamoValue.B.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a}));
    return item;
  }

  private static Map<String, DynamoValue> sets() {
    Map<String, DynamoValue> item = base(3, "2000.00", "shipped");
    item.put("tags", DynamoValue.SS.of(List.of("gift", "", "ünïcödé", "rush")));
    item.put(
        "lucky_numbers",
        DynamoValue.NS.of(List.of(n("7"), n("-1"), n(MAX_DIGITS), n(SMALLEST), n("3.14"))));
    item.put(
        "attachments",
        DynamoValue.BS.of(
            List.of(
                DynamoValue.B.of(new byte[] {0}),
                DynamoValue.B.of(new byte[] {(byte) 0xff, (byte) 0xfe}),
                DynamoValue.B.of(new byte[] {1, 2, 3}))));
    item.put("single_member", DynamoValue.SS.of(List.of("only")));
    return item;
  }

  private static Map<String, DynamoValue> nested() {
    Map<String, DynamoValue> item = base(4, "5.00", "pending");
    item.put(
        "shipping_address",
        m(
            "street", s("1 Infinite Loop"),
            "geo", m("lat", n("37.33182"), "lon", n("-122.03118")),
            "history", new DynamoValue.L(List.of(m("city", s("Austin")), m("city", s("Oslo"))))));
    item.put(
        "line_items",
        new DynamoValue.L(
            List.of(
                m("sku", s("SKU-1"), "quantity", n("1"), "unit_price", n("5.00")),
                DynamoValue.SS.of(List.of("a", "b")),
                DynamoValue.NS.of(List.of(n("1"), n("2"))),
                DynamoValue.Null.INSTANCE,
                new DynamoValue.L(List.of(new DynamoValue.L(List.of(n("1"))))),
                new DynamoValue.L(List.of()),
                m())));
    item.put("deepest", deepest());
    return item;
  }

  /** M nested 32 levels deep, DynamoDB's limit, counting this attribute's own map. */
  private static DynamoValue deepest() {
    DynamoValue value = m("level", n("32"));
    for (int level = 31; level >= 1; level--) {
      value = m("level", n(Integer.toString(level)), "next", value);
    }
    return value;
  }

  private static Map<String, DynamoValue> nullNotAbsent() {
    Map<String, DynamoValue> item = base(5, "10.00", "completed");
    item.put("coupon", DynamoValue.Null.INSTANCE);
    item.put("gift", DynamoValue.Null.INSTANCE);
    item.put("notes", DynamoValue.Null.INSTANCE);
    return item;
  }

  private static Map<String, DynamoValue> absentNotNull() {
    Map<String, DynamoValue> item = base(6, "10.00", "completed");
    item.put("gift", DynamoValue.Bool.FALSE);
    return item;
  }

  private static Map<String, DynamoValue> strings() {
    Map<String, DynamoValue> item = base(7, "123.45", "shipped");
    item.put("notes", s(""));
    item.put("greeting", s("Grüße aus Köln — 東京 🎁 שלום"));
    item.put("combining", s("e\u0301 n\u0303"));
    item.put("escapes", s("quote \" backslash \\ tab \t newline \n slash /"));
    item.put("control", s("\u0000\u0001\u001f"));
    item.put("long_text", s("lorem ipsum ".repeat(200)));
    item.put("ünïcödé_name", s("attribute names can be unicode too"));
    return item;
  }

  private static Map<String, DynamoValue> onlyMappedAttributes() {
    return base(8, "0.01", "pending");
  }

  private static Map<String, DynamoValue> base(int number, String amount, String status) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", s(String.format(Locale.ROOT, "ord-edge-%02d", number)));
    item.put("customer_id", s(SyntheticItems.userId(number)));
    item.put("product_id", s(SyntheticItems.productId(number)));
    item.put("amount", n(amount));
    item.put("status", s(status));
    item.put("created_at", s("2024-02-29T23:59:59.999Z"));
    return item;
  }

  private static DynamoValue.N n(String text) {
    return DynamoValue.N.of(text);
  }
}
