package io.ballast.server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (the Java client has a writer but
 * no parser). It rejects anything the format does not allow: a malformed line, an unknown type, a
 * TYPE after its samples or twice, a sample of a family interleaved with another, a duplicate
 * series, bad label escapes, a missing final newline; and checks histogram invariants (cumulative
 * buckets ending in {@code +Inf} equal to {@code _count}).
 */
final class PrometheusText {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE =
      Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?[0-9]+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");

  /** One sample. */
  record Sample(String name, Map<String, String> labels, double value) {
    String label(String key) {
      return labels.get(key);
    }
  }

  /** One metric family. */
  static final class Family {
    final String name;
    String type = "untyped";
    String help;
    final List<Sample> samples = new ArrayList<>();

    Family(String name) {
      this.name = name;
    }
  }

  final Map<String, Family> families = new LinkedHashMap<>();

  private PrometheusText() {}

  /**
   * Parses an exposition.
   *
   * @throws IllegalArgumentException naming the line for anything the format does not allow
   */
  static PrometheusText parse(String text) {
    PrometheusText p = new PrometheusText();
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a newline");
    }
    String[] lines = text.split("\n", -1);
    Set<String> series = new HashSet<>();
    Set<String> finished = new HashSet<>();
    Family current = null;
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      int n = i + 1;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        Matcher h = HELP.matcher(line);
        Matcher t = TYPE.matcher(line);
        if (h.matches()) {
          Family f = p.family(h.group(1), finished, n);
          if (f.help != null) {
            throw new IllegalArgumentException("line " + n + ": second HELP for " + f.name);
          }
          checkHelpEscapes(h.group(2), n);
          f.help = h.group(2);
          current = f;
        } else if (t.matches()) {
          Family f = p.family(t.group(1), finished, n);
          if (!f.samples.isEmpty() || !f.type.equals("untyped")) {
            throw new IllegalArgumentException(
                "line " + n + ": TYPE for " + f.name + " after its samples or twice");
          }
          f.type = t.group(2);
          current = f;
        } else if (line.startsWith("# HELP") || line.startsWith("# TYPE")) {
          throw new IllegalArgumentException("line " + n + ": malformed: " + line);
        }
        continue; // other comments are allowed
      }
      Matcher s = SAMPLE.matcher(line);
      if (!s.matches()) {
        throw new IllegalArgumentException("line " + n + ": not a sample: " + line);
      }
      String name = s.group(1);
      Map<String, String> labels = labels(s.group(3), n);
      double value = value(s.group(4), n);
      Family f = p.familyOf(name, current);
      if (f == null) {
        f = p.family(name, finished, n);
      }
      if (current != null && f != current) {
        finished.add(current.name);
      }
      if (finished.contains(f.name)) {
        throw new IllegalArgumentException(
            "line " + n + ": samples of " + f.name + " are not together");
      }
      current = f;
      checkSampleName(f, name, labels, n);
      if (!series.add(name + labels)) {
        throw new IllegalArgumentException("line " + n + ": duplicate series " + name + labels);
      }
      if (f.type.equals("counter") && value < 0) {
        throw new IllegalArgumentException("line " + n + ": a counter below zero");
      }
      f.samples.add(new Sample(name, labels, value));
    }
    for (Family f : p.families.values()) {
      if (f.type.equals("histogram")) {
        checkHistogram(f);
      }
    }
    return p;
  }

  private Family family(String name, Set<String> finished, int n) {
    if (finished.contains(name)) {
      throw new IllegalArgumentException("line " + n + ": " + name + " was already finished");
    }
    return families.computeIfAbsent(name, Family::new);
  }

  /** The declared family a sample name belongs to (the current one first). */
  private Family familyOf(String sample, Family current) {
    if (current != null && belongs(current, sample)) {
      return current;
    }
    for (Family f : families.values()) {
      if (belongs(f, sample)) {
        return f;
      }
    }
    return null;
  }

  private static boolean belongs(Family f, String sample) {
    return switch (f.type) {
      case "histogram" ->
          sample.equals(f.name + "_bucket")
              || sample.equals(f.name + "_count")
              || sample.equals(f.name + "_sum");
      case "summary" ->
          sample.equals(f.name)
              || sample.equals(f.name + "_count")
              || sample.equals(f.name + "_sum");
      default -> sample.equals(f.name);
    };
  }

  private static void checkSampleName(Family f, String name, Map<String, String> labels, int n) {
    if (f.type.equals("histogram") && name.endsWith("_bucket") && !labels.containsKey("le")) {
      throw new IllegalArgumentException("line " + n + ": a bucket without le");
    }
    if (!f.type.equals("histogram") && labels.containsKey("le")) {
      throw new IllegalArgumentException("line " + n + ": le outside a histogram");
    }
  }

  private static void checkHelpEscapes(String help, int n) {
    for (int i = 0; i < help.length(); i++) {
      if (help.charAt(i) == '\\') {
        if (i + 1 >= help.length() || "\\n".indexOf(help.charAt(i + 1)) < 0) {
          throw new IllegalArgumentException("line " + n + ": bad escape in HELP");
        }
        i++;
      }
    }
  }

  private static Map<String, String> labels(String body, int n) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (body == null || body.isEmpty()) {
      return labels;
    }
    Matcher m = LABEL.matcher(body);
    int at = 0;
    while (at < body.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException("line " + n + ": bad labels: {" + body + "}");
      }
      String key = m.group(1);
      String value =
          m.group(2).replace("\\\\", "\u0000").replace("\\\"", "\"").replace("\\n", "\n");
      value = value.replace("\u0000", "\\");
      if (labels.put(key, value) != null) {
        throw new IllegalArgumentException("line " + n + ": label " + key + " twice");
      }
      at = m.end();
      if (at < body.length()) {
        if (body.charAt(at) != ',') {
          throw new IllegalArgumentException("line " + n + ": expected ',' in {" + body + "}");
        }
        at++;
      }
    }
    return labels;
  }

  private static double value(String text, int n) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        if (!text.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
          throw new IllegalArgumentException("line " + n + ": bad value " + text);
        }
        yield Double.parseDouble(text);
      }
    };
  }

  private static void checkHistogram(Family f) {
    Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    for (Sample s : f.samples) {
      if (s.name().endsWith("_bucket")) {
        Map<String, String> key = new LinkedHashMap<>(s.labels());
        key.remove("le");
        buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      } else if (s.name().endsWith("_count")) {
        counts.put(s.labels(), s.value());
      }
    }
    for (var e : buckets.entrySet()) {
      double last = -1;
      double lastLe = Double.NEGATIVE_INFINITY;
      for (Sample b : e.getValue()) {
        double le = value(b.label("le"), 0);
        if (le <= lastLe || b.value() < last) {
          throw new IllegalArgumentException(f.name + e.getKey() + ": buckets not cumulative");
        }
        lastLe = le;
        last = b.value();
      }
      if (lastLe != Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(f.name + e.getKey() + ": no +Inf bucket");
      }
      Double count = counts.get(e.getKey());
      if (count == null || count != last) {
        throw new IllegalArgumentException(f.name + e.getKey() + ": +Inf bucket != _count");
      }
    }
  }

  /** The family, which must exist. */
  Family family(String name) {
    Family f = families.get(name);
    if (f == null) {
      throw new AssertionError("no metric family " + name + "; families: " + families.keySet());
    }
    return f;
  }

  /**
   * The value of the one sample with this name and these labels (others may exist).
   *
   * @param labels alternating names and values; every one must match
   * @throws AssertionError when no or several samples match
   */
  double value(String sample, String... labels) {
    List<Sample> found = samples(sample, labels);
    if (found.size() != 1) {
      throw new AssertionError(
          found.size() + " samples match " + sample + " " + List.of(labels) + ": " + found);
    }
    return found.get(0).value();
  }

  /** Samples with this name whose labels include these. */
  List<Sample> samples(String sample, String... labels) {
    List<Sample> out = new ArrayList<>();
    for (Family f : families.values()) {
      for (Sample s : f.samples) {
        if (!s.name().equals(sample)) {
          continue;
        }
        boolean ok = true;
        for (int i = 0; i < labels.length; i += 2) {
          if (!labels[i + 1].equals(s.label(labels[i]))) {
            ok = false;
            break;
          }
        }
        if (ok) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /** The sum of matching samples. */
  double sum(String sample, String... labels) {
    return samples(sample, labels).stream().mapToDouble(Sample::value).sum();
  }
}
