package io.ballast.admin.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.core.config.BackendConfig;
import io.ballast.core.config.RuntimeOverlay;
import io.ballast.core.config.RuntimeOverlay.PoolChanges;
import io.ballast.core.model.AdminState;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The overlay as JSON, the same in the overlay file and in {@code GET /api/v1/overlay}:
 *
 * <pre>{@code
 * {
 *   "version": 1,
 *   "about": "Runtime changes made through the Ballast admin API ...",
 *   "pools": {
 *     "web": {
 *       "added":   [ { "id": "web-4", "address": "10.0.0.14:8080", "weight": 100, ... } ],
 *       "removed": [ "web-2" ],
 *       "weights": { "web-1": 50 },
 *       "states":  { "web-3": "maintenance" }
 *     }
 *   }
 * }
 * }</pre>
 */
public final class OverlayJson {
  /** The format version written and accepted. */
  public static final int VERSION = 1;

  static final String ABOUT =
      "Runtime changes made through the Ballast admin API (ballast ctl). The node applies them on"
          + " top of its config file at every reload and restart. Show them with 'ballast ctl"
          + " overlay'; drop them with 'ballast ctl overlay --clear'. Edit this file only while"
          + " the node is stopped.";

  private OverlayJson() {}

  /** The overlay as JSON. */
  public static ObjectNode write(RuntimeOverlay overlay) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("version", VERSION);
    root.put("about", ABOUT);
    ObjectNode pools = root.putObject("pools");
    for (Map.Entry<String, PoolChanges> e : overlay.pools().entrySet()) {
      PoolChanges c = e.getValue();
      ObjectNode p = pools.putObject(e.getKey());
      ArrayNode added = p.putArray("added");
      for (BackendConfig b : c.added().values()) {
        added.add(BackendJson.write(b));
      }
      ArrayNode removed = p.putArray("removed");
      c.removed().forEach(removed::add);
      ObjectNode weights = p.putObject("weights");
      c.weights().forEach(weights::put);
      ObjectNode states = p.putObject("states");
      c.states().forEach((id, s) -> states.put(id, BackendJson.stateName(s)));
    }
    return root;
  }

  /**
   * Reads an overlay, strictly: unknown keys and bad values are errors naming their path (the file
   * is meant to be read by people, but a typo must not silently drop a change).
   */
  public static RuntimeOverlay read(JsonNode root) throws FieldException {
    if (root == null || !root.isObject()) {
      throw FieldException.malformed("", "expected a JSON object with \"pools\"");
    }
    BackendJson.checkKeys(root, "", Set.of("version", "about", "pools"));
    JsonNode version = root.get("version");
    if (version != null && !(version.isIntegralNumber() && version.asInt() == VERSION)) {
      throw FieldException.invalid(
          "version",
          "unsupported overlay version " + version + " (this node reads " + VERSION + ")");
    }
    JsonNode pools = root.get("pools");
    if (pools == null || pools.isNull()) {
      return RuntimeOverlay.EMPTY;
    }
    if (!pools.isObject()) {
      throw FieldException.malformed("pools", "expected an object keyed by pool name");
    }
    Map<String, PoolChanges> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : pools.properties()) {
      String pool = e.getKey();
      String path = "pools." + pool;
      if (!RuntimeOverlay.isValidName(pool)) {
        throw FieldException.invalid(path, "'" + pool + "' is not a valid pool name");
      }
      out.put(pool, poolChanges(e.getValue(), path));
    }
    return RuntimeOverlay.of(out);
  }

  private static PoolChanges poolChanges(JsonNode node, String path) throws FieldException {
    if (!node.isObject()) {
      throw FieldException.malformed(
          path, "expected an object with added, removed, weights, states");
    }
    BackendJson.checkKeys(node, path, Set.of("added", "removed", "weights", "states"));
    Map<String, BackendConfig> added = new LinkedHashMap<>();
    JsonNode a = node.get("added");
    if (a != null && !a.isNull()) {
      if (!a.isArray()) {
        throw FieldException.malformed(path + ".added", "expected a list of backends");
      }
      for (int i = 0; i < a.size(); i++) {
        BackendConfig b = BackendJson.read(a.get(i), path + ".added[" + i + "]");
        if (added.put(b.id(), b) != null) {
          throw FieldException.invalid(
              path + ".added[" + i + "].id", "duplicate backend id '" + b.id() + "'");
        }
      }
    }
    Set<String> removed = new LinkedHashSet<>();
    JsonNode r = node.get("removed");
    if (r != null && !r.isNull()) {
      if (!r.isArray()) {
        throw FieldException.malformed(path + ".removed", "expected a list of backend ids");
      }
      for (int i = 0; i < r.size(); i++) {
        JsonNode id = r.get(i);
        if (!id.isTextual() || !RuntimeOverlay.isValidName(id.asText())) {
          throw FieldException.invalid(
              path + ".removed[" + i + "]",
              "expected a backend id, got " + BackendJson.describe(id));
        }
        removed.add(id.asText());
      }
    }
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : entries(node.get("weights"), path + ".weights")) {
      weights.put(e.getKey(), BackendJson.weight(e.getValue(), path + ".weights." + e.getKey()));
    }
    Map<String, AdminState> states = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : entries(node.get("states"), path + ".states")) {
      states.put(e.getKey(), BackendJson.state(e.getValue(), path + ".states." + e.getKey()));
    }
    return new PoolChanges(added, removed, weights, states);
  }

  private static Iterable<Map.Entry<String, JsonNode>> entries(JsonNode node, String path)
      throws FieldException {
    if (node == null || node.isNull()) {
      return Set.of();
    }
    if (!node.isObject()) {
      throw FieldException.malformed(path, "expected an object keyed by backend id");
    }
    Map<String, JsonNode> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!RuntimeOverlay.isValidName(e.getKey())) {
        throw FieldException.invalid(path + "." + e.getKey(), "not a valid backend id");
      }
      m.put(e.getKey(), e.getValue());
    }
    return m.entrySet();
  }
}
