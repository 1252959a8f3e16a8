package io.ballast.core.config;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.YamlNode.Mapping;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Reads and validates {@code ballast.yaml}. The whole file is always checked: every problem is
 * reported at once, each with its line and field path ({@code ballast.yaml:14
 * pools[0].backends[2].address: port 70000 is out of range 1..65535}), sorted by line.
 *
 * <p>YAML is parsed with Jackson's streaming parser into a line-numbered tree and bound by hand
 * through {@link OptionReader}, never by data binding, so that a bad value does not stop the rest
 * of the file from being checked. Balancing algorithms read their own {@code algorithm-options:}
 * through the same reader.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * The outcome of checking a config: the config when there are no errors, plus everything found.
   *
   * @param config the validated config, or {@code null} when {@code errors} is not empty
   * @param errors problems that make the config unusable, sorted by line
   * @param warnings things that are allowed but probably not meant (a pool nobody uses), sorted by
   *     line; printed the same way as errors
   */
  public record Result(BallastConfig config, List<ConfigError> errors, List<ConfigError> warnings) {

    public Result {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }

    /** Whether the config is valid (warnings allowed). */
    public boolean ok() {
      return errors.isEmpty();
    }

    /** The config, or a {@link ConfigException} carrying every error. */
    public BallastConfig orThrow() throws ConfigException {
      if (!errors.isEmpty()) {
        throw new ConfigException(errors);
      }
      return config;
    }
  }

  /**
   * Loads and validates a config file, reporting every error at once. Errors name the file as
   * given; relative file names inside it ({@code admin.token-file}) resolve against its directory.
   *
   * @throws IOException when the file cannot be read
   * @throws ConfigException listing every problem found
   */
  public static BallastConfig load(Path file, BalancerRegistry registry)
      throws IOException, ConfigException {
    return validate(file, registry).orThrow();
  }

  /**
   * Validates config text that did not come from a file (tests, the admin API's reload with a
   * body). Relative file names inside it stay relative; the node name defaults to the host name.
   *
   * @param fileName the name errors are reported under, such as {@code ballast.yaml}
   * @throws ConfigException listing every problem found
   */
  public static BallastConfig parse(String yamlText, String fileName, BalancerRegistry registry)
      throws ConfigException {
    return validate(yamlText, fileName, null, ConfigLoader::localHostName, registry).orThrow();
  }

  /**
   * Checks a config file and returns errors and warnings instead of throwing; what {@code ballast
   * validate} prints.
   *
   * @throws IOException when the file cannot be read
   */
  public static Result validate(Path file, BalancerRegistry registry) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      Diagnostics d = new Diagnostics(file.toString());
      d.error(0, "", "is not UTF-8 text");
      return new Result(null, d.errors(), d.warnings());
    }
    return validate(text, file.toString(), file, ConfigLoader::localHostName, registry);
  }

  /**
   * Checks config text; the most general form.
   *
   * @param yamlText the YAML
   * @param fileName the name errors are reported under
   * @param source the file the text came from, recorded in the config and used to resolve relative
   *     file names; {@code null} when there is none
   * @param hostName supplies the default {@code node.name}; asked only when the config has none
   * @param registry the balancing algorithms that {@code algorithm:} may name
   */
  public static Result validate(
      String yamlText,
      String fileName,
      Path source,
      Supplier<String> hostName,
      BalancerRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Diagnostics diag = new Diagnostics(fileName);
    String text = yamlText.startsWith("\uFEFF") ? yamlText.substring(1) : yamlText;
    YamlNode root = YamlTree.parse(text, diag);
    BallastConfig config = null;
    if (root instanceof Mapping m) {
      Path baseDir = source == null ? null : source.toAbsolutePath().getParent();
      config =
          new ConfigBinder(diag, registry, baseDir, hostName)
              .bind(YamlOptionReader.root(diag, m), source);
    } else if (root != null) {
      diag.error(
          root.line(),
          "",
          "expected a mapping with listeners:, pools: and other sections at the top level, got "
              + root.describe());
    }
    return new Result(diag.hasErrors() ? null : config, diag.errors(), diag.warnings());
  }

  /** This machine's name, usable as a node name, or {@code ballast}. */
  public static String localHostName() {
    return LocalHost.NAME;
  }

  /** Looked up once, on first use: the lookup may consult the resolver. */
  private static final class LocalHost {
    static final String NAME = lookup();

    private static String lookup() {
      try {
        String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        return ConfigBinder.NAME.matcher(name).matches() ? name : "ballast";
      } catch (IOException | SecurityException e) {
        return "ballast";
      }
    }
  }
}
