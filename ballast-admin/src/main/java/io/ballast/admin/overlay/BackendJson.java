package io.ballast.admin.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.core.config.BackendConfig;
import io.ballast.core.config.HostPort;
import io.ballast.core.config.RuntimeOverlay;
import io.ballast.core.model.AdminState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Backends as JSON, with the config file's rules and key names ({@code id}, {@code address}, {@code
 * weight}, {@code vm}, {@code host}, {@code state}, {@code max-connections}). Used for the admin
 * API's request bodies and for the overlay file, so both accept exactly what {@code ballast.yaml}
 * accepts.
 */
public final class BackendJson {
  /** The keys a backend object may have, in the order they are written. */
  public static final List<String> KEYS =
      List.of("id", "address", "weight", "vm", "host", "state", "max-connections");

  private BackendJson() {}

  /** A backend as JSON: every key, {@code null} for an absent VM or host. */
  public static ObjectNode write(BackendConfig b) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", b.id());
    o.put("address", b.address().toString());
    o.put("weight", b.weight());
    o.put("vm", b.vm());
    o.put("host", b.host());
    o.put("state", stateName(b.state()));
    o.put("max-connections", b.maxConnections());
    return o;
  }

  /** {@code active}, {@code draining}, {@code maintenance}. */
  public static String stateName(AdminState s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a backend object: {@code id} and {@code address} required, the rest defaults as in the
   * config file (weight 100, state active).
   *
   * @param path the object's path for messages ({@code ""} for a request body)
   */
  public static BackendConfig read(JsonNode node, String path) throws FieldException {
    if (node == null || !node.isObject()) {
      throw FieldException.malformed(path, "expected an object");
    }
    checkKeys(node, path, Set.copyOf(KEYS));
    String id = requiredText(node, path, "id");
    if (!RuntimeOverlay.isValidName(id)) {
      throw FieldException.invalid(
          join(path, "id"),
          "'"
              + id
              + "' is not a valid id (lower-case letters, digits, '.', '_', '-'; starting with a"
              + " letter or digit)");
    }
    String addressText = requiredText(node, path, "address");
    HostPort address;
    try {
      address = HostPort.parse(addressText);
    } catch (IllegalArgumentException e) {
      throw FieldException.invalid(join(path, "address"), e.getMessage());
    }
    if (address.isWildcard()) {
      throw FieldException.invalid(
          join(path, "address"), "'" + addressText + "' is a wildcard; a backend needs an address");
    }
    int weight =
        node.has("weight") && !node.get("weight").isNull()
            ? weight(node.get("weight"), join(path, "weight"))
            : BackendConfig.DEFAULT_WEIGHT;
    String vm = optionalText(node, path, "vm");
    String host = optionalText(node, path, "host");
    AdminState state =
        node.has("state") && !node.get("state").isNull()
            ? state(node.get("state"), join(path, "state"))
            : AdminState.ACTIVE;
    int maxConnections =
        node.has("max-connections") && !node.get("max-connections").isNull()
            ? integer(
                node.get("max-connections"), join(path, "max-connections"), 0, Integer.MAX_VALUE)
            : 0;
    return new BackendConfig(id, address, weight, vm, host, state, maxConnections);
  }

  /** A weight: an integer 0..10000. */
  public static int weight(JsonNode value, String path) throws FieldException {
    return integer(value, path, 0, BackendConfig.MAX_WEIGHT);
  }

  /** An admin state: {@code active}, {@code draining} or {@code maintenance}. */
  public static AdminState state(JsonNode value, String path) throws FieldException {
    if (!value.isTextual()) {
      throw FieldException.malformed(
          path, "expected a string (active, draining or maintenance), got " + describe(value));
    }
    String s = value.asText();
    for (AdminState st : AdminState.values()) {
      if (stateName(st).equals(s)) {
        return st;
      }
    }
    throw FieldException.invalid(
        path, "unknown value '" + s + "'; expected one of: active, draining, maintenance");
  }

  /** An integer in a range. */
  static int integer(JsonNode value, String path, int min, int max) throws FieldException {
    if (!value.isIntegralNumber()) {
      throw FieldException.malformed(path, "expected an integer, got " + describe(value));
    }
    if (!value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
      String range = max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max;
      throw FieldException.invalid(path, value.asText() + " is out of range " + range);
    }
    return value.asInt();
  }

  /** Fails on a key not in {@code known}, naming the known ones. */
  static void checkKeys(JsonNode node, String path, Set<String> known) throws FieldException {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = e.getKey();
      if (!known.contains(key)) {
        List<String> sorted = new ArrayList<>();
        for (String k : KEYS) {
          if (known.contains(k)) {
            sorted.add(k);
          }
        }
        for (String k : known) {
          if (!sorted.contains(k)) {
            sorted.add(k);
          }
        }
        throw FieldException.malformed(
            join(path, key), "unknown field; known fields: " + String.join(", ", sorted));
      }
    }
  }

  static String requiredText(JsonNode node, String path, String key) throws FieldException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw FieldException.malformed(join(path, key), "is required");
    }
    if (!v.isTextual()) {
      throw FieldException.malformed(join(path, key), "expected a string, got " + describe(v));
    }
    return v.asText();
  }

  static String optionalText(JsonNode node, String path, String key) throws FieldException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw FieldException.malformed(join(path, key), "expected a string, got " + describe(v));
    }
    return v.asText().isEmpty() ? null : v.asText();
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** How a JSON value is called in messages: {@code a string ('x')}, {@code an object}. */
  static String describe(JsonNode v) {
    return switch (v.getNodeType()) {
      case STRING -> "a string ('" + v.asText() + "')";
      case NUMBER -> "a number (" + v.asText() + ")";
      case BOOLEAN -> "a boolean (" + v.asText() + ")";
      case OBJECT -> "an object";
      case ARRAY -> "a list";
      case NULL -> "null";
      default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }
}
