package io.ddb2delta.tools;

import io.ddb2delta.model.DynamoValue;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic items for the four {@link SyntheticTable}s.
 *
 * <p>Guarantees: item {@code i} depends only on (seed, table, i), so any item can be made alone, in
 * any order, on any machine; every item has its table's mapped attributes with fixed types (ids and
 * ISO-8601 instants as S, money as N with two decimals) plus a varying mix of attributes that a
 * table mapping leaves unmapped: nested M and L, sets, BOOL, NULL, and attributes that are
 * sometimes absent. {@link #updated} gives a later version of the same item, for incremental
 * exports.
 */
public final class SyntheticItems {
  /** Orders and transactions refer to this many customers and products. */
  static final int CUSTOMERS = 50_000;

  static final int PRODUCTS = 5_000;

  // Items are created before UPDATES_FROM and updated before the earliest export time (December
  // 2024), so no timestamp in an item is later than the export that holds it.
  private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant UPDATES_FROM = Instant.parse("2024-11-01T00:00:00Z");
  private static final long CREATION_MILLIS = EPOCH.until(UPDATES_FROM, ChronoUnit.MILLIS);
  private static final long UPDATE_MILLIS = 30L * 24 * 3600 * 1000;
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private static final String[] FIRST_NAMES = {
    "Ava",
    "Liam",
    "Noor",
    "Mateo",
    "Yuki",
    "Chloé",
    "Oluwaseun",
    "Søren",
    "Priya",
    "Zoë",
    "Ivan",
    "Mei"
  };
  private static final String[] LAST_NAMES = {
    "Smith", "García", "Okafor", "Tanaka", "Müller", "Nguyen", "Kowalski", "Haddad", "Silva", "Kim"
  };
  private static final String[] CITIES = {
    "Seattle", "Austin", "London", "Berlin", "São Paulo", "Tokyo", "Lagos", "Mumbai", "Kraków"
  };
  private static final String[] COUNTRIES = {"US", "US", "US", "GB", "DE", "BR", "JP", "NG", "IN"};
  private static final String[] STREETS = {"Main St", "Oak Ave", "Pine Rd", "Market St", "Elm Way"};
  private static final String[] ORDER_STATUSES = {
    "pending", "shipped", "shipped", "completed", "completed", "completed", "cancelled"
  };
  private static final String[] ORDER_TAGS = {"gift", "rush", "fragile", "bulk", "vip", "promo"};
  private static final String[] CARRIERS = {"UPS", "FedEx", "DHL", "USPS"};
  private static final String[] TIERS = {"free", "free", "free", "plus", "plus", "pro"};
  private static final String[] LANGUAGES = {"en", "de", "pt-BR", "ja", "fr"};
  private static final String[] DEVICES = {"ios", "android", "web", "desktop"};
  private static final String[] ADJECTIVES = {"Classic", "Ultra", "Eco", "Compact", "Deluxe"};
  private static final String[] NOUNS = {"Backpack", "Kettle", "Headphones", "Lamp", "Sneakers"};
  private static final String[] CATEGORIES = {"bags", "kitchen", "audio", "home", "shoes"};
  private static final String[] CURRENCIES = {"USD", "USD", "EUR", "GBP", "JPY"};
  private static final String[] PAYMENT_METHODS = {"card", "card", "paypal", "bank_transfer"};
  private static final String[] TRANSACTION_STATUSES = {
    "authorized", "captured", "captured", "refunded", "failed"
  };
  private static final String[] CARD_BRANDS = {"visa", "mastercard", "amex"};

  private final SyntheticTable table;
  private final long seed;

  public SyntheticItems(SyntheticTable table, long seed) {
    this.table = table;
    this.seed = seed;
  }

  public SyntheticTable table() {
    return table;
  }

  /** Item {@code index}, as it stands in a full export. */
  public Map<String, DynamoValue> item(long index) {
    SplittableRandom random = random(index, 0);
    return switch (table) {
      case USERS -> user(index, random);
      case ORDERS -> order(index, random);
      case PRODUCTS -> product(index, random);
      case TRANSACTIONS -> transaction(index, random);
    };
  }

  /** A later version of item {@code index}: some attributes changed, one added, one dropped. */
  public Map<String, DynamoValue> updated(long index) {
    Map<String, DynamoValue> item = new LinkedHashMap<>(item(index));
    SplittableRandom random = random(index, 1);
    Instant at = UPDATES_FROM.plusMillis(random.nextLong(UPDATE_MILLIS));
    switch (table) {
      case USERS -> {
        item.put("tier", s(pick(random, TIERS)));
        item.put("marketing_opt_in", DynamoValue.Bool.of(random.nextBoolean()));
        item.put("last_login_at", s(iso(at)));
        item.remove("referral_code");
      }
      case ORDERS -> {
        String status = ((DynamoValue.S) item.get("status")).value();
        item.put("status", s(nextOrderStatus(status)));
        item.put("updated_at", s(iso(at)));
        item.remove("coupon");
      }
      case PRODUCTS -> {
        item.put("price", money(random, 100, 99_999));
        item.put("stock", DynamoValue.N.of(random.nextInt(0, 5_001)));
        item.put("updated_at", s(iso(at)));
        item.remove("average_rating");
      }
      case TRANSACTIONS -> {
        item.put("status", s(random.nextBoolean() ? "captured" : "refunded"));
        item.put("settled_at", s(iso(at)));
        item.remove("processor_response");
      }
    }
    return item;
  }

  /** The key attributes of an item of this table. */
  public Map<String, DynamoValue> key(Map<String, DynamoValue> item) {
    String name = table.keyAttribute();
    return Map.of(name, item.get(name));
  }

  /** The key value of item {@code index}, e.g. {@code ord-000000042}. */
  public String id(long index) {
    return switch (table) {
      case USERS -> userId(index);
      case ORDERS -> orderId(index);
      case PRODUCTS -> productId(index);
      case TRANSACTIONS -> padded("txn-", index, 9);
    };
  }

  static String orderId(long index) {
    return padded("ord-", index, 9);
  }

  static String userId(long index) {
    return padded("user-", index, 7);
  }

  static String productId(long index) {
    return padded("prod-", index, 5);
  }

  /**
   * {@code prefix} then {@code number} zero-padded to {@code width} digits; String.format is slow.
   */
  static String padded(String prefix, long number, int width) {
    String digits = Long.toString(number);
    StringBuilder out = new StringBuilder(prefix.length() + Math.max(width, digits.length()));
    out.append(prefix);
    for (int i = digits.length(); i < width; i++) {
      out.append('0');
    }
    return out.append(digits).toString();
  }

  /** An instant as DynamoDB items usually hold it: ISO-8601 UTC with milliseconds. */
  static String iso(Instant instant) {
    return ISO_MILLIS.format(instant);
  }

  private Map<String, DynamoValue> order(long index, SplittableRandom random) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", s(orderId(index)));
    item.put("customer_id", s(userId(random.nextInt(CUSTOMERS))));
    item.put("product_id", s(productId(random.nextInt(PRODUCTS))));
    item.put("amount", money(random, 500, 200_000));
    String status = pick(random, ORDER_STATUSES);
    item.put("status", s(status));
    item.put("created_at", s(iso(instant(random))));
    item.put("shipping_address", address(random));
    item.put("line_items", lineItems(random));
    List<String> tags = subset(random, ORDER_TAGS, 3);
    if (!tags.isEmpty()) {
      item.put("tags", DynamoValue.SS.of(tags));
    }
    item.put("gift", DynamoValue.Bool.of(random.nextInt(5) == 0));
    int coupon = random.nextInt(20);
    if (coupon < 3) {
      item.put("coupon", DynamoValue.Null.INSTANCE);
    } else if (coupon < 7) {
      item.put("coupon", s("SAVE" + (5 * (1 + random.nextInt(4)))));
    }
    if (status.equals("shipped") || status.equals("completed")) {
      item.put(
          "tracking",
          m(
              "carrier",
              s(pick(random, CARRIERS)),
              "number",
              s("1Z" + HexFormat.of().withUpperCase().toHexDigits(random.nextLong()))));
    }
    if (random.nextInt(10) == 0) {
      item.put("notes", s(random.nextBoolean() ? "" : "Leave at the door, please."));
    }
    return item;
  }

  private Map<String, DynamoValue> user(long index, SplittableRandom random) {
    String first = pick(random, FIRST_NAMES);
    String last = pick(random, LAST_NAMES);
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("user_id", s(userId(index)));
    item.put("email", s(asciiLower(first) + "." + asciiLower(last) + "." + index + "@example.com"));
    item.put("name", s(first + " " + last));
    item.put("country", s(pick(random, COUNTRIES)));
    item.put("signup_at", s(iso(instant(random))));
    item.put("tier", s(pick(random, TIERS)));
    item.put("marketing_opt_in", DynamoValue.Bool.of(random.nextBoolean()));
    item.put(
        "preferences",
        m(
            "language",
            s(pick(random, LANGUAGES)),
            "theme",
            s(random.nextBoolean() ? "dark" : "light"),
            "newsletter",
            DynamoValue.Bool.of(random.nextBoolean())));
    List<String> devices = subset(random, DEVICES, 3);
    if (!devices.isEmpty()) {
      item.put("devices", DynamoValue.SS.of(devices));
    }
    int phone = random.nextInt(4);
    if (phone == 0) {
      item.put("phone", DynamoValue.Null.INSTANCE);
    } else if (phone == 1) {
      item.put("phone", s(padded("+1-555-", random.nextInt(10_000), 4)));
    }
    item.put("login_count", DynamoValue.N.of(random.nextInt(0, 2_000)));
    if (random.nextInt(5) == 0) {
      item.put("referral_code", s(String.format(Locale.ROOT, "REF%06X", random.nextInt(1 << 24))));
    }
    return item;
  }

  private Map<String, DynamoValue> product(long index, SplittableRandom random) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    int kind = random.nextInt(NOUNS.length);
    item.put("product_id", s(productId(index)));
    item.put("name", s(pick(random, ADJECTIVES) + " " + NOUNS[kind]));
    item.put("category", s(CATEGORIES[kind]));
    item.put("price", money(random, 100, 99_999));
    item.put("stock", DynamoValue.N.of(random.nextInt(0, 5_001)));
    item.put("updated_at", s(iso(instant(random))));
    item.put(
        "dimensions",
        m(
            "width_cm", decimal(random, 10, 1_000, 1),
            "height_cm", decimal(random, 10, 1_000, 1),
            "depth_cm", decimal(random, 10, 1_000, 1),
            "weight_kg", decimal(random, 50, 20_000, 3)));
    int images = 1 + random.nextInt(3);
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      urls.add("https://img.example.com/" + productId(index) + "/" + i + ".jpg");
    }
    item.put("images", DynamoValue.SS.of(urls));
    if (random.nextInt(3) > 0) {
      item.put("average_rating", decimal(random, 10, 50, 1));
    }
    item.put("discontinued", DynamoValue.Bool.of(random.nextInt(20) == 0));
    item.put(
        "supplier",
        m("name", s(pick(random, LAST_NAMES) + " Ltd"), "country", s(pick(random, COUNTRIES))));
    return item;
  }

  private Map<String, DynamoValue> transaction(long index, SplittableRandom random) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("transaction_id", s(id(index)));
    item.put("order_id", s(orderId(random.nextLong(1_000_000))));
    item.put("customer_id", s(userId(random.nextInt(CUSTOMERS))));
    item.put("amount", money(random, 500, 200_000));
    item.put("currency", s(pick(random, CURRENCIES)));
    String method = pick(random, PAYMENT_METHODS);
    item.put("payment_method", s(method));
    String status = pick(random, TRANSACTION_STATUSES);
    item.put("status", s(status));
    item.put("created_at", s(iso(instant(random))));
    if (method.equals("card")) {
      item.put(
          "card",
          m(
              "brand", s(pick(random, CARD_BRANDS)),
              "last4", s(padded("", random.nextInt(10_000), 4)),
              "exp_month", DynamoValue.N.of(1 + random.nextInt(12)),
              "exp_year", DynamoValue.N.of(2025 + random.nextInt(6))));
    }
    item.put("risk_score", decimal(random, 0, 10_000, 4));
    item.put(
        "processor_response",
        status.equals("failed")
            ? m("code", s("51"), "message", s("insufficient funds"))
            : m("code", s("00"), "message", s("approved")));
    byte[] fingerprint = new byte[16];
    random.nextBytes(fingerprint);
    item.put("fingerprint", DynamoValue.B.of(fingerprint));
    if (status.equals("refunded")) {
      item.put(
          "refunds",
          new DynamoValue.L(
              List.of(m("amount", money(random, 100, 5_000), "reason", s("customer request")))));
    }
    return item;
  }

  private static DynamoValue address(SplittableRandom random) {
    int city = random.nextInt(CITIES.length);
    return m(
        "street", s((1 + random.nextInt(9_999)) + " " + pick(random, STREETS)),
        "city", s(CITIES[city]),
        "postal_code", s(padded("", random.nextInt(100_000), 5)),
        "country", s(COUNTRIES[city]));
  }

  private static DynamoValue lineItems(SplittableRandom random) {
    int count = 1 + random.nextInt(4);
    List<DynamoValue> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      lines.add(
          m(
              "sku", s(padded("SKU-", random.nextInt(PRODUCTS), 5)),
              "quantity", DynamoValue.N.of(1 + random.nextInt(5)),
              "unit_price", money(random, 100, 50_000)));
    }
    return new DynamoValue.L(lines);
  }

  private static String nextOrderStatus(String status) {
    return switch (status) {
      case "pending" -> "shipped";
      case "shipped" -> "completed";
      default -> status;
    };
  }

  /** Money with exactly two decimals, from {@code minCents} to {@code maxCents} inclusive. */
  private static DynamoValue.N money(SplittableRandom random, int minCents, int maxCents) {
    return decimal(random, minCents, maxCents, 2);
  }

  private static DynamoValue.N decimal(SplittableRandom random, int min, int max, int scale) {
    return DynamoValue.N.of(
        BigDecimal.valueOf(random.nextInt(min, max + 1), scale).toPlainString());
  }

  private static Instant instant(SplittableRandom random) {
    return EPOCH.plusMillis(random.nextLong(CREATION_MILLIS));
  }

  private static List<String> subset(SplittableRandom random, String[] choices, int max) {
    int count = random.nextInt(max + 1);
    List<String> picked = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String choice = pick(random, choices);
      if (!picked.contains(choice)) {
        picked.add(choice);
      }
    }
    return picked;
  }

  private static String pick(SplittableRandom random, String[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static String asciiLower(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (char c : Normalizer.normalize(name, Normalizer.Form.NFD).toCharArray()) {
      if (c < 128) {
        out.append(Character.toLowerCase(c));
      }
    }
    return out.toString();
  }

  static DynamoValue.S s(String value) {
    return new DynamoValue.S(value);
  }

  /** A map from alternating names and values, in that order. */
  static DynamoValue.M m(Object... namesAndValues) {
    Map<String, DynamoValue> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], (DynamoValue) namesAndValues[i + 1]);
    }
    return new DynamoValue.M(map);
  }

  /** A random stream for one item and purpose, from (seed, table, index, salt) alone. */
  private SplittableRandom random(long index, long salt) {
    long tableSalt = mix((table.ordinal() + 1) * 0x9E3779B97F4A7C15L + salt);
    return new SplittableRandom(mix(seed ^ tableSalt ^ mix(index + 0x632BE59BD9B4E019L)));
  }

  /** SplitMix64's finaliser: spreads nearby inputs over the whole long range. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
